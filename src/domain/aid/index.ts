export * from "./bareme.js";
export * from "./hours.js";
export * from "./modulation.js";
export * from "./simulate.js";
export * from "./territory.js";
