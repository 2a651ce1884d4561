// Bulk load behind one small interface, one implementation per engine (design §1):
//  - PostgreSQL: COPY … FROM STDIN (pg-copy-streams) on the transaction's connection;
//  - PGlite: COPY … FROM '/dev/blob' with PGlite's own API, in chunks (COPY FROM STDIN through the
//    pg adapter hangs PGlite).
// Rows are given as CSV text lines (use toCsvLine) so both engines parse the same bytes.
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

export interface BulkLoader {
  /** COPY rows (already CSV-encoded lines, each ending with "\n") into table(columns). Returns rows copied. */
  copyCsv(table: string, columns: readonly string[], lines: AsyncIterable<string> | Iterable<string>): Promise<number>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENT.test(name)) throw new Error(`Invalid identifier for COPY: ${name}`);
  }
  return `COPY ${table} (${columns.join(", ")}) FROM ${source} WITH (FORMAT csv, NULL '\\N')`;
}

/** Encode one row as a CSV line understood by COPY (null -> \N, quotes doubled). */
export function toCsvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    const v = values[i];
    if (v === null || v === undefined) {
      line += "\\N";
    } else if (typeof v === "number" || typeof v === "boolean") {
      line += String(v);
    } else if (v === "" || /[",\n\r\\]/.test(v) || v === "\\N") {
      line += `"${v.replace(/"/g, '""')}"`;
    } else {
      line += v;
    }
  }
  return `${line}\n`;
}

const CHUNK_BYTES = 32 * 1024 * 1024;
const SEND_CHARS = 256 * 1024;

export function pgliteBulkLoader(pglite: PGlite): BulkLoader {
  return {
    async copyCsv(table, columns, lines) {
      const statement = copyStatement(table, columns, "'/dev/blob'");
      let parts: string[] = [];
      let size = 0;
      let rows = 0;
      const flush = async () => {
        if (parts.length === 0) return;
        const blob = new Blob(parts);
        parts = [];
        size = 0;
        await pglite.query(statement, [], { blob });
      };
      for await (const line of lines) {
        parts.push(line);
        size += line.length;
        rows++;
        if (size >= CHUNK_BYTES) await flush();
      }
      await flush();
      return rows;
    },
  };
}

export function postgresBulkLoader(client: pg.PoolClient): BulkLoader {
  return {
    async copyCsv(table, columns, lines) {
      const stream = client.query(copyFrom(copyStatement(table, columns, "STDIN")));
      let rows = 0;
      const done = new Promise<void>((resolve, reject) => {
        stream.on("finish", () => resolve());
        stream.on("error", reject);
      });
      // Lines are sent by ~256 kB chunks: one CopyData message each instead of one per row.
      let pending = "";
      const send = async (chunk: string) => {
        if (!stream.write(chunk)) {
          await new Promise<void>((resolve, reject) => {
            stream.once("drain", resolve);
            stream.once("error", reject);
          });
        }
      };
      try {
        for await (const line of lines) {
          rows++;
          pending += line;
          if (pending.length >= SEND_CHARS) {
            const chunk = pending;
            pending = "";
            await send(chunk);
          }
        }
        if (pending !== "") await send(pending);
        stream.end();
      } catch (error) {
        stream.destroy(error as Error);
        await done.catch(() => {});
        throw error;
      }
      await done;
      return rows;
    },
  };
}
