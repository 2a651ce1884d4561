export * from "./etp.js";
export * from "./month.js";
export * from "./aspWholeHours.js";
