// The DDETS year in the Pas-de-Calais demo (docs/ddets-year.md, docs/demo.md): the 2020 financing requests of
// the demo structures as they stood after the CDIAE of late 2019 (a mix of states, fixed by the structure's rank),
// the 2019 dialogue de gestion sheets, the envelope notified for 2020 and a 2019 part modulée decided for the
// Trajectoire group's structures. Everything is fictitious but computed like the product does: requested ETP
// from the 2019 AF, proposed amounts by computeAnnexFigures (the barème in force on 1 January 2020), the
// modulation by decideStructureModulation over the grid's proposal.
import { sql } from "kysely";
import type { Db } from "../db/schema.js";
import { recordAudit } from "../db/audit.js";
import type { RequestState } from "../domain/financing/requestStates.js";
import { Decimal } from "../domain/money/money.js";
import { computeAnnexFigures, loadFinancers } from "../operations/createFinancialAnnex.js";
import { decideStructureModulation, saveModulationGrid } from "../operations/modulation.js";
import { loadAnnualHoursRows, loadBaremeRows } from "../operations/referenceData.js";
import type { OperationDeps } from "../operations/types.js";
import { DEFAULT_GRID } from "../domain/financing/modulationGrid.js";
import { computeStructureModulation } from "../queries/modulation.js";
import { structureDepartement } from "../db/structureDepartement.js";

/** Date of the demo's CDIAE session (fictitious, before the préfet's communiqué of 2 December 2019). */
export const DEMO_CDIAE_SESSION = "2019-11-28";

// The mix of states by rank modulo 10: mostly presented to the CDIAE, some still being instructed.
const STATES_BY_RANK: readonly RequestState[] = [
  "avis_cdiae",
  "avis_cdiae",
  "proposee",
  "avis_cdiae",
  "en_instruction",
  "avis_cdiae",
  "deposee",
  "avis_cdiae",
  "proposee",
  "brouillon",
];

const PATH: readonly RequestState[] = ["brouillon", "deposee", "en_instruction", "proposee", "avis_cdiae"];

export interface DdetsYearSummary {
  requests: number;
  byState: Record<string, number>;
  dialogueSheets: number;
  modulations: number;
}

