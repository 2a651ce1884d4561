export * from "./identity.js";
export * from "./kinds.js";
