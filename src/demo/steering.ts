// Demo data for in-year steering: a share of the 2019 hirings made on the SIAE's own eligibility diagnosis
// (auto-prescriptions), so that `passerelle controle sample --departement 62 --from 2019-01-01 --to 2019-12-31`
// has structures to draw. Deterministic (contract and structure ids of the seeded demo). A diagnosis becomes the
// hiring SIAE's only when the domain accepts it as such: its criteria meet the SIAE rule of the kind
// (checkCriteria) and a SIAE diagnosis made that day is still valid on the hiring day (92 days) — iae-reference §4.
import { sql } from "kysely";
import { type Actor, recordAudit } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { checkCriteria } from "../domain/eligibility/criteria.js";
import { diagnosisExpiresAt, isDiagnosisValid } from "../domain/eligibility/diagnosis.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { loadCriteria } from "../operations/referenceData.js";

/**
 * Half of the structures take some of their hirings on their own diagnosis: one in three of those hirings; so do
 * the structures of the demo SIAE accounts (`also`), so that their users meet the contrôle a posteriori.
 */
const isAutoPrescribed = (contractId: number) => contractId % 3 === 0;

export async function addSteeringDemo(db: Db, actor: Actor, also: readonly number[] = []): Promise<{ autoPrescribed: number }> {
  const isAutoPrescriber = (structureId: number) => structureId % 2 === 0 || also.includes(structureId);
  const criteriaRef = await loadCriteria(db);
  const { rows } = await sql<{
    contract_id: number;
    structure_id: number;
    kind: SiaeKind;
    starts_on: string;
    diagnosis_id: number;
    made_on: string;
    criteria: string[] | string | null;
  }>`
    SELECT c.id AS contract_id, c.structure_id, s.kind, c.starts_on, d.id AS diagnosis_id, d.made_on,
      (SELECT json_agg(k.criterion_code ORDER BY k.criterion_code) FROM eligibility_diagnosis_criterion k WHERE k.diagnosis_id = d.id)::text AS criteria
    FROM contract c
    JOIN structure s ON s.id = c.structure_id
    JOIN approval a ON a.id = c.approval_id AND a.starts_on = c.starts_on
    JOIN eligibility_diagnosis d ON d.id = a.diagnosis_id
    WHERE c.rank = 0 AND c.starts_on BETWEEN '2019-01-01' AND '2019-12-31' AND d.author_kind = 'prescriber'
    ORDER BY c.id`.execute(db);
  const chosen: { diagnosisId: number; structureId: number; expiresOn: string }[] = [];
  for (const r of rows) {
    const contractId = Number(r.contract_id);
    const structureId = Number(r.structure_id);
    if (!isAutoPrescriber(structureId) || !isAutoPrescribed(contractId)) continue;
    const criteria = typeof r.criteria === "string" ? (JSON.parse(r.criteria) as string[]) : (r.criteria ?? []);
    if (!checkCriteria(criteriaRef, criteria, "SIAE", r.kind).eligible) continue;
    const diagnosis = { author: "SIAE" as const, createdAt: r.made_on };
    if (!isDiagnosisValid(diagnosis, r.starts_on)) continue;
    chosen.push({ diagnosisId: Number(r.diagnosis_id), structureId, expiresOn: diagnosisExpiresAt(diagnosis) });
  }
  for (let i = 0; i < chosen.length; i += 500) {
    const chunk = chosen.slice(i, i + 500);
    await sql`
      UPDATE eligibility_diagnosis d SET author_kind = 'siae', author_structure_id = v.sid, prescriber_organization = NULL, expires_on = v.exp
      FROM (VALUES ${sql.join(chunk.map((c) => sql`(${c.diagnosisId}::bigint, ${c.structureId}::bigint, ${c.expiresOn}::date)`))}) AS v(id, sid, exp)
      WHERE d.id = v.id`.execute(db);
  }
  await recordAudit(db, actor, {
    action: "demo.auto_prescriptions",
    entity: "eligibility_diagnosis",
    after: { year: 2019, diagnoses: chosen.length },
  });
  return { autoPrescribed: chosen.length };
}
