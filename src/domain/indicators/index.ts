export * from "./definitions.js";
export * from "./exitHours.js";
export * from "./formulas.js";
export * from "./fundingLines.js";
export * from "./periods.js";
export * from "./records.js";
export * from "./structureCreation.js";
export * from "./proration.js";
