// Use case: an annexe financière (AF) of a structure, or a new version of an existing one.
// - total = afTotal(ETP, unit amount, months) — iae-reference §2.1 (unit amount from the AF input,
//   else the barème in force at the AF start for the structure's territory — Mayotte (976), prison or
//   droit commun, baremeTerritory — §2.3; hours per ETP from the input, else the default
//   of the kind, §3.1);
// - a new version (same prefix and renewal A) gets modification M+1; when it is validated (VALIDE/
//   PROVISOIRE) the previous current version becomes HISTORISE (never summed), a draft changes nothing
//   — iae-reference §2.1, design §4;
// - funding lines split the total (State droit commun, ERBM, plan pauvreté, conseil départemental…):
//   they must add up to the total; the conseil départemental part is the co-financed amount (§2.4).
import { z } from "zod";
import { type BaremeRow, lookupUnitAmount } from "../domain/aid/bareme.js";
import { baremeTerritory, modulationTerritory } from "../domain/aid/territory.js";
import { type AnnualHoursRow, defaultAnnualHours } from "../domain/aid/hours.js";
import { modulatedAmount as computeModulatedAmount } from "../domain/aid/modulation.js";
import { afMonths, afTotal } from "../domain/conventions/amounts.js";
import { type AfState, countsForStatistics } from "../domain/conventions/states.js";
import { afNumberFromParts, validateAfPrefix } from "../domain/identifiers/afNumber.js";
import { Decimal, roundCents } from "../domain/money/money.js";
import { mesureOfKind, type SiaeKind } from "../domain/structures/kinds.js";
import { recordAudit } from "../db/audit.js";
import { loadAnnualHoursRows, loadBaremeRows } from "./referenceData.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

const fundingLine = z.object({ code: z.string().regex(/^[A-Z0-9_]+$/, "code de ligne de financement attendu"), amount: decimalString });

export const createFinancialAnnexInput = z.object({
  structureId: id,
  conventionId: id.optional(),
  /** AF number without suffix (ACI062190001). When absent, the next free order of the département and year is used. */
  numberPrefix: z.string().optional(),
  renewal: z.number().int().min(0).max(9).default(0),
  state: z.enum(["BROUILLON", "SAISI", "VALIDE", "PROVISOIRE", "CLOTURE"]).default("VALIDE"),
  startsOn: isoDate,
  endsOn: isoDate,
  etp: decimalString,
  unitAmount: decimalString.optional(),
  annualHours: decimalString.optional(),
  penitentiary: z.boolean().default(false),
  modulationPercent: decimalString.optional(),
  funding: z.array(fundingLine).optional(),
  signedOn: isoDate.optional(),
  forecast: z
    .object({ exits: z.number().int().min(0).optional(), dynamicRate: decimalString.optional(), durableRate: decimalString.optional() })
    .optional(),
});
export type CreateFinancialAnnexInput = z.input<typeof createFinancialAnnexInput>;
type ParsedAnnexInput = z.output<typeof createFinancialAnnexInput>;

export interface AnnexFigures {
  mesureCode: string;
  months: number;
  unitAmount: Decimal;
  annualHours: Decimal;
  total: Decimal;
  modulatedAmount: Decimal | null;
  funding: { code: string; amount: Decimal }[];
  cofinancedAmount: Decimal;
}

/**
 * Pure derivation of an AF's amounts (shared by this operation and the demo loader's batch path).
 * `financers` maps funding line code → financer ('etat' | 'departement' | 'autre').
 */
