// The audit trail as an auditor would attack it (docs/SECURITY.md §3):
//  - its rows never hold a person's identity (names, birth date, address, e-mail, phone, NIR);
//  - every row is chained: an edit, a deletion in the middle, a deletion of the newest rows or a row slipped
//    in with the chaining trigger off is found by `passerelle audit verify`, naming the first bad row;
//  - concurrent writers keep one unbroken chain, and none waits for the chain's head: rows are linked in
//    batches after their commit;
//  - `session_replication_role = replica` (the demo's bulk load) switches neither the protection nor the chain off;
//  - on PostgreSQL the app role made by `passerelle db roles` can only INSERT (and read) audit rows;
//  - the trail has its own retention, which keeps the chain verifiable.
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { recordAudit } from "../../src/db/audit.js";
import { pruneAuditTrail, verifyAuditChain } from "../../src/db/auditChain.js";
import { chainAllPendingAudit, chainPendingAudit } from "../../src/db/auditChainer.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrate.js";
import { appRoleSql } from "../../src/db/roles.js";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { createPerson } from "../../src/operations/createPerson.js";
import { testCipher } from "../../src/security/personalData.js";
import { createEmptyDatabase, createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

const pii = testCipher();
const NIR = "169056212345644";
const IDENTITY = {
  nir: NIR,
  civility: "MME" as const,
  lastName: "Vandamme-Quesnoy",
  birthName: "Delporte",
  firstName: "Josiane",
  birthDate: "1969-05-12",
  addressLine: "12 rue des Corderies",
  postalCode: "62200",
  communeCode: "62160",
  email: "josiane.vandamme@exemple.fr",
  phone: "0601020304",
};

async function writeSome(t: TestDatabase, n: number, label = "probe"): Promise<void> {
  for (let i = 0; i < n; i++)
    await recordAudit(t.handle.db, { userId: null, label }, { action: `probe.${i}`, entity: "test", after: { i } });
  await chainAllPendingAudit(t.handle.db);
}

/** What `passerelle audit verify` does: link what is pending, then recompute the chain. */
async function verified(db: TestDatabase["handle"]["db"]) {
  await chainAllPendingAudit(db);
  return verifyAuditChain(db);
}

/** Runs a statement as the table owner with the trail's triggers off (what a hostile DBA or a restored dump could do). */
async function asOwnerWithoutTriggers(t: TestDatabase, statement: string): Promise<void> {
  await t.handle.withTransaction(async ({ db }) => {
    await sql.raw("ALTER TABLE audit_event DISABLE TRIGGER USER").execute(db);
    await sql.raw(statement).execute(db);
    await sql.raw("ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_update").execute(db);
    await sql.raw("ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_truncate").execute(db);
    await sql.raw("ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_mark_pending").execute(db);
  });
}

const ids = async (t: TestDatabase) =>
  (await t.handle.db.selectFrom("audit_event").select("id").orderBy("id").execute()).map((r) => Number(r.id));

describe("audit rows hold no identity", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.destroy());

  test("person.create records which fields were given, never their values", async () => {
    const { id } = await t.handle.withTransaction(({ db }) =>
      createPerson(db, { clock: fixedClock("2026-01-15"), pii, actor: { userId: null, label: "test" } }, IDENTITY),
    );
    const rows = await t.handle.db.selectFrom("audit_event").selectAll().where("person_id", "=", id).execute();
    expect(rows.map((r) => r.action)).toEqual(["person.create"]);
    const text = JSON.stringify(rows);
    for (const [field, value] of Object.entries(IDENTITY)) {
      if (field === "civility") continue;
      expect(text.includes(value), `${field} (${value}) in the audit row`).toBe(false);
    }
    const after = (typeof rows[0]?.after === "string" ? JSON.parse(rows[0].after) : rows[0]?.after) as Record<string, unknown>;
    expect(Object.keys(after)).toEqual(expect.arrayContaining(["last_name", "first_name", "birth_date", "email", "phone", "address_line"]));
  });
});

