// Key rotation (`passerelle keys rotate`): every encrypted identifier — person.nir_encrypted,
// approval.number_encrypted, user_totp.secret_encrypted — is decrypted under the old key and written again
// under the new one, bound to its cell (v2), in ONE transaction: a failure (a value the old key cannot read,
// a crash, kill -9) leaves the database as it was, under the old key. Hashes are not touched: the hashing salt
// moves to the new key wrapped (src/security/keyBinding.ts), so matching and the idItou sent to the ASP stay.
// Writers are blocked for the duration (LOCK … SHARE ROW EXCLUSIVE); readers are not.
import { sql } from "kysely";
import { type Actor, recordAudit } from "../db/audit.js";
import type { DatabaseHandle } from "../db/connection.js";
import type { Db } from "../db/schema.js";
import { openPersonalDataCipher } from "./keyBinding.js";
import { type CipherCell, cipherCells, type PersonalDataCipher, SecretKeyError } from "./personalData.js";

export interface RotationReport {
  oldFingerprint: string;
  newFingerprint: string;
  /** Values re-encrypted, per column. */
  personNir: number;
  approvalNumber: number;
  totpSecret: number;
  /** Of those, values written before associated data (v1) and now bound to their cell. */
  upgradedFromV1: number;
}

const PAGE = 1_000;

interface EncryptedColumn {
  table: "person" | "approval" | "user_totp";
  column: "nir_encrypted" | "number_encrypted" | "secret_encrypted";
  idColumn: "id" | "user_id";
  cell: (id: number) => CipherCell;
  counter: "personNir" | "approvalNumber" | "totpSecret";
}

const COLUMNS: readonly EncryptedColumn[] = [
  { table: "person", column: "nir_encrypted", idColumn: "id", cell: cipherCells.personNir, counter: "personNir" },
  { table: "approval", column: "number_encrypted", idColumn: "id", cell: cipherCells.approvalNumber, counter: "approvalNumber" },
  { table: "user_totp", column: "secret_encrypted", idColumn: "user_id", cell: cipherCells.totpSecret, counter: "totpSecret" },
];

export async function rotatePersonalDataKey(
  handle: DatabaseHandle,
  oldSecret: Buffer,
  newSecret: Buffer,
  actor: Actor,
): Promise<RotationReport> {
  if (oldSecret.equals(newSecret)) throw new SecretKeyError("La nouvelle clé est identique à l'ancienne.");
  return handle.withTransaction(async ({ db }) => {
    await sql`LOCK TABLE pii_key, person, approval, user_totp IN SHARE ROW EXCLUSIVE MODE`.execute(db);
    const from = await openPersonalDataCipher(db, oldSecret, "l'ancienne clé");
    const to = from.rekeyed(newSecret);
    const report: RotationReport = {
      oldFingerprint: from.fingerprint,
      newFingerprint: to.fingerprint,
      personNir: 0,
      approvalNumber: 0,
      totpSecret: 0,
      upgradedFromV1: 0,
    };
    for (const c of COLUMNS) await reencryptColumn(db, c, from, to, report);
    await db
      .updateTable("pii_key")
      .set({ fingerprint: to.fingerprint, hash_salt_encrypted: to.wrapHashSalt(), rotated_at: new Date() })
      .execute();
    await recordAudit(db, actor, {
      action: "pii_key.rotate",
      entity: "pii_key",
      before: { fingerprint: report.oldFingerprint },
      after: {
        fingerprint: report.newFingerprint,
        personNir: report.personNir,
        approvalNumber: report.approvalNumber,
        totpSecret: report.totpSecret,
      },
    });
    return report;
  });
}

async function reencryptColumn(db: Db, c: EncryptedColumn, from: PersonalDataCipher, to: PersonalDataCipher, report: RotationReport) {
  const table = sql.table(c.table);
  const column = sql.ref(c.column);
  const idColumn = sql.ref(c.idColumn);
  let after = 0;
  for (;;) {
    const page = await sql<{ id: string; token: string }>`
      SELECT ${idColumn} AS id, ${column} AS token FROM ${table}
      WHERE ${column} IS NOT NULL AND ${idColumn} > ${after} ORDER BY ${idColumn} LIMIT ${PAGE}`.execute(db);
    if (page.rows.length === 0) return;
    const rows = page.rows.map((r) => {
      const id = Number(r.id);
      // Throws naming the cell (never the value) when the old key cannot read it: the transaction rolls back.
      const clear = from.decrypt(r.token, c.cell(id));
      if (r.token.startsWith("v1:")) report.upgradedFromV1++;
      return { id, token: to.encrypt(clear, c.cell(id)) };
    });
    await sql`UPDATE ${table} t SET ${column} = r.token FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id bigint, token text)
      WHERE t.${idColumn} = r.id`.execute(db);
    report[c.counter] += rows.length;
    after = rows[rows.length - 1]?.id ?? after;
  }
}
