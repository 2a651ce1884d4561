// On PGlite (one connection, held by the import's transaction for the whole import) the uploader polling a
// background import sees its progress move: the instance answers that poll from memory (the session that
// uploaded, the worker's live progress). Anyone else waits for the database as before and gets only what
// the database says (another département: 404). On PostgreSQL the job row is the source: skipped, visibly.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFluxIae } from "../../src/interchange/fluxiae-generator/generateFluxIae.js";
import type { App } from "../../src/server/context.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";
import { type TestUser, testApp, userWithSession } from "./support/apiKit.js";

const onPglite = testEngine() === "pglite";
if (!onPglite) process.stderr.write("importProgressPglite: ignoré sur PostgreSQL (la ligne de la tâche y est la source)\n");

let t: TestDatabase;
let app: App;
let uploader: TestUser;
let other: TestUser;
let dir: string;

beforeAll(async () => {
  if (!onPglite) return;
  t = await createTestDatabase();
  uploader = await userWithSession(t, { email: "agent@ddets62.test", role: "departemental", departementCode: "62" });
  other = await userWithSession(t, { email: "agent@ddets13.test", role: "departemental", departementCode: "13" });
  app = await testApp(t);
  dir = await mkdtemp(path.join(tmpdir(), "passerelle-progress-"));
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.runIf(onPglite)("background import on PGlite", () => {
  it("shows the uploader a moving progress while the import holds the connection", async () => {
    await generateFluxIae({ factor: 0.3, departement: "062", out: dir, seed: 5, years: 1 });
    const entries: Record<string, Uint8Array> = {};
    for (const f of await readdir(dir)) entries[f.replace(/\.gz$/, "")] = gunzipSync(await readFile(path.join(dir, f)));
    const boundary = "----passerelle-progress";
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="livraison-62.zip"\r\n\r\n`),
      Buffer.from(zipSync(entries)),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/imports?background=true",
      headers: { ...uploader.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as { id: string };

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
});
