export * from "./backtest.js";
export * from "./envelope.js";
export * from "./payments.js";
export * from "./projection.js";
export * from "./redeployment.js";
