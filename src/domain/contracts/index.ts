export * from "./cddi.js";
export * from "./chains.js";
export * from "./limits.js";
