// Server-side prepared statements for the hot reads. PostgreSQL parses and plans every statement sent
// unnamed, which is what Kysely does; for a large statement run on every request (the salarié page, about
// 11 subqueries) planning costs more than running it: pgbench on the demo, 10 connections, the page's
// SELECT parsed each time 396 tps against 3,736 tps prepared. A statement wrapped in `prepared(…)` is sent
// as a named statement, parsed once per connection (pg keeps the name → text map on the connection) and
// then only bound and executed; PostgreSQL switches it to a generic plan once that plan is no worse.
//
// Only for statements whose TEXT does not depend on the data: values are parameters, lists one array
// parameter (see memberStructure), so that there are a handful of texts per statement (one per role).
// Only for statements run on their own (autocommit), as its users are: the fallback below re-runs the
// statement after an error, which an explicit transaction would refuse once aborted.
// A safety cap keeps a misuse from filling the server's memory: past MAX_NAMES distinct texts per pool,
// statements run unnamed again. Through a transaction-mode pooler (PgBouncer), prepared statements need
// its max_prepared_statements (PgBouncer ≥ 1.21); docs/deploy.md.
import { createHash } from "node:crypto";
import { type RawBuilder, sql } from "kysely";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

const MARK = "/* prepared */ ";
const MAX_NAMES = 200;

/** The statement, to be prepared once per connection and executed by name. */
export function prepared<T>(statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(MARK)}${statement}`;
}

/** The pool given to Kysely: statements marked by `prepared` are sent as named statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known || names.size >= MAX_NAMES) return known;
    const name = `pp_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
    return name;
  };
  // One wrapper per pg client: Kysely keeps one connection object per client it is handed.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      let stale = false;
      const query = (text: unknown, values?: readonly unknown[]) => {
        if (typeof text === "string" && text.startsWith(MARK)) {
          const name = nameOf(text);
          if (name && !stale)
            return client.query({ name, text, values: values ? [...values] : [] }).catch((error: { code?: string }) => {
              // A migration changed the columns the statement returns ("cached plan must not change result
              // type"): this connection's prepared copy is unusable; run it unnamed and drop the connection.
              if (error.code !== "0A000") throw error;
              stale = true;
              return client.query(text, values ? [...values] : []);
            });
        }
        return (client.query as (t: unknown, v?: unknown) => unknown)(text, values === undefined ? undefined : [...values]);
      };
      wrapper = { query, release: (destroy?: boolean) => client.release(destroy || stale) } as unknown as PostgresPoolClient;
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
