export * from "./cddi.js";
export * from "./chains.js";
