// Links committed audit rows into the hash chain, in batches, after their transactions commit
// (migration 0660): the request that writes an audit row never waits on the chain's head, so concurrent
// readers of salarié pages commit in parallel. Each app server runs one AuditChainer; the database function
// skips a batch when another session holds the head, so N instances never wait on each other, and
// `passerelle audit verify` and the retention chain what is pending before they read the chain.
import { sql } from "kysely";
import type { Db } from "./schema.js";

/** Chains the committed pending audit rows; returns how many (0 when another session is chaining and !wait). */
export async function chainPendingAudit(db: Db, options: { wait?: boolean; maxRows?: number } = {}): Promise<number> {
  const r = await sql<{ n: number }>`SELECT audit_chain_pending(${options.maxRows ?? 100_000}::int, ${options.wait ?? false}) AS n`.execute(
    db,
  );
  return Math.max(0, Number(r.rows[0]?.n ?? 0));
}

/** Chains everything committed so far, batch after batch, waiting for the head if another session holds it. */
export async function chainAllPendingAudit(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await chainPendingAudit(db, { wait: true });
    total += n;
    if (n < 100_000) return total;
  }
}

export interface AuditChainerOptions {
  /** Pause between two batches, ms (PASSERELLE_AUDIT_CHAIN_INTERVAL_MS, default 1000). */
  intervalMs?: number;
  log?: (message: string, error: unknown) => void;
}

export class AuditChainer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly intervalMs: number;

  constructor(
    private readonly db: Db,
    private readonly options: AuditChainerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? Number(process.env.PASSERELLE_AUDIT_CHAIN_INTERVAL_MS ?? 1000);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer, then chains what this instance's last requests wrote (graceful shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.tick();
  }

  private tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = chainPendingAudit(this.db)
      .then(() => undefined)
      .catch((error: unknown) => this.options.log?.("chaînage du journal d'audit en échec", error))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
