// Read models of the recorded contrôle a posteriori campaigns (docs/steering.md). Visibility is in SQL: a
// département's campaigns are read only within that département (the policy authorised it), a structure's file
// only for that structure (a campaign id of another département, or a structure not selected in it, finds
// nothing). What is due and overdue comes from the domain (src/domain/controle/workflow.ts). No personal data:
// a sampled hiring is its contract's start date (the SIAE opens the salarié's page through its own rights).
import { type Selectable, sql } from "kysely";
import type { ControleCampaignTable, Db } from "../db/schema.js";
import { type CriterionStatus, type Deadlines, type DueItem, dueItem, type FileState, type Review } from "../domain/controle/workflow.js";

export interface CampaignSummary {
  id: number;
  departement: string;
  from: string;
  to: string;
  seed: number;
  percent: number;
  eligibleStructures: number;
  selectedStructures: number;
  sampledHirings: number;
  decided: number;
  overdue: number;
  state: "en_cours" | "close";
  deadlines: Deadlines;
  createdOn: string;
  createdBy: string;
}

export interface FileProgress {
  structureId: number;
  name: string;
  kind: string;
  eligibleHirings: number;
  sampledHirings: number;
  state: FileState;
  criteria: { total: number; justified: number; accepted: number; refused: number; pending: number };
  due: DueItem | null;
  decision: "conforme" | "non_conforme" | null;
  /** The deadlines this file is held to: the campaign's, or its own once the DDETS extended them. */
  deadlines: Deadlines;
  extended: boolean;
}

type CampaignRow = Omit<Selectable<ControleCampaignTable>, "created_at">;

const deadlinesOf = (c: CampaignRow): Deadlines => ({
  proofsDueOn: c.proofs_due_on,
  reviewDueOn: c.review_due_on,
  adversarialDueOn: c.adversarial_due_on,
});

/** Progress of every selected structure of the given campaigns (one statement). */
async function fileProgress(
  db: Db,
  campaigns: readonly CampaignRow[],
  today: string,
  structureId?: number,
): Promise<Map<number, FileProgress[]>> {
  const out = new Map<number, FileProgress[]>(campaigns.map((c) => [Number(c.id), []]));
  if (campaigns.length === 0) return out;
  const { rows } = await sql<{
    campaign_id: number;
    structure_id: number;
    name: string;
    kind: string;
    eligible_hirings: number;
    state: FileState;
    decision: "conforme" | "non_conforme" | null;
    hirings: number;
    criteria: string | { certified: boolean; review: Review; initial: number; adversarial: number }[] | null;
    proofs_due_on: string | null;
    review_due_on: string | null;
    adversarial_due_on: string | null;
  }>`
    SELECT f.campaign_id, f.structure_id, s.name, s.kind, f.eligible_hirings, f.state, f.decision,
      f.proofs_due_on, f.review_due_on, f.adversarial_due_on,
      (SELECT count(*) FROM controle_hiring h WHERE h.campaign_id = f.campaign_id AND h.structure_id = f.structure_id)::int AS hirings,
      (SELECT json_agg(json_build_object('certified', k.certified, 'review', k.review,
          'initial', (SELECT count(*) FROM controle_proof p WHERE p.criterion_id = k.id AND p.phase = 'initiale'),
          'adversarial', (SELECT count(*) FROM controle_proof p WHERE p.criterion_id = k.id AND p.phase = 'contradictoire')))
        FROM controle_criterion k JOIN controle_hiring h ON h.campaign_id = k.campaign_id AND h.contract_id = k.contract_id
        WHERE k.campaign_id = f.campaign_id AND h.structure_id = f.structure_id)::text AS criteria
    FROM controle_structure f JOIN structure s ON s.id = f.structure_id
    WHERE f.campaign_id IN (${sql.join(campaigns.map((c) => sql`${c.id}`))})
      ${structureId === undefined ? sql`` : sql`AND f.structure_id = ${structureId}`}
    ORDER BY s.name, f.structure_id`.execute(db);
  const byId = new Map(campaigns.map((c) => [Number(c.id), c]));
  for (const r of rows) {
    const campaign = byId.get(Number(r.campaign_id));
    if (!campaign) continue;
    const raw =
      typeof r.criteria === "string"
        ? (JSON.parse(r.criteria) as { certified: boolean; review: Review; initial: number; adversarial: number }[] | null)
        : r.criteria;
    const criteria: CriterionStatus[] = (raw ?? []).map((k) => ({
      certified: k.certified,
      review: k.review,
      initialProofs: Number(k.initial),
      adversarialProofs: Number(k.adversarial),
    }));
    const own =
      r.proofs_due_on !== null && r.review_due_on !== null && r.adversarial_due_on !== null
        ? { proofsDueOn: r.proofs_due_on, reviewDueOn: r.review_due_on, adversarialDueOn: r.adversarial_due_on }
        : null;
    const deadlines = own ?? deadlinesOf(campaign);
    out.get(Number(r.campaign_id))?.push({
      structureId: Number(r.structure_id),
      name: r.name,
      kind: r.kind,
      eligibleHirings: Number(r.eligible_hirings),
      sampledHirings: Number(r.hirings),
      state: r.state,
      criteria: {
        total: criteria.length,
        justified: criteria.filter((c) => c.certified || c.initialProofs + c.adversarialProofs > 0).length,
        accepted: criteria.filter((c) => c.review === "acceptee").length,
        refused: criteria.filter((c) => c.review === "refusee" || c.review === "refusee_2").length,
        pending: criteria.filter((c) => c.review === "en_attente").length,
      },
      due: dueItem(r.state, criteria, today, deadlines),
      decision: r.decision,
      deadlines,
      extended: own !== null,
    });
  }
  return out;
}

