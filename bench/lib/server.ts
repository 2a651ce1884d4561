// A Passerelle server started as a child process for the HTTP scenarios (`node --import tsx src/main.ts`,
// what `npm start` runs, or `npm start` itself for the cold-start measurement), with a bench account and a
// logged-in session.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { hashPassword } from "../../src/security/passwords.js";
import { REPO_ROOT } from "./context.js";
import { killTree, RssSampler } from "./processes.js";
import { elapsedMs } from "./stats.js";

export const BENCH_EMAIL = "bench-national@bench.passerelle.test";
export const BENCH_PASSWORD = "bench-passerelle-mot-de-passe";
export const BENCH_SIAE_EMAIL = "bench-siae@bench.passerelle.test";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Creates (or resets) an SIAE-staff bench account, admin member of the given structures (the writers' role). */
export async function ensureSiaeBenchAccount(handle: DatabaseHandle, structureIds: readonly number[]): Promise<void> {
  const hash = await hashPassword(BENCH_PASSWORD);
  const r = await sql<{ id: number }>`
    INSERT INTO app_user (email, display_name, password_hash, role) VALUES (${BENCH_SIAE_EMAIL}, 'Compte de mesure SIAE (bench)', ${hash}, 'siae')
    ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, disabled = false, failed_logins = 0, locked_until = NULL
    RETURNING id`.execute(handle.db);
  const userId = r.rows[0]?.id;
  if (userId === undefined) throw new Error("compte SIAE de mesure non créé");
  for (const structureId of structureIds)
    await sql`INSERT INTO membership (user_id, structure_id, is_admin) VALUES (${userId}, ${structureId}, true) ON CONFLICT DO NOTHING`.execute(
      handle.db,
    );
}

/** Creates (or resets) the national-role bench account in a bench database. */
export async function ensureBenchAccount(handle: DatabaseHandle): Promise<void> {
  const hash = await hashPassword(BENCH_PASSWORD);
  await sql`
    INSERT INTO app_user (email, display_name, password_hash, role) VALUES (${BENCH_EMAIL}, 'Compte de mesure (bench)', ${hash}, 'national')
    ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, role = 'national', disabled = false, failed_logins = 0, locked_until = NULL`.execute(
    handle.db,
  );
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first successful GET /api/health. */
  readyMs: number;
  sampler: RssSampler;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  /** Use `npm start` (cold-start measurement) instead of node directly. */
  viaNpm?: boolean;
  timeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const env = { ...process.env, PASSERELLE_SKIP_WEB_BUILD: "1", LOG_LEVEL: "warn", ...options.env, PORT: String(port), HOST: "127.0.0.1" };
  const start = process.hrtime.bigint();
  const child = options.viaNpm
    ? spawn("npm", ["start", "--silent"], { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"], detached: true })
    : spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "src/main.ts")], {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", "ignore", "pipe"],
        detached: true,
      });
  if (child.pid === undefined) throw new Error("le serveur n'a pas pu être lancé");
  const sampler = new RssSampler(child.pid, 200).start();
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const stop = async () => {
    sampler.stop();
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killTree(child, "SIGTERM");
    const timer = setTimeout(() => killTree(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`le serveur s'est arrêté (code ${child.exitCode}) : ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`le serveur n'a pas répondu à /api/health à temps : ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, child, readyMs: elapsedMs(start), sampler, stop };
}

export interface Session {
  cookie: string;
  csrfToken: string;
}

export async function login(url: string, email = BENCH_EMAIL, password = BENCH_PASSWORD): Promise<Session> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`connexion refusée (${res.status}) : ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { csrfToken?: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookie || !body.csrfToken) throw new Error("connexion : cookie de session ou jeton CSRF absent");
  return { cookie, csrfToken: body.csrfToken };
}

/** Paths of the running server's OpenAPI document (to skip endpoints not delivered yet). */
export async function openApiPaths(url: string): Promise<Record<string, Record<string, unknown>>> {
  const res = await fetch(`${url}/api/docs/json`);
  if (!res.ok) return {};
  const doc = (await res.json()) as { paths?: Record<string, Record<string, unknown>> };
  return doc.paths ?? {};
}
