// The CDIAE pack of a département for a year (docs/ddets-year.md): every request filed for that year with the
// structure's key figures of the year before (computeStructureTable: the indicators' figures), the DDETS's
// proposal (ETP, amount computed by the domain, part modulée), the CDIAE's opinion and the decision; totals
// against the envelope notified to the département per funding line, and the gap. Drafts are not presented.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { structureDepartement } from "../db/structureDepartement.js";
import type { RequestDecision, RequestState } from "../domain/financing/requestStates.js";
import { Decimal } from "../domain/money/money.js";
import type { SiaeKind } from "../domain/structures/kinds.js";
import { computeStructureTable } from "../indicators/structureTable.js";

export interface CdiaeRequest {
  requestId: number;
  structureId: number;
  name: string;
  kind: SiaeKind;
  state: RequestState;
  requestedEtp: string | null;
  proposedEtp: string | null;
  proposedAmount: string | null;
  proposedModulationPercent: string | null;
  cofinancingDeclared: string;
  cdiaeOpinion: string | null;
  cdiaeSessionOn: string | null;
  decision: RequestDecision | null;
  decidedEtp: string | null;
  decidedAmount: string | null;
  /** The structure's figures of the year before (null when it had no AF then). */
  previousYear: {
    year: number;
    etpConventionnes: number;
    etpRealises: number;
    tauxRealisation: number | null;
    exitsExamined: number;
    dynamicRate: number | null;
    durableRate: number | null;
  } | null;
}

export interface EnvelopeLine {
  code: string;
  label: string;
  financer: string;
  notified: string;
}

export interface CdiaePack {
  departement: string;
  departementName: string;
  year: number;
  sessionOn: string | null;
  requests: CdiaeRequest[];
  totals: {
    requests: number;
    byState: Record<string, number>;
    requestedEtp: string;
    proposedEtp: string;
    proposedAmount: string;
    /** Proposed amounts split as the AF would be: the co-financing declared (capped) for the conseil départemental, the rest State. */
    proposedState: string;
    proposedDepartement: string;
    decidedAmount: string;
  };
  envelope: {
    lines: EnvelopeLine[];
    notifiedState: string;
    notifiedDepartement: string;
    notifiedTotal: string;
    /** notified − proposed (negative: proposals exceed the envelope); null when no envelope was entered. */
    gapState: string | null;
    gapDepartement: string | null;
    gapTotal: string | null;
  };
}

