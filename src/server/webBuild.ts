// `npm start` builds the web app when dist/web is missing (design §1), so that a fresh clone needs
// nothing but `npm install && npm start`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { WEB_DIST } from "./app.js";

// From src/server or dist/server alike: the Vite configuration stays in the sources.
const VITE_CONFIG = fileURLToPath(new URL("../../src/web/vite.config.ts", import.meta.url));

export async function ensureWebBuilt(log: (message: string) => void): Promise<void> {
  if (existsSync(`${WEB_DIST}index.html`) || !existsSync(VITE_CONFIG)) return;
  log("Construction de l'application web (première exécution, environ une minute)…");
  const { build } = await import("vite");
  await build({ configFile: VITE_CONFIG, logLevel: "warn" });
  log("Application web construite.");
}
