export * from "./csv.js";
