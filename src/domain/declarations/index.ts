export * from "./etp.js";
export * from "./month.js";
