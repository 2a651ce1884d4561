export * from "./clock.js";
export * from "./isoDate.js";
