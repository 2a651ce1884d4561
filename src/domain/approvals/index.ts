export * from "./approval.js";
export * from "./prolongationReasons.js";