export function computeAnnexFigures(
  input: Pick<
    ParsedAnnexInput,
    "startsOn" | "endsOn" | "etp" | "unitAmount" | "annualHours" | "penitentiary" | "modulationPercent" | "funding"
  >,
  kind: SiaeKind,
  refs: { bareme: readonly BaremeRow[]; annualHours: readonly AnnualHoursRow[]; financers: ReadonlyMap<string, string> },
  /** INSEE département of the structure: its territory (Mayotte) decides the barème with the prison flag. */
  departementCode = "",
): AnnexFigures {
  const place = { departementCode, penitentiary: input.penitentiary };
  const months = ruleOnField("endsOn", () => afMonths(input.startsOn, input.endsOn));
  const mesureCode = ruleOnField("penitentiary", () => mesureOfKind(kind, input.penitentiary));
  const unitAmount =
    input.unitAmount !== undefined
      ? new Decimal(input.unitAmount)
      : ruleOnField("unitAmount", () => lookupUnitAmount(refs.bareme, kind, baremeTerritory(place), input.startsOn));
  const annualHours =
    input.annualHours !== undefined
      ? new Decimal(input.annualHours)
      : ruleOnField("annualHours", () => defaultAnnualHours(refs.annualHours, kind));
  if (!annualHours.greaterThan(0)) throw new OperationInputError([{ field: "annualHours", reason: "nombre d'heures par ETP > 0 attendu" }]);
  const total = ruleOnField("etp", () => afTotal(input.etp, unitAmount, months));
  let modulatedAmount: Decimal | null = null;
  if (input.modulationPercent !== undefined) {
    const pct = input.modulationPercent;
    // Rule: modulated part 0–10 % of the socle (5 % in prisons) — iae-reference §2.2 (checked by the domain)
    modulatedAmount = ruleOnField("modulationPercent", () => computeModulatedAmount(total, pct, modulationTerritory(place)));
  }
  const funding = (input.funding ?? [{ code: "ETAT_DROIT_COMMUN", amount: total.toFixed(2) }]).map((f) => ({
    code: f.code,
    amount: roundCents(f.amount),
  }));
  const seen = new Set<string>();
  let sum = new Decimal(0);
  let cofinancedAmount = new Decimal(0);
  funding.forEach((f, i) => {
    const financer = refs.financers.get(f.code);
    if (financer === undefined)
      throw new OperationInputError([{ field: `funding.${i}.code`, reason: `ligne de financement inconnue : ${f.code}` }]);
    if (seen.has(f.code)) throw new OperationInputError([{ field: `funding.${i}.code`, reason: "ligne de financement en double" }]);
    seen.add(f.code);
    sum = sum.plus(f.amount);
    if (financer === "departement") cofinancedAmount = cofinancedAmount.plus(f.amount);
  });
  if (!sum.equals(total))
    throw new OperationInputError([
      {
        field: "funding",
        reason: `les lignes de financement (${sum.toFixed(2)} €) doivent égaler le total de l'annexe (${total.toFixed(2)} €)`,
      },
    ]);
  return { mesureCode, months, unitAmount, annualHours, total, modulatedAmount, funding, cofinancedAmount };
}

export async function loadFinancers(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("funding_line").select(["code", "financer"]).execute();
  return new Map(rows.map((r) => [r.code, r.financer]));
}

/** ASP 3-character département code for an AF number ('62' → '062', '2A' → '02A'). */
export function aspDepartementForAf(departementCode: string): string {
  return departementCode.length === 2 ? `0${departementCode}` : departementCode.slice(0, 3);
}

export interface CreatedAnnex {
  id: number;
  number: string;
  total: string;
  unitAmount: string;
  months: number;
  historisedId: number | null;
}

