export * from "./etp.js";
