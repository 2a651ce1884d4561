export * from "./csv.js";
export * from "./followUp.js";
