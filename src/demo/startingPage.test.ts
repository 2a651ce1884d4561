// The answers of `npm start` before the application is ready (health 503 "starting", API 503 problem,
// progress page), through a real HTTP server.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { respondWhileStarting, type StartupState } from "./startingPage.js";

const state: StartupState = { percent: 42.4, step: "Contrats…", loadingDemo: true };
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => respondWhileStarting(req, res, state));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("respondWhileStarting", () => {
  it("health: 503 with status starting, the rounded progress and the step", async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await res.json()).toEqual({ status: "starting", progress: 42, step: "Contrats…" });
  });

  it("API: 503 problem in French, also for a POST with a body", async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.c", password: "x" }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { title: string; detail: string };
    expect(body.title).toBe("Service en cours de démarrage");
    expect(body.detail).toContain("42 %");
  });

  it("any page: the French progress page, reloading itself, under a strict CSP", async () => {
    const res = await fetch(`${base}/structures/12?annee=2019`);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("Chargement des données de démonstration… 42 %");
    expect(html).toContain('<progress max="100" value="42"');
    expect(html).toContain('http-equiv="refresh"');
    expect(html).not.toContain("<script");
  });

  it("escapes the step and says only « démarre » when no demo is loading", async () => {
    state.loadingDemo = false;
    state.step = "<b>Mise à jour</b>";
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain("<h1>Passerelle démarre…</h1>");
    expect(html).toContain("&#60;b&#62;Mise à jour&#60;/b&#62;");
  });
});