describe("rows written before the chain", () => {
  test("are masked by the migration, then chained", async () => {
    const t = await createEmptyDatabase();
    try {
      await migrate(t.handle, { upTo: "0450" });
      await sql`INSERT INTO audit_event (actor_label, action, entity, entity_id, person_id, after)
        VALUES ('old', 'person.create', 'person', '1', 1, ${JSON.stringify({ last_name: "Vandamme", first_name: "Josiane", email: null, departement_code: "62" })}::jsonb),
               ('old', 'structure.create', 'structure', '2', NULL, ${JSON.stringify({ name: "Atelier", address_line: "1 rue du Port" })}::jsonb)`.execute(
        t.handle.db,
      );
      await migrate(t.handle);
      const rows = await t.handle.db.selectFrom("audit_event").select(["action", "after"]).orderBy("id").execute();
      const afters = rows.map((r) => (typeof r.after === "string" ? JSON.parse(r.after) : r.after));
      expect(afters[0]).toEqual({ last_name: "[masqué]", first_name: "[masqué]", email: null, departement_code: "62" });
      // A structure's address is not a person's: kept.
      expect(afters[1]).toEqual({ name: "Atelier", address_line: "1 rue du Port" });
      expect(await verified(t.handle.db)).toMatchObject({ ok: true, rows: 2 });
    } finally {
      await t.destroy();
    }
  });
});

