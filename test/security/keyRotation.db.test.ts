// The personal-data key is bound to its database, each encrypted value to its cell, and `keys rotate`
// re-encrypts everything under a new key in one transaction without changing a hash — tried as an attacker
// or an unlucky operator would: a wrong key at start, a ciphertext moved to another person, a crash mid-rotation.
import { createCipheriv, hkdfSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { buildProgram } from "../../src/cli/index.js";
import { reserveId } from "../../src/db/reserveIds.js";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { idItouOf } from "../../src/interchange/fiche-salarie/collectFiches.js";
import { createPerson } from "../../src/operations/createPerson.js";
import { KeyMismatchError, openPersonalDataCipher, settlePendingRotation } from "../../src/security/keyBinding.js";
import { rotatePersonalDataKey } from "../../src/security/keyRotation.js";
import { cipherCells, createPersonalDataCipher, type PersonalDataCipher, SecretKeyError } from "../../src/security/personalData.js";
import { createTestDatabase, type TestDatabase, testEngine } from "../support/testDb.js";

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const KEY_C = Buffer.alloc(32, 0xc3);
const NIRS = ["180046212345671", "284021301234595", "169056212345644"];
const ACTOR = { userId: null, label: "test" };

let t: TestDatabase;
let a: PersonalDataCipher;
const people: number[] = [];
let approvalId = 0;
let legacyPerson = 0;
let userId = 0;

/** A token as the format before associated data wrote it (v1: same derived key, no associated data). */
function v1Token(secret: Buffer, plain: string): string {
  const key = Buffer.from(hkdfSync("sha256", secret, "passerelle", "pii-encryption-v1", 32));
  const iv = Buffer.alloc(12, 3);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return `v1:${iv.toString("base64")}:${c.getAuthTag().toString("base64")}:${data.toString("base64")}`;
}

const snapshot = async () =>
  (
    await sql<{
      t: string;
    }>`SELECT (SELECT json_agg(json_build_array(id, nir_encrypted, nir_hash) ORDER BY id) FROM person)::text
        || (SELECT json_agg(json_build_array(id, number_encrypted, number_hash) ORDER BY id) FROM approval)::text
        || (SELECT json_agg(json_build_array(user_id, secret_encrypted) ORDER BY user_id) FROM user_totp)::text
        || (SELECT fingerprint FROM pii_key) AS t`.execute(t.handle.db)
  ).rows[0]?.t;

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.handle.db;
  // A database filled before keys were recorded: one NIR in the legacy format, no pii_key row.
  legacyPerson = await reserveId(db, "person");
  await db
    .insertInto("person")
    .values({
      id: legacyPerson,
      first_name: "Ancien",
      last_name: "Format",
      birth_date: "1969-05-12",
      nir_encrypted: v1Token(KEY_A, NIRS[2] as string),
      nir_hash: createPersonalDataCipher(KEY_A).hash("nir", NIRS[2] as string),
    })
    .execute();
});

afterAll(async () => {
  await t?.destroy();
});

