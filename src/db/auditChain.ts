// The audit trail's hash chain (migrations 0460, 0660): verification and retention.
// Every audit_event row has one audit_chain row: seq (the order rows were linked), the previous row's hash
// and sha256(seq | previous hash | canonical content of the row). Rows are linked in batches just after
// their transactions commit (src/db/auditChainer.ts). `verifyAuditChain` recomputes every hash here, from
// the rows' columns, so that a change to the database's own functions cannot hide an edit. What it detects: a row edited, a row
// deleted (its chain entry points to nothing, or a chain entry deleted with it leaves a gap or a wrong
// previous hash), the newest rows deleted (the head names a later seq), a row inserted with the trail's
// triggers switched off (neither chained nor pending). What it cannot: a rewrite of the whole chain by the
// database owner — keep the head's hash (`audit verify --json`) outside the database to detect that.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { chainAllPendingAudit } from "./auditChainer.js";
import type { Db } from "./schema.js";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainHead {
  lastSeq: number;
  lastHash: string;
  prunedThroughSeq: number;
}

export interface ChainBreak {
  /** audit_event id of the first bad row (null when the row itself is gone and only its seq is known). */
  id: number | null;
  seq: number | null;
  problem: "edited" | "deleted" | "missing-link" | "unchained" | "truncated";
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  /** Rows committed after the last batch of chaining (src/db/auditChainer.ts): recorded, linked a moment later. */
  pending: number;
  head: ChainHead;
  firstBreak: ChainBreak | null;
}

interface ChainRow {
  seq: string;
  event_id: string;
  prev_hash: string;
  row_hash: string;
  id: string | null;
  at: string | null;
  actor_user_id: string | null;
  actor_label: string | null;
  action: string | null;
  entity: string | null;
  entity_id: string | null;
  person_id: string | null;
  structure_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
}

/** The canonical text of a row's content — the same text as the SQL function audit_event_canonical. */
export function canonicalAuditContent(r: Omit<ChainRow, "seq" | "event_id" | "prev_hash" | "row_hash">): string {
  const fields = [
    r.id,
    r.at,
    r.actor_user_id,
    r.actor_label,
    r.action,
    r.entity,
    r.entity_id,
    r.person_id,
    r.structure_id,
    r.before,
    r.after,
    r.ip,
  ];
  return fields.map((v) => (v === null ? "-" : `${Buffer.byteLength(v, "utf8")}:${v}`)).join("|");
}

export function chainHash(seq: number, prevHash: string, content: string): string {
  return createHash("sha256").update(`${seq}|${prevHash}|${content}`, "utf8").digest("hex");
}

export async function readChainHead(db: Db): Promise<ChainHead> {
  const r = await sql<{ last_seq: string; last_hash: string; pruned_through_seq: string }>`
    SELECT last_seq, last_hash, pruned_through_seq FROM audit_chain_head`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error("audit_chain_head est vide : la migration 0460 n'a pas été appliquée correctement.");
  return { lastSeq: Number(row.last_seq), lastHash: row.last_hash, prunedThroughSeq: Number(row.pruned_through_seq) };
}

const PAGE = 10_000;