describe("hash chain", () => {
  test("an untouched trail verifies, also after concurrent writers and a replica-mode session", async () => {
    const t = await createTestDatabase();
    try {
      await writeSome(t, 5);
      // Concurrent writers (several connections on PostgreSQL), each in its own transaction.
      await Promise.all(
        Array.from({ length: 12 }, (_, w) =>
          t.handle.withTransaction(async ({ db }) => {
            for (let i = 0; i < 3; i++)
              await recordAudit(db, { userId: null, label: `writer-${w}` }, { action: "concurrent", entity: "test", after: { w, i } });
          }),
        ),
      );
      // The demo's bulk path: triggers off for the session — the trail's are not.
      await t.handle.withTransaction(async ({ db }) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(db);
        await recordAudit(db, { userId: null, label: "demo" }, { action: "demo.bulk_create", entity: "test" });
        await expect(sql`UPDATE audit_event SET action = 'forged' WHERE action = 'probe.0'`.execute(db)).rejects.toThrow(/append-only/);
      });
      const report = await verified(t.handle.db);
      expect(report.firstBreak).toBeNull();
      expect(report).toMatchObject({ ok: true });
      const count = await t.handle.db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      expect(report.rows).toBe(Number(count.n));
      expect(report.head.lastSeq).toBe(Number(count.n));
    } finally {
      await t.destroy();
    }
  });

  test.each([
    ["an edited row", (id: number) => `UPDATE audit_event SET after = '{"i": 99}' WHERE id = ${id}`, "edited"],
    ["a deleted row", (id: number) => `DELETE FROM audit_event WHERE id = ${id}`, "deleted"],
  ])("%s is found and named", async (_what, statement, problem) => {
    const t = await createTestDatabase();
    try {
      await writeSome(t, 6);
      const all = await ids(t);
      const victim = all[all.length - 3] as number;
      await asOwnerWithoutTriggers(t, statement(victim));
      const report = await verified(t.handle.db);
      expect(report.ok).toBe(false);
      expect(report.firstBreak).toMatchObject({ id: victim, problem });
    } finally {
      await t.destroy();
    }
  });

  test("a row and its chain entry deleted together, the newest rows deleted, a row slipped in unchained: all found", async () => {
    const t = await createTestDatabase();
    try {
      await writeSome(t, 6);
      const all = await ids(t);
      const victim = all[2] as number;
      const next = all[3] as number;
      await t.handle.withTransaction(async ({ db }) => {
        await sql.raw("ALTER TABLE audit_chain DISABLE TRIGGER USER").execute(db);
        await sql.raw(`DELETE FROM audit_chain WHERE event_id = ${victim}`).execute(db);
        for (const trigger of ["audit_chain_no_update", "audit_chain_no_truncate"])
          await sql.raw(`ALTER TABLE audit_chain ENABLE ALWAYS TRIGGER ${trigger}`).execute(db);
      });
      await asOwnerWithoutTriggers(t, `DELETE FROM audit_event WHERE id = ${victim}`);
      expect((await verified(t.handle.db)).firstBreak).toMatchObject({ id: next, problem: "missing-link" });
    } finally {
      await t.destroy();
    }
    const t2 = await createTestDatabase();
    try {
      await writeSome(t2, 4);
      const last = (await ids(t2)).at(-1) as number;
      await t2.handle.withTransaction(async ({ db }) => {
        await sql.raw("ALTER TABLE audit_chain DISABLE TRIGGER USER").execute(db);
        await sql.raw(`DELETE FROM audit_chain WHERE event_id = ${last}`).execute(db);
        for (const trigger of ["audit_chain_no_update", "audit_chain_no_truncate"])
          await sql.raw(`ALTER TABLE audit_chain ENABLE ALWAYS TRIGGER ${trigger}`).execute(db);
      });
      await asOwnerWithoutTriggers(t2, `DELETE FROM audit_event WHERE id = ${last}`);
      expect((await verified(t2.handle.db)).firstBreak).toMatchObject({ problem: "truncated" });
    } finally {
      await t2.destroy();
    }
    const t3 = await createTestDatabase();
    try {
      await writeSome(t3, 2);
      await asOwnerWithoutTriggers(t3, "INSERT INTO audit_event (actor_label, action, entity) VALUES ('ghost', 'forged', 'test')");
      const ghost = (await ids(t3)).at(-1) as number;
      expect((await verified(t3.handle.db)).firstBreak).toMatchObject({ id: ghost, problem: "unchained" });
    } finally {
      await t3.destroy();
    }
  });

  test.runIf(testEngine() === "postgresql")(
    "`passerelle audit verify --json` exits 0 on a sound chain, 1 naming the first bad row",
    async () => {
      const t = await createTestDatabase();
      try {
        await writeSome(t, 3);
        const env = { ...process.env, DATABASE_URL: t.url, PASSERELLE_SECRET_KEY: "7".repeat(64) };
        const run = () => spawnSync("npx", ["tsx", "src/cli/index.ts", "audit", "verify", "--json"], { env, encoding: "utf8" });
        const good = run();
        expect(good.status, good.stderr).toBe(0);
        expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, firstBreak: null });
        const victim = (await ids(t))[1] as number;
        await asOwnerWithoutTriggers(t, `UPDATE audit_event SET actor_label = 'someone else' WHERE id = ${victim}`);
        const bad = run();
        expect(bad.status).toBe(1);
        expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstBreak: { id: victim, problem: "edited" } });
      } finally {
        await t.destroy();
      }
    },
  );
});

