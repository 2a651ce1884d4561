// Use case: hire a person (a contract), or renew a contract (same recruitment, rank + 1).
// Rules reused from the domain: the structure must have an active AF at the start (isActive —
// iae-reference §2.1); CDDI duration/weekly hours (validateCddi — §1.4); a PASS valid at the start
// for every hiring, AI mises à disposition only from 2021-12-01 (passRequired); ETTI missions ≤ 24 months
// and CDI inclusion at 57+ (limits.ts); a warning when the contract runs past the PASS end; a hiring during a PASS suspension ends it
// the day before (endSuspensionOnHiring — §5); the recruitment chain (initial + renewals — §6.3).
import { z } from "zod";
import { approvalStatus, endSuspensionOnHiring } from "../domain/approvals/approval.js";
import { compareDates, type IsoDate } from "../domain/calendar/isoDate.js";
import { type CddiDerogation, validateCddi } from "../domain/contracts/cddi.js";
import { checkCdiInclusion, checkEttiMissions, contractBeyondPassWarning, passRequired } from "../domain/contracts/limits.js";
import { isActive } from "../domain/conventions/states.js";
import { mesureOfKind, type SiaeKind } from "../domain/structures/kinds.js";
import { loadApproval } from "./approvals.js";
import { recordAudit } from "../db/audit.js";
import { decimalString, id, isoDate } from "./schemas.js";
import { NotFoundError, OperationInputError, type OperationDeps, parseInput, ruleOnField } from "./types.js";
import type { Db } from "../db/schema.js";

export const CONTRACT_TYPES = [
  "CDDI",
  "MISSION",
  "MISE_A_DISPOSITION",
  "CDD_USAGE",
  "CDI_INCLUSION",
  "PROFESSIONNALISATION",
  "ACCOMPAGNEMENT_TI",
  "AUTRE",
] as const;

export const hireInput = z.object({
  personId: id,
  structureId: id,
  approvalId: id.optional(),
  /** Contract renewed by this one (any contract of the recruitment). */
  renewalOf: id.optional(),
  contractType: z.enum(CONTRACT_TYPES),
  startsOn: isoDate,
  plannedEndOn: isoDate.optional(),
  weeklyHours: z.number().positive().max(48),
  monthlyGrossPay: decimalString.optional(),
  romeCode: z
    .string()
    .regex(/^[A-N]\d{4}$/, "code ROME attendu (ex. A1203)")
    .optional(),
  rsa: z.enum(["NON", "OUI-M", "OUI-NM"]).default("NON"),
  rqth: z.boolean().default(false),
  aged50OrMore: z.boolean().optional(),
  orienteurCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  educationLevelCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  derogation: z.enum(["NONE", "SENIOR_50", "RQTH", "PARTICULAR_DIFFICULTIES", "COVID"]).default("NONE"),
  fragilePublic: z.boolean().default(false),
  courtSentenceAdjustment: z.boolean().default(false),
});
export type HireInput = z.input<typeof hireInput>;
export type ParsedHireInput = z.output<typeof hireInput>;

// Rule: contract types offered per kind (les-emplois ContractType) — iae-reference §1.3
const TYPES_BY_KIND: Record<SiaeKind, readonly string[]> = {
  ACI: ["CDDI", "CDD_USAGE", "MISSION", "PROFESSIONNALISATION", "CDI_INCLUSION", "AUTRE"],
  EI: ["CDDI", "CDD_USAGE", "MISSION", "PROFESSIONNALISATION", "CDI_INCLUSION", "AUTRE"],
  AI: ["CDDI", "MISE_A_DISPOSITION", "CDD_USAGE", "MISSION", "PROFESSIONNALISATION", "CDI_INCLUSION", "AUTRE"],
  ETTI: ["MISSION", "CDDI", "CDD_USAGE", "PROFESSIONNALISATION", "CDI_INCLUSION", "AUTRE"],
  EITI: ["ACCOMPAGNEMENT_TI", "CDI_INCLUSION", "AUTRE"],
};

/** What checkContract knows of the person and the PASS when the caller has it. */
export interface ContractContext {
  birthDate?: IsoDate | null;
  /** Start of the PASS (= start of the parcours). */
  passStart?: IsoDate | null;
}