function summary(c: CampaignRow, files: readonly FileProgress[]): CampaignSummary {
  return {
    id: Number(c.id),
    departement: c.departement_code,
    from: c.period_from,
    to: c.period_to,
    seed: Number(c.seed),
    percent: c.percent,
    eligibleStructures: c.eligible_structures,
    selectedStructures: files.length,
    sampledHirings: files.reduce((a, f) => a + f.sampledHirings, 0),
    decided: files.filter((f) => f.state === "decide").length,
    overdue: files.filter((f) => f.due?.overdue).length,
    state: c.state,
    deadlines: deadlinesOf(c),
    createdOn: c.created_on,
    createdBy: c.created_by,
  };
}

const campaignColumns = [
  "id",
  "departement_code",
  "period_from",
  "period_to",
  "seed",
  "percent",
  "eligible_structures",
  "state",
  "proofs_due_on",
  "review_due_on",
  "adversarial_due_on",
  "created_on",
  "created_by",
] as const;

/** A département's campaigns, most recent period first. */
export async function listCampaigns(db: Db, departement: string, today: string): Promise<CampaignSummary[]> {
  const campaigns = (await db
    .selectFrom("controle_campaign")
    .select(campaignColumns)
    .where("departement_code", "=", departement)
    .orderBy("period_from", "desc")
    .orderBy("id", "desc")
    .execute()) as CampaignRow[];
  const files = await fileProgress(db, campaigns, today);
  return campaigns.map((c) => summary(c, files.get(Number(c.id)) ?? []));
}

/** One campaign of the département with each selected structure's progress and what is due (null: not in it). */
export async function campaignDetail(
  db: Db,
  departement: string,
  campaignId: number,
  today: string,
): Promise<{
  campaign: CampaignSummary;
  structures: FileProgress[];
  reminders: (DueItem & { structureId: number; name: string })[];
} | null> {
  const c = (await db
    .selectFrom("controle_campaign")
    .select(campaignColumns)
    .where("id", "=", campaignId)
    .where("departement_code", "=", departement)
    .executeTakeFirst()) as CampaignRow | undefined;
  if (!c) return null;
  const files = (await fileProgress(db, [c], today)).get(Number(c.id)) ?? [];
  const reminders = files
    .filter((f) => f.due !== null)
    .map((f) => ({ ...(f.due as DueItem), structureId: f.structureId, name: f.name }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn) || a.name.localeCompare(b.name));
  return { campaign: summary(c, files), structures: files, reminders };
}

