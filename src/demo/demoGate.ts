// The demo on first start (npm start on an empty database), only where its published password harms no
// one: never on a public instance (PASSERELLE_PUBLIC_URL in https, or NODE_ENV=production — see
// security/publicInstance.ts). The newcomer's `npm install && npm start` on localhost is unchanged.
import type { DatabaseHandle } from "../db/connection.js";
import { isPublicInstance } from "../security/publicInstance.js";
import { type DemoSummary, type LoadDemoDeps, loadDemoIfEmpty } from "./loadDemo.js";

export class DemoRefusedError extends Error {
  constructor() {
    super(
      "la démo (comptes au mot de passe publié) n'est jamais chargée sur une instance publique (PASSERELLE_PUBLIC_URL en https ou NODE_ENV=production).",
    );
    this.name = "DemoRefusedError";
  }
}

/** Throws DemoRefusedError on a public instance. */
export function assertDemoAllowed(env: NodeJS.ProcessEnv = process.env): void {
  if (isPublicInstance(undefined, env)) throw new DemoRefusedError();
}

/** loadDemoIfEmpty on a local instance; null (and no demo account) on a public one. */
export async function loadDemoOnFirstStart(
  handle: DatabaseHandle,
  deps: LoadDemoDeps & { onStart?: () => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoSummary | null> {
  if (isPublicInstance(undefined, env)) {
    deps.log?.("Instance publique (https ou NODE_ENV=production) : la démo n'est pas chargée.");
    return null;
  }
  return loadDemoIfEmpty(handle, deps);
}
