// PGlite hosted in a worker thread: PGlite runs PostgreSQL (WebAssembly) synchronously on the
// thread that owns it, so on the main thread a long query would freeze the HTTP server. Here the main
// thread keeps a small proxy that forwards PostgreSQL wire-protocol messages, scripts, COPY blobs and
// dumps to the worker; the worker answers in order, one operation at a time (PGlite has one session).
// The proxy satisfies what @electric-sql/pglite/node-postgres needs (waitReady + execProtocolStream), so
// pg.Pool and Kysely work over it unchanged.
// The worker body is plain JavaScript run with `eval` (no TypeScript loader needed in the worker, under
// tsx as under Vitest); it loads the CommonJS build of PGlite by absolute path.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pg from "pg";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { PGlite } = require(workerData.pglitePath);
let db;
let chain = Promise.resolve();
const plain = (e) => {
  const out = { message: String(e && e.message !== undefined ? e.message : e), name: e && e.name ? String(e.name) : "Error" };
  if (e && typeof e === "object") {
    for (const k of Object.keys(e)) {
      const v = e[k];
      if (v === null || ["string", "number", "boolean"].includes(typeof v)) out[k] = v;
    }
  }
  return out;
};
const ops = {
  async open(m) {
    db = new PGlite({
      ...(m.dataDir ? { dataDir: m.dataDir } : {}),
      postgresqlconf: m.postgresqlconf,
      ...(m.loadDataDir ? { loadDataDir: new Blob([m.loadDataDir]) } : {}),
    });
    await db.waitReady;
  },
  async protocol(m) {
    const messages = await db.execProtocolStream(m.bytes, { throwOnError: false });
    // Errors are Error objects: sent as plain fields, rebuilt as pg DatabaseError on the main thread.
    return { value: messages.map((x) => (x.name === "error" ? { __databaseError: true, ...plain(x), name: "error" } : x)) };
  },
  async exec(m) {
    await db.exec(m.script);
  },
  async copy(m) {
    await db.query(m.statement, [], { blob: new Blob([m.data]) });
  },
  async dump(m) {
    const file = await db.dumpDataDir(m.compression);
    const buf = await file.arrayBuffer();
    return { value: buf, transfer: [buf] };
  },
  async close() {
    if (db) await db.close();
  },
};
parentPort.on("message", (m) => {
  chain = chain.then(async () => {
    try {
      const r = await ops[m.op](m);
      parentPort.postMessage({ id: m.id, ok: true, value: r ? r.value : undefined }, r && r.transfer ? r.transfer : []);
    } catch (e) {
      parentPort.postMessage({ id: m.id, ok: false, error: plain(e) });
    }
  });
});
`;

type Op =
  | { op: "open"; dataDir?: string; postgresqlconf: string[]; loadDataDir?: ArrayBuffer }
  | { op: "protocol"; bytes: Uint8Array }
  | { op: "exec"; script: string }
  | { op: "copy"; statement: string; data: ArrayBuffer }
  | { op: "dump"; compression: "none" | "gzip" | "auto" }
  | { op: "close" };

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: Record<string, unknown> & { message: string; name: string };
}

/** The PGlite surface the pg adapter uses (createPgConfig accepts any object with these two members). */
export interface ProtocolEndpoint {
  readonly waitReady: Promise<void>;
  execProtocolStream(message: Uint8Array, options?: { throwOnError?: boolean }): Promise<unknown[]>;
}

export interface PgliteWorkerOptions {
  /** Folder of the database files; undefined for an in-memory database. */
  dataDir?: string;
  postgresqlconf: string[];
  loadDataDir?: Blob;
}

/** Frontend message types that a server answers only at the next Sync/Flush: P, B, D, E, C. */
const BATCHED_TYPES = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);

function rebuildError(fields: Record<string, unknown> & { message: string; name: string }): Error {
  const error = new Error(fields.message);
  Object.assign(error, fields);
  return error;
}

function rebuildMessage(message: unknown): unknown {
  if (typeof message === "object" && message !== null && "__databaseError" in message) {
    const { __databaseError: _flag, message: text, length, ...rest } = message as Record<string, unknown>;
    const error = new pg.DatabaseError(String(text), Number(length ?? 0), "error");
    Object.assign(error, rest);
    return error;
  }
  return message;
}

/** A PGlite database running in a worker thread. */
export class PgliteWorker implements ProtocolEndpoint {
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #batch: Uint8Array[] = [];
  #failure: Error | undefined;
  #closed = false;

  private constructor(options: PgliteWorkerOptions) {
    const require = createRequire(import.meta.url);
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglitePath: require.resolve("@electric-sql/pglite") } });
    // The worker keeps the process alive only while an operation is pending (like a socket with a query
    // in flight): a program that forgets close() still exits.
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => this.#settle(reply));
    this.#worker.on("error", (error: Error) => this.#fail(error));
    this.#worker.on("exit", (code) => {
      if (!this.#closed || this.#pending.size > 0) this.#fail(new Error(`Le processus léger de PGlite s'est arrêté (code ${code}).`));
    });
    this.waitReady = (async () => {
      const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
      await this.#call(
        {
          op: "open",
          postgresqlconf: options.postgresqlconf,
          ...(options.dataDir ? { dataDir: options.dataDir } : {}),
          ...(loadDataDir ? { loadDataDir } : {}),
        },
        loadDataDir ? [loadDataDir] : [],
      );
    })();
  }

  /** Starts the worker and opens the database; rejects (worker stopped) if PGlite cannot open it. */
  static async start(options: PgliteWorkerOptions): Promise<PgliteWorker> {
    const instance = new PgliteWorker(options);
    try {
      await instance.waitReady;
    } catch (error) {
      await instance.#terminate();
      throw error;
    }
    return instance;
  }

  async execProtocolStream(message: Uint8Array): Promise<unknown[]> {
    // Extended-protocol messages (Parse, Bind, Describe, Execute, Close) only queue work until a Sync or
    // Flush, as on a PostgreSQL server: they are held here and sent with the Sync/Flush in one round trip
    // to the worker (pg pipelines them without waiting for their answers). A copy: pg reuses its buffer.
    if (BATCHED_TYPES.has(message[0] ?? 0)) {
      this.#batch.push(new Uint8Array(message));
      return [];
    }
    let bytes: Uint8Array;
    if (this.#batch.length === 0) bytes = new Uint8Array(message);
    else {
      this.#batch.push(message);
      bytes = new Uint8Array(this.#batch.reduce((n, b) => n + b.length, 0));
      let offset = 0;
      for (const b of this.#batch) {
        bytes.set(b, offset);
        offset += b.length;
      }
      this.#batch = [];
    }
    const messages = (await this.#call({ op: "protocol", bytes }, [bytes.buffer as ArrayBuffer])) as unknown[];
    return messages.map(rebuildMessage);
  }

  /** Runs a multi-statement script in the (single) session. */
  async exec(script: string): Promise<void> {
    await this.#call({ op: "exec", script });
  }

  /** COPY … FROM '/dev/blob' with `blob` as the data (the shape bulkLoad.ts's PGlite loader calls). */
  async query(statement: string, _params: [], options: { blob: Blob }): Promise<void> {
    const data = await options.blob.arrayBuffer();
    await this.#call({ op: "copy", statement, data }, [data]);
  }

  async dumpDataDir(compression: "none" | "gzip" | "auto" = "auto"): Promise<Blob> {
    const buf = (await this.#call({ op: "dump", compression })) as ArrayBuffer;
    return new Blob([buf]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#call({ op: "close" });
    } finally {
      this.#closed = true;
      await this.#terminate();
    }
  }

  async #terminate(): Promise<void> {
    this.#closed = true;
    await this.#worker.terminate();
  }

  #call(op: Op, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error("Base PGlite fermée."));
    const id = this.#nextId++;
    const result = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    if (this.#pending.size === 1) this.#worker.ref();
    this.#worker.postMessage({ id, ...op }, transfer);
    return result;
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(rebuildError(reply.error ?? { message: "erreur inconnue", name: "Error" }));
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
    this.#worker.unref();
  }
}
