export * from "./definitions.js";
export * from "./formulas.js";
export * from "./records.js";
