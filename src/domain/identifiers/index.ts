export * from "./afNumber.js";
export * from "./birthDate.js";
export * from "./insee.js";
export * from "./nir.js";
export * from "./passNumber.js";
export * from "./siret.js";
