export * from "./csv.js";
export * from "./followUp.js";
export * from "./indicators.js";
