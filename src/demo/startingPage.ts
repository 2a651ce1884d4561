// What `npm start` answers while it starts (migrations, referentials, demo load, web build): the port is
// open from the first second, so a new user who opens http://localhost:3000 sees the progress instead of
// "connection refused". Once the application is ready, main.ts hands every request to it.
//  - GET /api/health → 503 { status: "starting", progress, step } (clients waiting for 200 keep waiting);
//  - other /api/… → 503 application/problem+json with a French message and Retry-After;
//  - any other URL → 503 French HTML page, "Chargement des données de démonstration… n %", which reloads
//    itself every 2 s (meta refresh: no script, so the strict CSP holds) and becomes the app when ready.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface StartupState {
  /** 0–100 */
  percent: number;
  /** French label of the current step. */
  step: string;
  /** True while the demo département is being loaded (the page says so). */
  loadingDemo: boolean;
}

const RETRY_SECONDS = 2;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function startingPageHtml(state: StartupState): string {
  const percent = Math.max(0, Math.min(100, Math.round(state.percent)));
  const title = state.loadingDemo ? `Chargement des données de démonstration… ${percent} %` : "Passerelle démarre…";
  return (
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${RETRY_SECONDS}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Passerelle</title>` +
    `<style>body{font-family:Marianne,Arial,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#161616}` +
    `progress{width:100%;height:1.5rem}p.step{color:#3a3a3a}</style></head><body><main>` +
    `<h1>${escapeHtml(title)}</h1>` +
    `<progress max="100" value="${percent}" aria-label="Avancement du démarrage">${percent} %</progress>` +
    `<p class="step" role="status">${escapeHtml(state.step)}</p>` +
    (state.loadingDemo
      ? "<p>Premier démarrage : Passerelle installe le département de démonstration (Pas-de-Calais, 2017–2019). " +
        "Cette page se met à jour toute seule et laissera place à l'application dès la fin du chargement ; " +
        "les comptes de démonstration s'affichent alors dans le terminal de <code>npm start</code>.</p>"
      : "<p>Cette page se met à jour toute seule.</p>") +
    `</main></body></html>`
  );
}

/** Answers one request while the application is not ready yet. */
export function respondWhileStarting(req: IncomingMessage, res: ServerResponse, state: StartupState): void {
  const percent = Math.max(0, Math.min(100, Math.round(state.percent)));
  const url = req.url ?? "/";
  const common = { "retry-after": String(RETRY_SECONDS), "cache-control": "no-store", "x-content-type-options": "nosniff" };
  // The request body (if any) is not read: drain it so that the connection stays usable.
  req.resume();
  if (url === "/api/health" || url.startsWith("/api/health?")) {
    res.writeHead(503, { ...common, "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ status: "starting", progress: percent, step: state.step }));
    return;
  }
  // Readiness (src/server/readiness.ts): not ready while migrations, the reference data or the demo load run.
  if (url === "/api/ready" || url.startsWith("/api/ready?")) {
    res.writeHead(503, { ...common, "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ status: "migrating", detail: state.step }));
    return;
  }
  if (url.startsWith("/api/") || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(503, { ...common, "content-type": "application/problem+json; charset=utf-8" });
    res.end(
      JSON.stringify({
        type: "about:blank",
        title: "Service en cours de démarrage",
        status: 503,
        detail: `Passerelle démarre (${percent} %) : ${state.step} Réessayez dans quelques secondes.`,
      }),
    );
    return;
  }
  res.writeHead(503, {
    ...common,
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(req.method === "HEAD" ? undefined : startingPageHtml(state));
}