/** Campaigns in which a structure is selected (its own files), most recent first. */
export async function structureCampaigns(
  db: Db,
  structureId: number,
  today: string,
): Promise<(CampaignSummary & { file: FileProgress })[]> {
  const campaigns = (await db
    .selectFrom("controle_campaign as c")
    .innerJoin("controle_structure as f", "f.campaign_id", "c.id")
    .select(campaignColumns.map((k) => `c.${k}` as const))
    .where("f.structure_id", "=", structureId)
    .orderBy("c.period_from", "desc")
    .execute()) as CampaignRow[];
  const files = await fileProgress(db, campaigns, today, structureId);
  return campaigns.flatMap((c) => {
    const file = files.get(Number(c.id))?.[0];
    return file ? [{ ...summary(c, files.get(Number(c.id)) ?? []), file }] : [];
  });
}

export interface FileDetail {
  campaign: { id: number; departement: string; from: string; to: string; state: "en_cours" | "close"; deadlines: Deadlines };
  file: FileProgress & {
    submittedAt: string | null;
    adversarialAt: string | null;
    adversarialSubmittedAt: string | null;
    decisionReason: string | null;
    decisionComment: string;
    trainingRequired: boolean;
    suspendedFrom: string | null;
    suspendedTo: string | null;
    aidCorrection: string;
    decidedAt: string | null;
  };
  hirings: {
    contractId: number;
    personId: number;
    startsOn: string;
    criteria: {
      id: number;
      code: string;
      label: string;
      level: number;
      expectedProof: string | null;
      certified: boolean;
      review: Review;
      reviewComment: string;
      reviewedAt: string | null;
      proofs: {
        id: number;
        phase: "initiale" | "contradictoire";
        fileName: string;
        contentType: string;
        sizeBytes: number;
        sha256: string;
        createdAt: string;
      }[];
    }[];
  }[];
}

