// On PGlite (one connection, held by the import's transaction for the whole import) the uploader polling a
// background import sees its progress move: the instance answers that poll from memory (the session that
// uploaded, the worker's live progress). Anyone else waits for the database as before and gets only what
// the database says (another département: 404). A session logged out, or past its expiry, while its import
// runs stops reading from memory: its poll waits for the database like any other and is refused there.
// On PostgreSQL the job row is the source: skipped, visibly.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";
import { buildApp } from "../../src/server/app.js";
import { systemClock } from "../../src/server/context.js";
import { type TestUser, testContext, userWithSession } from "./support/apiKit.js";

const onPglite = testEngine() === "pglite";
if (!onPglite) process.stderr.write("importProgressPglite: ignoré sur PostgreSQL (la ligne de la tâche y est la source)\n");

let t: TestDatabase;
let app: App;
let uploader: TestUser;
let other: TestUser;
let dir: string;
/** The server's clock runs this far ahead (a session's expiry reached without waiting 12 hours). */
let clockAhead = 0;

beforeAll(async () => {
  if (!onPglite) return;
  t = await createTestDatabase();
  uploader = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  other = await userWithSession(t, { email: "agent@ddets13.test", role: "departemental", departementCode: "13" });
  app = await buildApp({
    ...testContext(t),
    clock: { ...systemClock, now: () => new Date(Date.now() + clockAhead) },
  });
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-progress-"));
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.runIf(onPglite)("background import on PGlite", () => {
  /** Uploads a generated FluxIAE delivery as a background import by `who`; the job's id. */
  async function uploadDelivery(who: TestUser, seed: number): Promise<string> {
    const out = await mkdtemp(path.join(dir, "delivery-"));
    await generateFluxIae({ factor: 0.3, departement: "062", out, seed, years: 1 });
    const entries: Record<string, Uint8Array> = {};
    for (const f of await readdir(out)) entries[f.replace(/\.gz$/, "")] = gunzipSync(await readFile(path.join(out, f)));
    const boundary = "----passerelle-progress";
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="livraison-62.zip"\r\n\r\n`),
      Buffer.from(zipSync(entries)),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/imports?background=true",
      headers: { ...who.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(res.statusCode).toBe(202);
    return (res.json() as { id: string }).id;
  }

  /** Polls as `who` until the import reads rows (answered from memory); false if it ended first. */
  async function untilImporting(id: string, who: TestUser): Promise<boolean> {
    for (let i = 0; i < 3000; i++) {
      const poll = await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: who.headers });
      expect(poll.statusCode).toBe(200);
      const state = poll.json() as { status: string; phase: string };
      if (state.status !== "running") return false;
      if (state.phase === "import") return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it("shows the uploader a moving progress while the import holds the connection", async () => {
    const id = await uploadDelivery(uploader, 5);

    let intruder: Promise<number> | null = null;
    const seen: { rowsRead: number; ms: number }[] = [];
    let state = { status: "running", rowsRead: 0, phase: "detection" };
    for (let i = 0; i < 3000 && state.status === "running"; i++) {
      const started = Date.now();
      const poll = await app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: uploader.headers });
      expect(poll.statusCode).toBe(200);
      state = poll.json();
      if (state.status === "running" && state.phase === "import") {
        seen.push({ rowsRead: state.rowsRead, ms: Date.now() - started });
        // Another département's agent asks for the same job meanwhile: no shortcut for that session.
        intruder ??= app.inject({ url: `/api/v1/imports/jobs/${id}`, headers: other.headers }).then((r) => r.statusCode);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state.status).toBe("succeeded");
    // The progress moved while the import ran, each poll answered without waiting for the import's end.
    expect(new Set(seen.map((s) => s.rowsRead)).size).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seen.map((s) => s.ms))).toBeLessThan(1000);
    expect(intruder).not.toBeNull();
    expect(await intruder).toBe(404);
  }, 300_000);

  it("attacker: a session logged out during the import, or expired, no longer reads its progress", async () => {
    // Logout while the import holds the connection: the logout waits for the database, the session's polls
    // must not go on being answered from memory meanwhile (a stolen cookie would keep reading).
    const leaver = await userWithSession(t, { email: "leaver@ddets62.test", role: "departemental", departementCode: "62" });
    const first = await uploadDelivery(leaver, 6);
    expect(await untilImporting(first, leaver)).toBe(true);
    const logout = app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: leaver.headers });
    await new Promise((r) => setTimeout(r, 50));
    const afterLogout = app.inject({ url: `/api/v1/imports/jobs/${first}`, headers: leaver.headers });
    // Not answered from memory: still waiting for the database while the import runs (answered in ms before).
    const early = await Promise.race([afterLogout, new Promise((r) => setTimeout(() => r("pending"), 500))]);
    expect(app.jobs.runningJob(first), "the import outlasts the check").toBeDefined();
    expect(early).toBe("pending");
    await afterLogout;
    expect((await logout).statusCode).toBe(204);
    expect((await app.inject({ url: `/api/v1/imports/jobs/${first}`, headers: leaver.headers })).statusCode).toBe(401);

    // A session reaching its expiry (12 hours) while its import runs: refused, as by the database.
    const sleeper = await userWithSession(t, { email: "sleeper@ddets62.test", role: "departemental", departementCode: "62" });
    const second = await uploadDelivery(sleeper, 7);
    expect(await untilImporting(second, sleeper)).toBe(true);
    clockAhead = 13 * 60 * 60 * 1000;
    try {
      const expired = await app.inject({ url: `/api/v1/imports/jobs/${second}`, headers: sleeper.headers });
      expect(expired.statusCode).toBe(401);
    } finally {
      clockAhead = 0;
    }
  }, 300_000);
});
