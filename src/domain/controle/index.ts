export * from "./sampling.js";