/** A structure's file in a campaign: its sampled hirings, each criterion, its proofs and verdicts (null: not selected). */
export async function controleFile(db: Db, structureId: number, campaignId: number, today: string): Promise<FileDetail | null> {
  const c = (await db
    .selectFrom("controle_campaign as c")
    .innerJoin("controle_structure as f", "f.campaign_id", "c.id")
    .select(campaignColumns.map((k) => `c.${k}` as const))
    .where("c.id", "=", campaignId)
    .where("f.structure_id", "=", structureId)
    .executeTakeFirst()) as CampaignRow | undefined;
  if (!c) return null;
  const progress = (await fileProgress(db, [c], today, structureId)).get(Number(c.id))?.[0];
  const f = await db
    .selectFrom("controle_structure")
    .selectAll()
    .where("campaign_id", "=", campaignId)
    .where("structure_id", "=", structureId)
    .executeTakeFirstOrThrow();
  if (!progress) return null;
  const criteria = await db
    .selectFrom("controle_criterion as k")
    .innerJoin("controle_hiring as h", (j) => j.onRef("h.campaign_id", "=", "k.campaign_id").onRef("h.contract_id", "=", "k.contract_id"))
    .innerJoin("contract as ct", "ct.id", "h.contract_id")
    .innerJoin("ref_eligibility_criterion as r", "r.code", "k.criterion_code")
    .select([
      "k.id",
      "k.contract_id",
      "ct.person_id",
      "ct.starts_on",
      "k.criterion_code",
      "r.label",
      "r.level",
      "r.written_proof",
      "k.certified",
      "k.review",
      "k.review_comment",
      "k.reviewed_at",
    ])
    .where("k.campaign_id", "=", campaignId)
    .where("h.structure_id", "=", structureId)
    .orderBy("ct.starts_on")
    .orderBy("k.contract_id")
    .orderBy("r.level")
    .orderBy("k.criterion_code")
    .execute();
  const ids = criteria.map((k) => k.id);
  const proofs =
    ids.length === 0
      ? []
      : await db
          .selectFrom("controle_proof")
          .select(["id", "criterion_id", "phase", "file_name", "content_type", "size_bytes", "sha256", "created_at"])
          .where("criterion_id", "in", ids)
          .orderBy("id")
          .execute();
  const hirings = new Map<number, FileDetail["hirings"][number]>();
  for (const k of criteria) {
    const contractId = Number(k.contract_id);
    const hiring = hirings.get(contractId) ?? { contractId, personId: Number(k.person_id), startsOn: k.starts_on, criteria: [] };
    hiring.criteria.push({
      id: Number(k.id),
      code: k.criterion_code,
      label: k.label,
      level: k.level,
      expectedProof: k.written_proof,
      certified: k.certified,
      review: k.review,
      reviewComment: k.review_comment,
      reviewedAt: k.reviewed_at?.toISOString() ?? null,
      proofs: proofs
        .filter((p) => Number(p.criterion_id) === Number(k.id))
        .map((p) => ({
          id: Number(p.id),
          phase: p.phase,
          fileName: p.file_name,
          contentType: p.content_type,
          sizeBytes: p.size_bytes,
          sha256: p.sha256,
          createdAt: p.created_at.toISOString(),
        })),
    });
    hirings.set(contractId, hiring);
  }
  // A sampled hiring whose diagnosis carries no criterion still appears (nothing to justify).
  const sampled = await db
    .selectFrom("controle_hiring as h")
    .innerJoin("contract as ct", "ct.id", "h.contract_id")
    .select(["h.contract_id", "ct.person_id", "ct.starts_on"])
    .where("h.campaign_id", "=", campaignId)
    .where("h.structure_id", "=", structureId)
    .orderBy("ct.starts_on")
    .orderBy("h.contract_id")
    .execute();
  return {
    campaign: {
      id: Number(c.id),
      departement: c.departement_code,
      from: c.period_from,
      to: c.period_to,
      state: c.state,
      deadlines: deadlinesOf(c),
    },
    file: {
      ...progress,
      submittedAt: f.submitted_at?.toISOString() ?? null,
      adversarialAt: f.adversarial_at?.toISOString() ?? null,
      adversarialSubmittedAt: f.adversarial_submitted_at?.toISOString() ?? null,
      decisionReason: f.decision_reason,
      decisionComment: f.decision_comment,
      trainingRequired: f.training_required,
      suspendedFrom: f.suspended_from,
      suspendedTo: f.suspended_to,
      aidCorrection: f.aid_correction,
      decidedAt: f.decided_at?.toISOString() ?? null,
    },
    hirings: sampled.map(
      (h) =>
        hirings.get(Number(h.contract_id)) ?? {
          contractId: Number(h.contract_id),
          personId: Number(h.person_id),
          startsOn: h.starts_on,
          criteria: [],
        },
    ),
  };
}

/** One proof's content, only within the structure's file in that campaign (null otherwise). */
export async function controleProofContent(
  db: Db,
  structureId: number,
  campaignId: number,
  proofId: number,
): Promise<{ fileName: string; contentType: string; content: Uint8Array } | null> {
  const row = await db
    .selectFrom("controle_proof as p")
    .innerJoin("controle_criterion as k", "k.id", "p.criterion_id")
    .innerJoin("controle_hiring as h", (j) => j.onRef("h.campaign_id", "=", "k.campaign_id").onRef("h.contract_id", "=", "k.contract_id"))
    .select(["p.file_name", "p.content_type", "p.content"])
    .where("p.id", "=", proofId)
    .where("k.campaign_id", "=", campaignId)
    .where("h.structure_id", "=", structureId)
    .executeTakeFirst();
  return row ? { fileName: row.file_name, contentType: row.content_type, content: row.content } : null;
}