/**
 * Pure checks of a contract (shared with the demo loader's batch path): type allowed for the kind,
 * CDDI rules, ETTI missions ≤ 24 months, CDI inclusion at 57+, and that a PASS is held when required.
 */
export function checkContract(
  kind: SiaeKind,
  input: Pick<
    ParsedHireInput,
    "contractType" | "startsOn" | "plannedEndOn" | "weeklyHours" | "derogation" | "fragilePublic" | "courtSentenceAdjustment"
  >,
  recruitmentStart: IsoDate,
  hasApproval: boolean,
  context: ContractContext = {},
): void {
  if (!TYPES_BY_KIND[kind].includes(input.contractType))
    throw new OperationInputError([
      { field: "contractType", reason: `contrat ${input.contractType} non proposé pour une structure ${kind}` },
    ]);
  if (input.plannedEndOn !== undefined && compareDates(input.plannedEndOn, input.startsOn) < 0)
    throw new OperationInputError([{ field: "plannedEndOn", reason: "la fin précède le début" }]);
  if (input.contractType === "CDDI") {
    if (input.plannedEndOn === undefined) throw new OperationInputError([{ field: "plannedEndOn", reason: "un CDDI a une date de fin" }]);
    const derogation: CddiDerogation = { kind: input.derogation };
    ruleOnField("plannedEndOn", () =>
      validateCddi({
        kind,
        start: input.startsOn,
        end: input.plannedEndOn as string,
        weeklyHours: input.weeklyHours,
        recruitmentStart,
        derogation,
        fragilePublic: input.fragilePublic,
        courtSentenceAdjustment: input.courtSentenceAdjustment,
      }),
    );
  }
  if (kind === "ETTI" && input.contractType === "MISSION" && input.plannedEndOn !== undefined) {
    const end = input.plannedEndOn;
    ruleOnField("plannedEndOn", () => checkEttiMissions(recruitmentStart, end));
  }
  if (input.contractType === "CDI_INCLUSION")
    ruleOnField("contractType", () =>
      checkCdiInclusion({ birthDate: context.birthDate ?? null, startsOn: input.startsOn, parcoursStart: context.passStart ?? null }),
    );
  // Rule: PASS IAE required for every hiring; AI mises à disposition only before 2021-12-01 (passRequired, décret 2021-1128)
  if (!hasApproval && passRequired(input.contractType, input.startsOn))
    throw new OperationInputError([{ field: "approvalId", reason: "un PASS IAE valide est requis pour cette embauche" }]);
}