describe("the key is bound to its database", () => {
  test("a key that cannot read the values already stored is refused before anything is recorded", async () => {
    await expect(openPersonalDataCipher(t.handle.db, KEY_B, "PASSERELLE_SECRET_KEY")).rejects.toThrow(KeyMismatchError);
    expect(await t.handle.db.selectFrom("pii_key").selectAll().executeTakeFirst()).toBeUndefined();
  });

  test("the first start records the key's fingerprint; a later start with another key is refused, naming fingerprints, never keys", async () => {
    a = await openPersonalDataCipher(t.handle.db, KEY_A);
    const bound = await t.handle.db.selectFrom("pii_key").selectAll().executeTakeFirstOrThrow();
    expect(bound.fingerprint).toBe(a.fingerprint);
    expect(bound.hash_salt_encrypted).toMatch(/^v2:/);
    const refusal = await openPersonalDataCipher(t.handle.db, KEY_C, "PASSERELLE_SECRET_KEY").catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(KeyMismatchError);
    const message = String((refusal as Error).message);
    expect(message).toContain("PASSERELLE_SECRET_KEY");
    expect(message).toContain(a.fingerprint);
    expect(message).not.toContain(KEY_C.toString("hex").slice(0, 16));
    expect(message).not.toContain(KEY_A.toString("hex").slice(0, 16));
    // The same key again: accepted, same hashes as before the record.
    expect((await openPersonalDataCipher(t.handle.db, KEY_A)).hash("nir", "x")).toBe(createPersonalDataCipher(KEY_A).hash("nir", "x"));
  });

  test("people, PASS numbers and TOTP secrets are written bound to their row", async () => {
    const db = t.handle.db;
    const deps = { clock: fixedClock("2020-01-15"), pii: a, actor: ACTOR };
    for (const [i, nir] of NIRS.slice(0, 2).entries()) {
      const birthDate = `19${nir.slice(1, 3)}-0${i + 1}-15`;
      people.push(
        (await createPerson(db, deps, { nir, civility: "M", lastName: `Nom${i}`, firstName: `P${i}`, birthDate, isSynthetic: true })).id,
      );
    }
    approvalId = await reserveId(db, "approval");
    await db
      .insertInto("approval")
      .values({
        id: approvalId,
        person_id: people[0] as number,
        number_encrypted: a.encrypt("999990000042", cipherCells.approvalNumber(approvalId)),
        number_hash: a.hash("pass", "999990000042"),
        number_last4: "0042",
        starts_on: "2019-02-01",
        ends_on: "2021-01-30",
      })
      .execute();
    userId = Number(
      (
        await db
          .insertInto("app_user")
          .values({ email: "admin-cle@exemple.fr", display_name: "Admin", role: "admin" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id,
    );
    await sql`INSERT INTO user_totp (user_id, secret_encrypted) VALUES (${userId}, ${a.encrypt("JBSWY3DPEHPK3PXP", cipherCells.totpSecret(userId))})`.execute(
      db,
    );
    const stored = await db.selectFrom("person").select(["id", "nir_encrypted"]).where("id", "in", people).orderBy("id").execute();
    for (const [i, p] of stored.entries()) {
      expect(p.nir_encrypted).toMatch(/^v2:/);
      expect(a.decrypt(p.nir_encrypted ?? "", cipherCells.personNir(p.id))).toBe(NIRS[i]);
    }
  });
});

describe("passerelle keys rotate", () => {
  test("a ciphertext moved to another person stops the rotation, naming the cell; nothing is written", async () => {
    const db = t.handle.db;
    const [p1, p2] = people as [number, number];
    const tokens = await db.selectFrom("person").select(["id", "nir_encrypted"]).where("id", "in", [p1, p2]).orderBy("id").execute();
    // The attacker swaps the two encrypted NIRs (hashes untouched).
    await db
      .updateTable("person")
      .set({ nir_encrypted: tokens[1]?.nir_encrypted ?? null })
      .where("id", "=", p1)
      .execute();
    await db
      .updateTable("person")
      .set({ nir_encrypted: tokens[0]?.nir_encrypted ?? null })
      .where("id", "=", p2)
      .execute();
    const before = await snapshot();
    const failure = await rotatePersonalDataKey(t.handle, KEY_A, KEY_B, ACTOR).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SecretKeyError);
    expect(String((failure as Error).message)).toMatch(new RegExp(`person\\.nir_encrypted, ligne ${p1}`));
    for (const nir of NIRS) expect(String((failure as Error).message)).not.toContain(nir.slice(0, 7));
    expect(await snapshot()).toBe(before);
    // Put them back.
    await db
      .updateTable("person")
      .set({ nir_encrypted: tokens[0]?.nir_encrypted ?? null })
      .where("id", "=", p1)
      .execute();
    await db
      .updateTable("person")
      .set({ nir_encrypted: tokens[1]?.nir_encrypted ?? null })
      .where("id", "=", p2)
      .execute();
  });

  test("the old key is refused as the 'new' one and a wrong old key rotates nothing", async () => {
    await expect(rotatePersonalDataKey(t.handle, KEY_A, KEY_A, ACTOR)).rejects.toThrow(/identique/);
    const before = await snapshot();
    await expect(rotatePersonalDataKey(t.handle, KEY_C, KEY_B, ACTOR)).rejects.toThrow(KeyMismatchError);
    expect(await snapshot()).toBe(before);
  });

  test("every value is re-encrypted under the new key, bound to its cell; hashes and idItou do not move; the old key is refused", async () => {
    const db = t.handle.db;
    const hashesBefore = await db.selectFrom("person").select(["id", "nir_hash"]).orderBy("id").execute();
    const idItouBefore = people.map((id) => idItouOf(a, id));
    const report = await rotatePersonalDataKey(t.handle, KEY_A, KEY_B, ACTOR);
    expect(report).toMatchObject({ personNir: 3, approvalNumber: 1, totpSecret: 1, upgradedFromV1: 1, oldFingerprint: a.fingerprint });
    expect(report.newFingerprint).not.toBe(a.fingerprint);

    await expect(openPersonalDataCipher(db, KEY_A)).rejects.toThrow(KeyMismatchError);
    const b = await openPersonalDataCipher(db, KEY_B);
    expect(b.fingerprint).toBe(report.newFingerprint);
    expect(await db.selectFrom("person").select(["id", "nir_hash"]).orderBy("id").execute()).toEqual(hashesBefore);
    expect(b.hash("nir", NIRS[0] as string)).toBe(a.hash("nir", NIRS[0] as string));
    expect(people.map((id) => idItouOf(b, id))).toEqual(idItouBefore);

    const persons = await db.selectFrom("person").select(["id", "nir_encrypted"]).orderBy("id").execute();
    const clear = persons.map((p) => {
      expect(p.nir_encrypted).toMatch(/^v2:/);
      expect(() => a.decrypt(p.nir_encrypted ?? "", cipherCells.personNir(p.id))).toThrow(SecretKeyError);
      return b.decrypt(p.nir_encrypted ?? "", cipherCells.personNir(p.id));
    });
    expect(clear.sort()).toEqual([...NIRS].sort());
    const approval = await db.selectFrom("approval").select("number_encrypted").where("id", "=", approvalId).executeTakeFirstOrThrow();
    expect(b.decrypt(approval.number_encrypted ?? "", cipherCells.approvalNumber(approvalId))).toBe("999990000042");
    const totp = await sql<{ s: string }>`SELECT secret_encrypted AS s FROM user_totp WHERE user_id = ${userId}`.execute(db);
    expect(b.decrypt(totp.rows[0]?.s ?? "", cipherCells.totpSecret(userId))).toBe("JBSWY3DPEHPK3PXP");

    const audit = await db.selectFrom("audit_event").selectAll().where("action", "=", "pii_key.rotate").execute();
    expect(audit).toHaveLength(1);
    const trail = JSON.stringify(audit);
    for (const nir of NIRS) expect(trail).not.toContain(nir);
    expect(trail).not.toContain(KEY_B.toString("hex"));
  });
});

describe("embedded key file during a rotation", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const keyDir = (current: Buffer, next: Buffer) => {
    const dir = mkdtempSync(path.join(tmpdir(), "passerelle-rotation-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "secret.key"), `${current.toString("hex")}\n`, { mode: 0o600 });
    writeFileSync(path.join(dir, "secret.key.next"), `${next.toString("hex")}\n`, { mode: 0o600 });
    return dir;
  };

  test("a crash after the commit: the next start keeps the new key (the one the database records)", async () => {
    const dir = keyDir(KEY_A, KEY_B); // the database is now under KEY_B
    await settlePendingRotation(t.handle.db, dir, {});
    expect(readFileSync(path.join(dir, "secret.key"), "utf8").trim()).toBe(KEY_B.toString("hex"));
    expect(existsSync(path.join(dir, "secret.key.next"))).toBe(false);
  });

  test("a crash before the commit: the next start forgets the new key", async () => {
    const dir = keyDir(KEY_B, KEY_C);
    await settlePendingRotation(t.handle.db, dir, {});
    expect(readFileSync(path.join(dir, "secret.key"), "utf8").trim()).toBe(KEY_B.toString("hex"));
    expect(existsSync(path.join(dir, "secret.key.next"))).toBe(false);
  });
});

test.runIf(testEngine() === "pglite")(
  "the CLI rotates an embedded database's key file; the next command reads with the new key",
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passerelle-keys-cli-"));
    const saved = { dataDir: process.env.PASSERELLE_DATA_DIR, key: process.env.PASSERELLE_SECRET_KEY, url: process.env.DATABASE_URL };
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    try {
      process.env.PASSERELLE_DATA_DIR = dir;
      delete process.env.PASSERELLE_SECRET_KEY;
      delete process.env.DATABASE_URL;
      process.exitCode = 0;
      await (await buildProgram()).parseAsync(["node", "passerelle", "keys", "rotate", "--json"]);
      expect(process.exitCode).toBe(0);
      const report = JSON.parse(out.join(""));
      expect(report.newFingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(report.newFingerprint).not.toBe(report.oldFingerprint);
      const key = Buffer.from(readFileSync(path.join(dir, "secret.key"), "utf8").trim(), "hex");
      expect(createPersonalDataCipher(key).fingerprint).toBe(report.newFingerprint);
      expect(existsSync(path.join(dir, "secret.key.next"))).toBe(false);
      // The key was not printed.
      expect(out.join("")).not.toContain(key.toString("hex"));
      // The next command opens the database with the new key file: a second rotation starts from it.
      out.length = 0;
      await (await buildProgram()).parseAsync(["node", "passerelle", "keys", "rotate", "--json"]);
      expect(process.exitCode).toBe(0);
      expect(JSON.parse(out.join("")).oldFingerprint).toBe(report.newFingerprint);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
      for (const [k, v] of [
        ["PASSERELLE_DATA_DIR", saved.dataDir],
        ["PASSERELLE_SECRET_KEY", saved.key],
        ["DATABASE_URL", saved.url],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      rmSync(dir, { recursive: true, force: true });
    }
  },
  120_000,
);
