// Passerelle pure domain rules (no I/O, clock injected). See docs/GLOSSARY.md for the rule → file map.
export * from "./aid/index.js";
export * from "./approvals/index.js";
export * from "./calendar/index.js";
export * from "./contracts/index.js";
export * from "./conventions/index.js";
export * from "./declarations/index.js";
export * from "./eligibility/index.js";
export * from "./errors.js";
export * from "./exits/index.js";
export * from "./financing/index.js";
export * from "./identifiers/index.js";
export * from "./indicators/index.js";
export * from "./money/index.js";
export * from "./referenceData/index.js";
export * from "./structures/index.js";