export async function loadDemoDdetsYear(db: Db, deps: OperationDeps, departementCode: string): Promise<DdetsYearSummary> {
  const refs = { bareme: await loadBaremeRows(db), annualHours: await loadAnnualHoursRows(db), financers: await loadFinancers(db) };
  const { rows } = await sql<{
    id: number;
    name: string;
    kind: "ACI" | "AI" | "EI" | "ETTI" | "EITI";
    departement: string;
    etp: string;
    cofinanced_amount: string;
    penitentiary: boolean;
  }>`
    SELECT s.id, s.name, s.kind, ${structureDepartement("s")} AS departement, a.etp, a.cofinanced_amount, a.penitentiary
    FROM structure s JOIN counting_annex a ON a.structure_id = s.id AND a.starts_on <= '2019-12-31' AND a.ends_on >= '2019-12-01'
    WHERE ${structureDepartement("s")} = ${departementCode}
    ORDER BY s.name, s.id, a.starts_on DESC`.execute(db);
  const seen = new Set<number>();
  const byState: Record<string, number> = {};
  let n = 0;
  for (const r of rows) {
    const id = Number(r.id);
    if (seen.has(id)) continue;
    seen.add(id);
    const state = STATES_BY_RANK[n % STATES_BY_RANK.length] as RequestState;
    n++;
    byState[state] = (byState[state] ?? 0) + 1;
    const etp2019 = new Decimal(r.etp);
    // Requests: +0 to +2 ETP (by rank); proposals: the request, or half an ETP less one time in three.
    const requested = etp2019.plus(n % 3).toDecimalPlaces(2);
    const proposed = n % 3 === 2 ? Decimal.max(requested.minus("0.5"), new Decimal("0.5")) : requested;
    const rank = PATH.indexOf(state);
    const hasProposal = rank >= PATH.indexOf("proposee");
    const figures = hasProposal
      ? computeAnnexFigures(
          {
            startsOn: "2020-01-01",
            endsOn: "2020-12-31",
            etp: proposed.toFixed(2),
            unitAmount: undefined,
            annualHours: undefined,
            penitentiary: r.penitentiary,
            modulationPercent: undefined,
            funding: undefined,
          },
          r.kind,
          refs,
          r.departement,
        )
      : null;
    const opinion = state === "avis_cdiae" ? (n % 11 === 0 ? "reserve" : "favorable") : null;
    const request = await db
      .insertInto("financing_request")
      .values({
        structure_id: id,
        year: 2020,
        state,
        requested_etp: requested.toFixed(2),
        cofinancing_declared: r.cofinanced_amount,
        cofinancer: new Decimal(r.cofinanced_amount).greaterThan(0) ? "Conseil départemental du Pas-de-Calais" : null,
        forecast_dynamic_rate: "50",
        forecast_durable_rate: "20",
        forecast_transition_rate: "20",
        forecast_positive_rate: "10",
        project_public: "Personnes très éloignées de l'emploi, majoritairement bénéficiaires du RSA du bassin minier.",
        project_support: "Accompagnement socioprofessionnel individuel hebdomadaire, levée des freins (mobilité, logement, santé).",
        project_training: "Formations pré-qualifiantes et savoirs de base ; préparation aux certifications du secteur.",
        project_activity: `Activité support de ${r.name} (${r.kind}), poursuivie en 2020.`,
        proposed_etp: hasProposal ? proposed.toFixed(2) : null,
        proposed_amount: figures ? figures.total.toFixed(2) : null,
        cdiae_session_on: opinion ? DEMO_CDIAE_SESSION : null,
        cdiae_opinion: opinion,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const events = PATH.slice(0, rank + 1).map((to, i) => ({
      request_id: request.id,
      actor_user_id: null,
      actor_label: i === 1 || i === 0 ? "demo (structure)" : "demo (DDETS)",
      from_state: i === 0 ? null : (PATH[i - 1] as string),
      to_state: to,
      comment: to === "avis_cdiae" ? `Séance du CDIAE du ${DEMO_CDIAE_SESSION}` : "",
    }));
    await db.insertInto("financing_request_event").values(events).execute();
  }
  // 2019 dialogue sheets: conclusions and the objectives agreed for 2020.
  const sheets = [...seen].map((structureId) => ({
    structure_id: structureId,
    year: 2019,
    conclusions:
      "Dialogue de gestion 2019 (démonstration) : réalisation conforme au conventionnement, effort à poursuivre sur les sorties vers l'emploi durable.",
    next_objectives: JSON.stringify({ dynamicRate: "50", durableRate: "20", transitionRate: "20", positiveRate: "10" }),
    updated_by: deps.actor.label,
  }));
  if (sheets.length > 0) await db.insertInto("dialogue_sheet").values(sheets).execute();
  // Envelope notified for 2020: the 2019 amounts by funding line, rounded to the thousand euros (fictitious).
  const lines = await sql<{ code: string; amount: string }>`
    SELECT f.funding_line_code AS code, round(sum(f.amount) / 1000) * 1000 AS amount
    FROM financial_annex_funding f JOIN counting_annex a ON a.id = f.annex_id JOIN structure s ON s.id = a.structure_id
    WHERE a.starts_on <= '2019-12-31' AND a.ends_on >= '2019-01-01' AND ${structureDepartement("s")} = ${departementCode}
    GROUP BY 1 ORDER BY 1`.execute(db);
  if (lines.rows.length > 0)
    await db
      .insertInto("notified_envelope")
      .values(
        lines.rows.map((l) => ({
          departement_code: departementCode,
          year: 2020,
          funding_line_code: l.code,
          amount: l.amount,
          notified_on: "2019-11-15",
        })),
      )
      .onConflict((oc) =>
        oc.columns(["departement_code", "year", "funding_line_code"]).doUpdateSet((eb) => ({ amount: eb.ref("excluded.amount") })),
      )
      .execute();
  // 2019 part modulée: the default grid (a starting point), decided for the Trajectoire group's structures.
  await saveModulationGrid(db, deps, { departementCode, year: 2019, criteria: DEFAULT_GRID });
  const group = await db
    .selectFrom("structure_group_member as m")
    .innerJoin("structure_group as g", "g.id", "m.group_id")
    .select("m.structure_id")
    .where("g.name", "like", "%Trajectoire%")
    .execute();
  let modulations = 0;
  for (const { structure_id } of group) {
    if (!seen.has(Number(structure_id))) continue;
    const line = await computeStructureModulation(db, Number(structure_id), 2019);
    await decideStructureModulation(db, deps, { structureId: Number(structure_id), year: 2019, decidedPercent: line.proposedPercent });
    modulations++;
  }
  await recordAudit(db, deps.actor, {
    action: "demo.ddets_year",
    entity: "demo",
    entityId: departementCode,
    after: { requests: seen.size, byState, dialogueSheets: sheets.length, modulations },
  });
  return { requests: seen.size, byState, dialogueSheets: sheets.length, modulations };
}
