export * from "./modulationGrid.js";
export * from "./requestStates.js";