export async function createFinancialAnnex(db: Db, deps: OperationDeps, raw: CreateFinancialAnnexInput): Promise<CreatedAnnex> {
  const input = parseInput(createFinancialAnnexInput, raw);
  const structure = await db
    .selectFrom("structure")
    .select(["id", "kind", "departement_code", "departement_asp_code"])
    .where("id", "=", input.structureId)
    .executeTakeFirst();
  if (!structure) throw new NotFoundError("structure", input.structureId);
  if (input.conventionId !== undefined) {
    const conv = await db.selectFrom("convention").select("structure_id").where("id", "=", input.conventionId).executeTakeFirst();
    if (!conv || conv.structure_id !== structure.id)
      throw new OperationInputError([{ field: "conventionId", reason: "convention inconnue pour cette structure" }]);
  }
  const figures = computeAnnexFigures(
    input,
    structure.kind,
    { bareme: await loadBaremeRows(db), annualHours: await loadAnnualHoursRows(db), financers: await loadFinancers(db) },
    structure.departement_code,
  );
  let prefix: string;
  if (input.numberPrefix !== undefined) {
    prefix = ruleOnField("numberPrefix", () => validateAfPrefix(input.numberPrefix as string));
    if (!new RegExp(`^${structure.kind}\\d`).test(prefix))
      throw new OperationInputError([{ field: "numberPrefix", reason: `le numéro doit commencer par ${structure.kind}` }]);
  } else {
    const head = `${structure.kind}${structure.departement_asp_code ?? aspDepartementForAf(structure.departement_code)}${input.startsOn.slice(2, 4)}`;
    const last = await db
      .selectFrom("financial_annex")
      .select((eb) => eb.fn.max("number_prefix").as("max"))
      .where("number_prefix", "like", `${head}____`)
      .executeTakeFirst();
    const order = last?.max ? Number(last.max.slice(-4)) + 1 : 1;
    prefix = `${head}${String(order).padStart(4, "0")}`;
  }
  // Versions of the same (prefix, A): the new one is M+1; the current one becomes HISTORISE.
  const versions = await db
    .selectFrom("financial_annex")
    .select(["id", "modification", "state", "structure_id"])
    .where("number_prefix", "=", prefix)
    .where("renewal", "=", input.renewal)
    .orderBy("modification", "desc")
    .execute();
  if (versions.some((v) => v.structure_id !== structure.id))
    throw new OperationInputError([{ field: "numberPrefix", reason: "ce numéro d'annexe appartient à une autre structure" }]);
  const modification = versions.length === 0 ? 0 : (versions[0]?.modification ?? 0) + 1;
  if (modification > 9) throw new OperationInputError([{ field: "numberPrefix", reason: "10 versions au plus par annexe (M0 à M9)" }]);
  const number = ruleOnField("numberPrefix", () => afNumberFromParts(prefix, input.renewal, modification));
  const today = deps.clock.today();
  let historisedId: number | null = null;
  // A draft amendment (BROUILLON/SAISI) leaves the version in force untouched: it keeps counting until an
  // amendment is validated (view counting_annex, migration 0410; pilotage-airflow stg_etp_conventionnes.sql).
  const current = countsForStatistics({ state: input.state })
    ? versions.find((v) => !["HISTORISE", "ANNULE", "REJETE"].includes(v.state))
    : undefined;
  if (current) {
    await db.updateTable("financial_annex").set({ state: "HISTORISE", updated_at: new Date() }).where("id", "=", current.id).execute();
    await recordAudit(db, deps.actor, {
      action: "financial_annex.historise",
      entity: "financial_annex",
      entityId: current.id,
      structureId: structure.id,
      before: { state: current.state },
      after: { state: "HISTORISE" },
    });
    historisedId = current.id;
  }
  const state: AfState = input.state;
  const row = await db
    .insertInto("financial_annex")
    .values({
      structure_id: structure.id,
      convention_id: input.conventionId ?? null,
      number_prefix: prefix,
      renewal: input.renewal,
      modification,
      mesure_code: figures.mesureCode,
      state,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      etp: input.etp,
      annual_hours: figures.annualHours.toFixed(2),
      unit_amount: figures.unitAmount.toFixed(2),
      total_amount: figures.total.toFixed(2),
      cofinanced: figures.cofinancedAmount.greaterThan(0),
      cofinanced_amount: figures.cofinancedAmount.toFixed(2),
      penitentiary: input.penitentiary,
      modulation_percent: input.modulationPercent ?? null,
      modulated_amount: figures.modulatedAmount?.toFixed(2) ?? null,
      forecast_exits: input.forecast?.exits ?? null,
      forecast_dynamic_rate: input.forecast?.dynamicRate ?? null,
      forecast_durable_rate: input.forecast?.durableRate ?? null,
      signed_on: input.signedOn ?? null,
      state_dates: JSON.stringify({ [state.toLowerCase()]: today }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("financial_annex_funding")
    .values(figures.funding.map((f) => ({ annex_id: row.id, funding_line_code: f.code, amount: f.amount.toFixed(2) })))
    .execute();
  await recordAudit(db, deps.actor, {
    action: "financial_annex.create",
    entity: "financial_annex",
    entityId: row.id,
    structureId: structure.id,
    after: {
      number: number.value,
      etp: input.etp,
      total: figures.total.toFixed(2),
      months: figures.months,
      funding: figures.funding.map((f) => ({ code: f.code, amount: f.amount.toFixed(2) })),
    },
  });
  return {
    id: row.id,
    number: `${prefix}A${input.renewal}M${modification}`,
    total: figures.total.toFixed(2),
    unitAmount: figures.unitAmount.toFixed(2),
    months: figures.months,
    historisedId,
  };
}