export async function hire(
  db: Db,
  deps: OperationDeps,
  raw: HireInput,
): Promise<{ id: number; recruitmentId: number; rank: number; warnings: string[] }> {
  const input = parseInput(hireInput, raw);
  const structure = await db.selectFrom("structure").select(["id", "kind"]).where("id", "=", input.structureId).executeTakeFirst();
  if (!structure) throw new NotFoundError("structure", input.structureId);
  const person = await db.selectFrom("person").select(["id", "birth_date"]).where("id", "=", input.personId).executeTakeFirst();
  if (!person) throw new NotFoundError("person", input.personId);
  // Rule: a SIAE hires only with an active AF (VALIDE/PROVISOIRE, end ≥ date) — iae-reference §2.1
  const afs = await db
    .selectFrom("financial_annex")
    .select(["state", "ends_on", "starts_on"])
    .where("structure_id", "=", structure.id)
    .where("starts_on", "<=", input.startsOn)
    .execute();
  if (
    !afs.some(
      (af) => (af.state === "VALIDE" || af.state === "PROVISOIRE") && isActive({ state: af.state, endDate: af.ends_on }, input.startsOn),
    )
  )
    throw new OperationInputError([{ field: "startsOn", reason: "aucune annexe financière active à cette date : embauche impossible" }]);
  let recruitmentId: number | null = null;
  let recruitmentStart = input.startsOn;
  let rank = 0;
  if (input.renewalOf !== undefined) {
    const previous = await db
      .selectFrom("contract")
      .select(["id", "recruitment_id", "person_id", "structure_id"])
      .where("id", "=", input.renewalOf)
      .executeTakeFirst();
    if (!previous || previous.person_id !== input.personId || previous.structure_id !== structure.id)
      throw new OperationInputError([
        { field: "renewalOf", reason: "contrat à renouveler inconnu pour cette personne et cette structure" },
      ]);
    recruitmentId = previous.recruitment_id ?? previous.id;
    const chain = await db
      .selectFrom("contract")
      .select(["id", "rank", "starts_on", "exit_on"])
      .where((eb) => eb.or([eb("id", "=", recruitmentId as number), eb("recruitment_id", "=", recruitmentId as number)]))
      .execute();
    if (chain.some((c) => c.exit_on !== null))
      throw new OperationInputError([{ field: "renewalOf", reason: "ce parcours est terminé (sortie enregistrée)" }]);
    recruitmentStart = chain.find((c) => c.id === recruitmentId)?.starts_on ?? input.startsOn;
    rank = Math.max(...chain.map((c) => c.rank)) + 1;
  }
  let approvalOk = false;
  let passStart: IsoDate | null = null;
  let passEnd: IsoDate | null = null;
  if (input.approvalId !== undefined) {
    const { row, approval } = await loadApproval(db, input.approvalId);
    passStart = approval.startAt;
    passEnd = approval.endAt;
    if (row.person_id !== input.personId)
      throw new OperationInputError([{ field: "approvalId", reason: "ce PASS IAE appartient à une autre personne" }]);
    const status = approvalStatus(approval, input.startsOn);
    if (status === "FUTURE" || status === "EXPIRED")
      throw new OperationInputError([
        {
          field: "approvalId",
          reason: `PASS IAE non valide au ${input.startsOn} (${status === "FUTURE" ? "pas encore commencé" : "expiré"})`,
        },
      ]);
    if (status === "SUSPENDED") {
      const next = endSuspensionOnHiring(approval, input.startsOn);
      passEnd = next.endAt;
      await db.updateTable("approval").set({ ends_on: next.endAt }).where("id", "=", row.id).execute();
      await db
        .deleteFrom("approval_suspension")
        .where("approval_id", "=", row.id)
        .where("starts_on", "<=", input.startsOn)
        .where("ends_on", ">=", input.startsOn)
        .execute();
      const kept = next.suspensions.find((s) => !approval.suspensions.includes(s));
      if (kept)
        await db
          .insertInto("approval_suspension")
          .values({
            approval_id: row.id,
            starts_on: kept.startAt,
            ends_on: kept.endAt,
            reason: kept.reason,
            declared_by_structure_id: structure.id,
          })
          .execute();
      await recordAudit(db, deps.actor, {
        action: "approval.suspension_ended_by_hiring",
        entity: "approval",
        entityId: row.id,
        personId: input.personId,
        structureId: structure.id,
        before: { endsOn: approval.endAt },
        after: { endsOn: next.endAt },
      });
    }
    approvalOk = true;
  }
  checkContract(structure.kind, input, recruitmentStart, approvalOk, { birthDate: person.birth_date, passStart });
  const warning = contractBeyondPassWarning(input.plannedEndOn ?? null, passEnd);
  const row = await db
    .insertInto("contract")
    .values({
      person_id: input.personId,
      structure_id: structure.id,
      recruitment_id: recruitmentId,
      rank,
      mesure_code: mesureOfKind(structure.kind),
      contract_type: input.contractType,
      starts_on: input.startsOn,
      planned_end_on: input.plannedEndOn ?? null,
      weekly_hours: input.weeklyHours,
      monthly_gross_pay: input.monthlyGrossPay ?? null,
      rome_code: input.romeCode ?? null,
      rsa: input.rsa,
      rqth: input.rqth,
      aged_50_or_more: input.aged50OrMore ?? null,
      orienteur_code: input.orienteurCode ?? null,
      education_level_code: input.educationLevelCode ?? null,
      approval_id: input.approvalId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, deps.actor, {
    action: rank === 0 ? "contract.hire" : "contract.renew",
    entity: "contract",
    entityId: row.id,
    personId: input.personId,
    structureId: structure.id,
    after: { ...input, rank, recruitmentId: recruitmentId ?? row.id },
  });
  return { id: row.id, recruitmentId: recruitmentId ?? row.id, rank, warnings: warning === null ? [] : [warning] };
}
