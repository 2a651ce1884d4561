export * from "./examined.js";
export * from "./referential.js";
