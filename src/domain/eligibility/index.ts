export * from "./criteria.js";
export * from "./diagnosis.js";
