// A Passerelle server started as a child process for the HTTP scenarios (`node dist/main.js`, the compiled
// server that `npm start` runs, or `npm start` itself for the cold-start measurement), with a bench account and a
// logged-in session.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { sql } from "kysely";
import { generate } from "otplib";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { sha256Hex } from "../../src/server/auth/sessions.js";
import { hashPassword } from "../../src/security/passwords.js";
import { REPO_ROOT, SERVER_MAIN } from "./context.js";
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
  await resetLoginState(handle, userId, BENCH_SIAE_EMAIL);
  for (const structureId of structureIds)
    await sql`INSERT INTO membership (user_id, structure_id, is_admin) VALUES (${userId}, ${structureId}, true) ON CONFLICT DO NOTHING`.execute(
      handle.db,
    );
}

/** Creates (or resets) the national-role bench account in a bench database. */
export async function ensureBenchAccount(handle: DatabaseHandle): Promise<void> {
  const hash = await hashPassword(BENCH_PASSWORD);
  const r = await sql<{ id: number }>`
    INSERT INTO app_user (email, display_name, password_hash, role) VALUES (${BENCH_EMAIL}, 'Compte de mesure (bench)', ${hash}, 'national')
    ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, role = 'national', disabled = false, failed_logins = 0, locked_until = NULL
    RETURNING id`.execute(handle.db);
  const userId = r.rows[0]?.id;
  if (userId === undefined) throw new Error("compte national de mesure non créé");
  await resetLoginState(handle, userId, BENCH_EMAIL);
}

/**
 * A bench account starts every run as a new account would: no second factor yet (the national role must
 * enrol one at its first login, which `login` does through the public protocol), no login attempt nor
 * login rate-limit counter left by an earlier run on the same (cached) database — the login throttles are
 * DB-backed and a run logs in several times from 127.0.0.1.
 */
async function resetLoginState(handle: DatabaseHandle, userId: number, email: string): Promise<void> {
  await sql`DELETE FROM user_recovery_code WHERE user_id = ${userId}`.execute(handle.db);
  await sql`DELETE FROM user_totp WHERE user_id = ${userId}`.execute(handle.db);
  await sql`DELETE FROM login_attempt WHERE email = ${sha256Hex(email)}`.execute(handle.db);
  await sql`DELETE FROM rate_limit_counter WHERE key LIKE 'login:%'`.execute(handle.db);
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
    : spawn(process.execPath, [SERVER_MAIN], {
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

/** The TOTP secret enrolled by `login` for each bench account in this process (a second login sends a code). */
const enrolledSecrets = new Map<string, string>();

/**
 * Logs in through the public protocol. An account whose role requires a second factor (national, admin)
 * is enrolled at its first login — the answer carries the secret, the bench computes the code as an
 * authenticator app would and confirms it — and later logins send a fresh code.
 */
export async function login(url: string, email = BENCH_EMAIL, password = BENCH_PASSWORD): Promise<Session> {
  const post = (code?: string) =>
    fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, ...(code ? { code } : {}) }),
    });
  const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) });
  let res = await post();
  if (!res.ok) throw new Error(`connexion refusée (${res.status}) : ${(await res.text()).slice(0, 200)}`);
  let body = (await res.json()) as { csrfToken?: string; secondFactor?: string; enrolment?: { secret: string } };
  if (body.secondFactor === "enrol" && body.enrolment) {
    enrolledSecrets.set(email, body.enrolment.secret);
    res = await post(await codeFor(body.enrolment.secret));
  } else if (body.secondFactor === "totp") {
    const secret = enrolledSecrets.get(email);
    if (!secret) throw new Error("connexion : second facteur déjà activé pour le compte de mesure (secret inconnu du banc)");
    // A code is usable once: wait for the next 30 s step when this one was spent by the previous login.
    res = await post(await codeFor(secret));
    if (res.status === 401) {
      await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
      res = await post(await codeFor(secret));
    }
  }
  if (body.secondFactor) {
    if (!res.ok) throw new Error(`second facteur refusé (${res.status}) : ${(await res.text()).slice(0, 200)}`);
    body = (await res.json()) as typeof body;
  }
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