describe("chain written in batches after the commit", () => {
  test("a committed row not linked yet is reported as pending, not as a break; the next batch links it", async () => {
    const t = await createTestDatabase();
    try {
      await writeSome(t, 2);
      await recordAudit(t.handle.db, { userId: null, label: "late" }, { action: "late", entity: "test" });
      expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, pending: 1, firstBreak: null });
      expect(await chainPendingAudit(t.handle.db)).toBe(1);
      expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, pending: 0 });
    } finally {
      await t.destroy();
    }
  });

  test.runIf(testEngine() === "postgresql")(
    "a writer commits while another session holds the chain's head; a second chainer skips instead of waiting",
    async () => {
      const t = await createTestDatabase();
      try {
        await writeSome(t, 1);
        let releaseHead = () => {};
        const headReleased = new Promise<void>((resolve) => {
          releaseHead = resolve;
        });
        let headTaken = () => {};
        const headHeld = new Promise<void>((resolve) => {
          headTaken = resolve;
        });
        // Session A holds the head as a long chaining batch would, until the writer has committed.
        const holder = t.handle.withTransaction(async ({ db }) => {
          await sql`SELECT 1 FROM audit_chain_head FOR UPDATE`.execute(db);
          headTaken();
          await headReleased;
        });
        await headHeld;
        // Were the writer to wait for the head (the design before batches), this would never resolve.
        await t.handle.withTransaction(({ db }) =>
          recordAudit(db, { userId: null, label: "reader" }, { action: "person.read", entity: "test" }),
        );
        expect(await chainPendingAudit(t.handle.db)).toBe(0);
        releaseHead();
        await holder;
        expect(await verified(t.handle.db)).toMatchObject({ ok: true, pending: 0 });
      } finally {
        await t.destroy();
      }
    },
    20_000,
  );

  test("one transaction writing thousands of rows (an import), a rolled-back savepoint among them, is chained once, in insertion order", async () => {
    const t = await createTestDatabase();
    try {
      await writeSome(t, 2);
      await t.handle.withTransaction(async ({ db }) => {
        await sql`INSERT INTO audit_event (actor_label, action, entity) SELECT 'import', 'person.import', 'person' FROM generate_series(1, 3000)`.execute(
          db,
        );
        await sql`SAVEPOINT s`.execute(db);
        await sql`INSERT INTO audit_event (actor_label, action, entity) VALUES ('import', 'rolled.back', 'person')`.execute(db);
        await sql`ROLLBACK TO SAVEPOINT s`.execute(db);
        await recordAudit(db, { userId: null, label: "import" }, { action: "import.done", entity: "test" });
      });
      await writeSome(t, 2);
      const report = await verified(t.handle.db);
      expect(report).toMatchObject({ ok: true, firstBreak: null });
      const rows = await sql<{ id: string; seq: string }>`SELECT c.event_id AS id, c.seq FROM audit_chain c ORDER BY c.seq`.execute(
        t.handle.db,
      );
      const n = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_event`.execute(t.handle.db)).rows[0]?.n);
      expect(rows.rows).toHaveLength(n);
      expect(report.head.lastSeq).toBe(n);
      const ids = rows.rows.map((r) => Number(r.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(rows.rows.map((r) => Number(r.seq))).toEqual(
        Array.from({ length: n }, (_, i) => (rows.rows[0] ? Number(rows.rows[0].seq) : 1) + i),
      );
    } finally {
      await t.destroy();
    }
  });
});

describe("retention of the trail", () => {
  test("rows older than the retention are pruned as a prefix of the chain, which still verifies; fewer than 180 days refused", async () => {
    const t = await createTestDatabase();
    try {
      const db = t.handle.db;
      for (const days of [800, 700, 500, 10]) {
        await sql`INSERT INTO audit_event (at, actor_label, action, entity) VALUES (now() - make_interval(days => ${days}::int), 'test', ${`old.${days}`}, 'test')`.execute(
          db,
        );
      }
      await expect(pruneAuditTrail(db, 30)).rejects.toThrow(/180/);
      const before = await db.selectFrom("audit_event").select("action").orderBy("id").execute();
      const pruned = await t.handle.withTransaction(({ db }) => pruneAuditTrail(db, 365));
      const oldRows = before.filter((r) => /^old\.(800|700|500)$/.test(r.action)).length;
      expect(oldRows).toBe(3);
      // Rows written before the old ones (migrations, seed) are older than now too, but not older than a year.
      expect(pruned).toBeGreaterThanOrEqual(0);
      const after = (await db.selectFrom("audit_event").select("action").orderBy("id").execute()).map((r) => r.action);
      expect(after).toContain("old.10");
      expect(after).toContain("audit.prune");
      const report = await verified(db);
      expect(report.firstBreak).toBeNull();
    } finally {
      await t.destroy();
    }
  });
});

describe.runIf(testEngine() === "postgresql")("the app role on PostgreSQL", () => {
  let t: TestDatabase;
  const role = `passerelle_app_test_${process.pid}_${Date.now() % 100000}`;
  beforeAll(async () => {
    t = await createTestDatabase();
    await writeSome(t, 2);
    await sql.raw(`CREATE ROLE ${role} NOLOGIN`).execute(t.handle.db);
    for (const statement of appRoleSql({ appRole: role, createRole: false })) await sql.raw(statement).execute(t.handle.db);
  });
  afterAll(async () => {
    await sql
      .raw(`REASSIGN OWNED BY ${role} TO CURRENT_USER`)
      .execute(t.handle.db)
      .catch(() => undefined);
    await sql
      .raw(`DROP OWNED BY ${role}`)
      .execute(t.handle.db)
      .catch(() => undefined);
    await t?.destroy();
    const admin = await createTestDatabase();
    await sql
      .raw(`DROP ROLE IF EXISTS ${role}`)
      .execute(admin.handle.db)
      .catch(() => undefined);
    await admin.destroy();
  });

  const asApp = <T>(fn: (db: Parameters<Parameters<TestDatabase["handle"]["withTransaction"]>[0]>[0]["db"]) => Promise<T>) =>
    t.handle.withTransaction(async ({ db }) => {
      await sql.raw(`SET LOCAL ROLE ${role}`).execute(db);
      return fn(db);
    });

  test("an app server connected as the role starts on the migrated database (migrate has nothing to do) and writes audited rows", async () => {
    const url = new URL(t.url as string);
    url.searchParams.set("options", `-c role=${role}`);
    const app = await openDatabase({ url: url.toString(), poolSize: 1 });
    try {
      const who = await sql<{ r: string }>`SELECT current_user AS r`.execute(app.db);
      expect(who.rows[0]?.r).toBe(role);
      await expect(migrate(app)).resolves.toMatchObject({ applied: [] });
      await app.withTransaction((tx) => recordAudit(tx.db, { userId: null, label: "app" }, { action: "app.start", entity: "test" }));
    } finally {
      await app.close();
    }
    expect((await verified(t.handle.db)).ok).toBe(true);
  });

  test("can insert and read audit rows, and link them into the chain", async () => {
    await asApp((db) => recordAudit(db, { userId: null, label: "app" }, { action: "app.write", entity: "test" }));
    await asApp((db) => db.selectFrom("person").select("id").limit(1).execute());
    expect(await asApp((db) => chainPendingAudit(db))).toBeGreaterThanOrEqual(1);
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, pending: 0 });
  });

  test.each([
    ["UPDATE", "UPDATE audit_event SET action = 'forged'"],
    ["DELETE", "DELETE FROM audit_event"],
    ["TRUNCATE", "TRUNCATE audit_event"],
    ["disable its trigger", "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"],
    ["disable every trigger", "ALTER TABLE audit_event DISABLE TRIGGER ALL"],
    ["switch triggers off for the session", "SET session_replication_role = replica"],
    ["rewrite the chain", "UPDATE audit_chain SET row_hash = 'x'"],
    ["move the chain head", "UPDATE audit_chain_head SET last_seq = 0"],
    ["drop the trigger", "DROP TRIGGER audit_event_no_update ON audit_event"],
    ["prune below the minimum", "SELECT audit_prune(1)"],
    ["empty the list of rows waiting for their link", "DELETE FROM audit_chain_pending"],
    ["forge a waiting row", "INSERT INTO audit_chain_pending (event_id) VALUES (999999999)"],
    ["switch off the trigger that records waiting rows", "ALTER TABLE audit_event DISABLE TRIGGER audit_event_mark_pending"],
  ])("cannot %s", async (_what, statement) => {
    await expect(asApp((db) => sql.raw(statement).execute(db))).rejects.toThrow(/permission denied|must be owner|180|not allowed/);
  });
});
