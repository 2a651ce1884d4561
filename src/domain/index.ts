// Passerelle pure domain rules (no I/O, clock injected). See docs/GLOSSARY.md for the rule → file map.
export * from "./aid/index.js";
export * from "./calendar/index.js";
export * from "./conventions/index.js";
export * from "./errors.js";
export * from "./identifiers/index.js";
export * from "./money/index.js";
export * from "./referenceData/index.js";
export * from "./structures/index.js";
