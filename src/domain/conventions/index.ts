export * from "./amounts.js";
export * from "./states.js";
