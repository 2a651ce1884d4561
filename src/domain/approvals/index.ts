export * from "./approval.js";