/** Walks the whole chain (in pages) and stops at the first break. Run it in one transaction for a consistent view. */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const headRow = await sql<{ last_seq: string; last_hash: string; pruned_through_seq: string; pruned_last_hash: string }>`
    SELECT last_seq, last_hash, pruned_through_seq, pruned_last_hash FROM audit_chain_head`.execute(db);
  const h = headRow.rows[0];
  if (!h) throw new Error("audit_chain_head est vide : la migration 0460 n'a pas été appliquée correctement.");
  const head: ChainHead = { lastSeq: Number(h.last_seq), lastHash: h.last_hash, prunedThroughSeq: Number(h.pruned_through_seq) };
  let expectedSeq = head.prunedThroughSeq + 1;
  let expectedPrev = h.pruned_last_hash;
  let rows = 0;
  const pendingRow = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_chain_pending`.execute(db);
  const pending = Number(pendingRow.rows[0]?.n ?? 0);
  const broken = (b: ChainBreak): ChainReport => ({ ok: false, rows, pending, head, firstBreak: b });
  for (;;) {
    const page = await sql<ChainRow>`
      SELECT c.seq, c.event_id, c.prev_hash, c.row_hash,
        e.id::text AS id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, e.actor_user_id::text AS actor_user_id,
        e.actor_label, e.action, e.entity, e.entity_id, e.person_id::text AS person_id, e.structure_id::text AS structure_id,
        e.before::text AS before, e.after::text AS after, e.ip
      FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
      WHERE c.seq >= ${expectedSeq}
      ORDER BY c.seq LIMIT ${PAGE}`.execute(db);
    for (const r of page.rows) {
      const seq = Number(r.seq);
      const id = Number(r.event_id);
      if (seq !== expectedSeq) {
        return broken({
          id,
          seq,
          problem: "missing-link",
          detail: `maillon(s) ${expectedSeq}–${seq - 1} supprimé(s) avant la ligne ${id}`,
        });
      }
      if (r.prev_hash !== expectedPrev) {
        return broken({
          id,
          seq,
          problem: "missing-link",
          detail: `la ligne ${id} ne suit pas le maillon précédent (ligne supprimée ou chaîne réécrite)`,
        });
      }
      if (r.id === null) return broken({ id, seq, problem: "deleted", detail: `la ligne ${id} a été supprimée` });
      if (chainHash(seq, r.prev_hash, canonicalAuditContent(r)) !== r.row_hash) {
        return broken({ id, seq, problem: "edited", detail: `le contenu de la ligne ${id} a été modifié` });
      }
      expectedPrev = r.row_hash;
      expectedSeq = seq + 1;
      rows += 1;
    }
    if (page.rows.length < PAGE) break;
  }
  if (expectedSeq - 1 !== head.lastSeq || expectedPrev !== head.lastHash) {
    return broken({
      id: null,
      seq: expectedSeq,
      problem: "truncated",
      detail: `les dernières lignes (maillons ${expectedSeq}–${head.lastSeq}) ont été supprimées`,
    });
  }
  const unchained = await sql<{ id: string }>`
    SELECT e.id FROM audit_event e
    WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM audit_chain_pending p WHERE p.event_id = e.id)
    ORDER BY e.id LIMIT 1`.execute(db);
  const u = unchained.rows[0];
  if (u)
    return broken({
      id: Number(u.id),
      seq: null,
      problem: "unchained",
      detail: `la ligne ${u.id} a été insérée hors de la chaîne (déclencheur désactivé)`,
    });
  return { ok: true, rows, pending, head, firstBreak: null };
}

/**
 * The audit trail's own retention (PASSERELLE_AUDIT_RETENTION_DAYS, default 365; at least 180, enforced
 * by the database): [L] the CNIL's recommendation on logging (délibération n° 2021-122) advises keeping
 * access logs six months to one year; Passerelle keeps one year by default.
 */
export const AUDIT_RETENTION_DAYS = 365;
export const AUDIT_RETENTION_MIN_DAYS = 180;

/** Rows audit_prune would delete now (the chain's prefix older than keepDays). */
export async function countPrunableAuditRows(db: Db, keepDays: number): Promise<number> {
  const r = await sql<{ n: string }>`
    WITH head AS (SELECT last_seq, pruned_through_seq FROM audit_chain_head),
    through AS (
      SELECT coalesce(min(c.seq) - 1, (SELECT last_seq FROM head)) AS seq
      FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
      WHERE c.seq > (SELECT pruned_through_seq FROM head) AND (e.id IS NULL OR e.at >= now() - make_interval(days => ${keepDays}::int))
    )
    SELECT count(*) AS n FROM audit_chain c WHERE c.seq > (SELECT pruned_through_seq FROM head) AND c.seq <= (SELECT seq FROM through)`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Deletes the audit rows older than keepDays (the database refuses fewer than 180 days); returns how many. */
export async function pruneAuditTrail(db: Db, keepDays: number): Promise<number> {
  // Rows committed but not linked yet are linked first: the prune deletes a prefix of the chain.
  await chainAllPendingAudit(db);
  const r = await sql<{ n: string }>`SELECT audit_prune(${keepDays}::int) AS n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