export async function computeCdiaePack(
  db: Kysely<Database>,
  departementCode: string,
  year: number,
  sessionOn: string | null = null,
): Promise<CdiaePack> {
  const dep = await db.selectFrom("ref_departement").select(["code", "name"]).where("code", "=", departementCode).executeTakeFirst();
  const { rows } = await sql<{
    id: number;
    structure_id: number;
    name: string;
    kind: SiaeKind;
    state: RequestState;
    requested_etp: string | null;
    proposed_etp: string | null;
    proposed_amount: string | null;
    proposed_modulation_percent: string | null;
    cofinancing_declared: string;
    cdiae_opinion: string | null;
    cdiae_session_on: string | null;
    decision: RequestDecision | null;
    decided_etp: string | null;
    decided_amount: string | null;
  }>`
    SELECT r.id, r.structure_id, s.name, s.kind, r.state, r.requested_etp, r.proposed_etp, r.proposed_amount,
      r.proposed_modulation_percent, r.cofinancing_declared, r.cdiae_opinion, to_char(r.cdiae_session_on, 'YYYY-MM-DD') AS cdiae_session_on,
      r.decision, r.decided_etp, r.decided_amount
    FROM financing_request r JOIN structure s ON s.id = r.structure_id
    WHERE r.year = ${year} AND r.state <> 'brouillon' AND ${structureDepartement("s")} = ${departementCode}
    ORDER BY s.name, s.id`.execute(db);
  const previous = await computeStructureTable(db, {
    scope: { type: "departement", code: departementCode },
    from: `${year - 1}-01-01`,
    to: `${year - 1}-12-31`,
  });
  const prevById = new Map(previous.map((p) => [p.id, p]));
  const requests: CdiaeRequest[] = rows.map((r) => {
    const p = prevById.get(Number(r.structure_id));
    return {
      requestId: Number(r.id),
      structureId: Number(r.structure_id),
      name: r.name,
      kind: r.kind,
      state: r.state,
      requestedEtp: r.requested_etp,
      proposedEtp: r.proposed_etp,
      proposedAmount: r.proposed_amount,
      proposedModulationPercent: r.proposed_modulation_percent,
      cofinancingDeclared: r.cofinancing_declared,
      cdiaeOpinion: r.cdiae_opinion,
      cdiaeSessionOn: r.cdiae_session_on,
      decision: r.decision,
      decidedEtp: r.decided_etp,
      decidedAmount: r.decided_amount,
      previousYear: p
        ? {
            year: year - 1,
            etpConventionnes: p.etpConventionnes,
            etpRealises: p.etpRealises,
            tauxRealisation: p.tauxRealisation,
            exitsExamined: p.exitsExamined,
            dynamicRate: p.dynamicRate,
            durableRate: p.durableRate,
          }
        : null,
    };
  });
  const sum = (f: (r: CdiaeRequest) => string | null) => requests.reduce((a, r) => a.plus(f(r) ?? 0), new Decimal(0));
  const proposedAmount = sum((r) => r.proposedAmount);
  const proposedDepartement = requests.reduce(
    (a, r) => a.plus(r.proposedAmount === null ? 0 : Decimal.min(new Decimal(r.cofinancingDeclared), new Decimal(r.proposedAmount))),
    new Decimal(0),
  );
  const byState: Record<string, number> = {};
  for (const r of requests) byState[r.state] = (byState[r.state] ?? 0) + 1;
  const envRows = await db
    .selectFrom("notified_envelope as e")
    .innerJoin("funding_line as f", "f.code", "e.funding_line_code")
    .select(["e.funding_line_code as code", "f.label", "f.financer", "e.amount"])
    .where("e.departement_code", "=", departementCode)
    .where("e.year", "=", year)
    .orderBy("e.funding_line_code")
    .execute();
  const lines: EnvelopeLine[] = envRows.map((e) => ({
    code: e.code,
    label: e.label,
    financer: e.financer,
    notified: new Decimal(e.amount).toFixed(2),
  }));
  const notified = (financer?: string) =>
    lines.filter((l) => financer === undefined || l.financer === financer).reduce((a, l) => a.plus(l.notified), new Decimal(0));
  const hasEnvelope = lines.length > 0;
  const proposedState = proposedAmount.minus(proposedDepartement);
  return {
    departement: departementCode,
    departementName: dep?.name ?? departementCode,
    year,
    sessionOn,
    requests,
    totals: {
      requests: requests.length,
      byState,
      requestedEtp: sum((r) => r.requestedEtp).toFixed(2),
      proposedEtp: sum((r) => r.proposedEtp).toFixed(2),
      proposedAmount: proposedAmount.toFixed(2),
      proposedState: proposedState.toFixed(2),
      proposedDepartement: proposedDepartement.toFixed(2),
      decidedAmount: sum((r) => r.decidedAmount).toFixed(2),
    },
    envelope: {
      lines,
      notifiedState: notified("etat").toFixed(2),
      notifiedDepartement: notified("departement").toFixed(2),
      notifiedTotal: notified().toFixed(2),
      gapState: hasEnvelope ? notified("etat").minus(proposedState).toFixed(2) : null,
      gapDepartement: hasEnvelope ? notified("departement").minus(proposedDepartement).toFixed(2) : null,
      gapTotal: hasEnvelope ? notified().minus(proposedAmount).toFixed(2) : null,
    },
  };
}
