// Export of everything Passerelle holds about one person (RGPD right of access). Identifiers are never
// given in clear: the NIR is masked (sex, birth year and month kept), the PASS IAE number shown by its
// last 4 characters — a full identifier in a file that travels by e-mail would be a leak.
// Scope: the one visibility rule of the salarié page (personVisibility.ts) — a SIAE member gets the
// person-level data plus the rows of its own structures; a conseil départemental the RSA contracts of its
// département (and their exits); a platform admin everything.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { cipherCells, type PersonalDataCipher } from "../security/personalData.js";
import type { Principal } from "../server/auth/principal.js";
import { limitedView, visibleContract, visibleDeclaration, visibleExit, visibleSupportRow } from "./personVisibility.js";

/** "1 69 05 ** *** *** **": sex, birth year and month only. */
export function maskNir(nir: string): string {
  const n = nir.replace(/\s/g, "");
  return `${n.slice(0, 1)} ${n.slice(1, 3)} ${n.slice(3, 5)} ** *** *** **`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function exportPerson(
  db: Kysely<Database>,
  pii: PersonalDataCipher,
  principal: Principal,
  personId: number,
  now: Date,
): Promise<Record<string, unknown> | null> {
  const person = await db.selectFrom("person").selectAll().where("id", "=", personId).executeTakeFirst();
  if (!person) return null;
  const limited = limitedView(principal);

  let nirMasked: string | null = null;
  if (person.nir_encrypted && !limited) {
    try {
      nirMasked = maskNir(pii.decrypt(person.nir_encrypted, cipherCells.personNir(person.id)));
    } catch {
      nirMasked = "[illisible]";
    }
  }
  const contracts = await db
    .selectFrom("contract as c")
    .selectAll("c")
    .where("c.person_id", "=", personId)
    .where(visibleContract(principal, "c"))
    .orderBy("c.starts_on")
    .execute();
  const exits = await db
    .selectFrom("exit as e")
    .selectAll("e")
    .where("e.person_id", "=", personId)
    .where(visibleExit(principal, "e"))
    .orderBy("e.exit_on")
    .execute();

  const identity = limited
    ? {
        id: Number(person.id),
        lastName: person.last_name,
        firstName: person.first_name,
        birthYear: person.birth_year ?? (person.birth_date ? Number(person.birth_date.slice(0, 4)) : null),
        departementCode: person.departement_code,
      }
    : {
        id: Number(person.id),
        civility: person.civility,
        lastName: person.last_name,
        birthName: person.birth_name,
        firstName: person.first_name,
        birthDate: person.birth_date,
        birthYear: person.birth_year,
        birthCountryCode: person.birth_country_code,
        nir: nirMasked,
        hasNtt: Boolean(person.ntt),
        address: {
          line: person.address_line,
          postalCode: person.postal_code,
          communeCode: person.commune_code,
          departementCode: person.departement_code,
        },
        email: person.email,
        phone: person.phone,
        educationLevelCode: person.education_level_code,
        isQpv: person.is_qpv,
        isZrr: person.is_zrr,
        anonymisedAt: iso(person.anonymised_at),
        createdAt: iso(person.created_at),
        updatedAt: iso(person.updated_at),
      };
  const result: Record<string, unknown> = {
    exportedAt: now.toISOString(),
    exportedBy: principal.email,
    scope:
      principal.role === "admin" || principal.role === "national"
        ? "complet"
        : limited
          ? "conseil départemental (RSA)"
          : "structures du demandeur",
    person: identity,
    contracts: contracts.map((c) => ({
      id: Number(c.id),
      structureId: Number(c.structure_id),
      mesure: c.mesure_code,
      type: c.contract_type,
      rank: c.rank,
      startsOn: c.starts_on,
      plannedEndOn: c.planned_end_on,
      exitOn: c.exit_on,
      rsa: c.rsa,
      ...(limited
        ? {}
        : {
            weeklyHours: c.weekly_hours,
            monthlyGrossPay: c.monthly_gross_pay,
            romeCode: c.rome_code,
            rqth: c.rqth,
            orienteur: c.orienteur_code,
          }),
    })),
    exits: exits.map((e) => ({ structureId: Number(e.structure_id), exitOn: e.exit_on, motifCode: e.motif_code })),
  };
  if (limited) return result;

  const diagnoses = await db.selectFrom("eligibility_diagnosis").selectAll().where("person_id", "=", personId).orderBy("made_on").execute();
  const criteria = diagnoses.length
    ? await db
        .selectFrom("eligibility_diagnosis_criterion")
        .selectAll()
        .where(
          "diagnosis_id",
          "in",
          diagnoses.map((d) => d.id),
        )
        .execute()
    : [];
  const approvals = await db.selectFrom("approval").selectAll().where("person_id", "=", personId).orderBy("starts_on").execute();
  const approvalIds = approvals.map((a) => a.id);
  const suspensions = approvalIds.length
    ? await db.selectFrom("approval_suspension").selectAll().where("approval_id", "in", approvalIds).execute()
    : [];
  const prolongations = approvalIds.length
    ? await db.selectFrom("approval_prolongation").selectAll().where("approval_id", "in", approvalIds).execute()
    : [];
  const declarationsQuery = db
    .selectFrom("monthly_declaration as d")
    .select(["d.structure_id", "d.contract_id", "d.annex_id", "d.month", "d.hours", "d.gross_pay", "d.state"])
    .where("d.person_id", "=", personId)
    .where(visibleDeclaration(principal, "d"))
    .orderBy("d.month");
  const support = await db
    .selectFrom("support_action as sa")
    .selectAll("sa")
    .where("sa.person_id", "=", personId)
    .where(visibleSupportRow(principal, "sa"))
    .orderBy("sa.starts_on")
    .execute();
  const trainingQuery = db
    .selectFrom("training as t")
    .selectAll("t")
    .where("t.person_id", "=", personId)
    .where(visibleSupportRow(principal, "t"))
    .orderBy("t.starts_on");
  const barriers = support.length
    ? await db
        .selectFrom("support_action_barrier")
        .selectAll()
        .where(
          "action_id",
          "in",
          support.map((s) => s.id),
        )
        .execute()
    : [];
  const accesses = await db
    .selectFrom("audit_event")
    .select(["at", "actor_label", "action"])
    .where("person_id", "=", personId)
    .orderBy("id")
    .limit(10_000)
    .execute();

  return {
    ...result,
    eligibilityDiagnoses: diagnoses.map((d) => ({
      id: Number(d.id),
      authorKind: d.author_kind,
      authorStructureId: d.author_structure_id === null ? null : Number(d.author_structure_id),
      prescriberOrganization: d.prescriber_organization,
      madeOn: d.made_on,
      expiresOn: d.expires_on,
      criteria: criteria.filter((c) => c.diagnosis_id === d.id).map((c) => ({ code: c.criterion_code, certified: c.certified })),
    })),
    passIae: approvals.map((a) => ({
      numberLast4: a.number_last4,
      startsOn: a.starts_on,
      endsOn: a.ends_on,
      origin: a.origin,
      suspensions: suspensions
        .filter((s) => s.approval_id === a.id)
        .map((s) => ({ startsOn: s.starts_on, endsOn: s.ends_on, reason: s.reason })),
      prolongations: prolongations
        .filter((p) => p.approval_id === a.id)
        .map((p) => ({ startsOn: p.starts_on, endsOn: p.ends_on, reason: p.reason })),
    })),
    monthlyHours: (await declarationsQuery.execute()).map((d) => ({
      structureId: Number(d.structure_id),
      month: d.month.slice(0, 7),
      hours: d.hours,
      grossPay: d.gross_pay,
      state: d.state,
    })),
    supportActions: support.map((s) => ({
      structureId: Number(s.structure_id),
      kind: s.kind,
      startsOn: s.starts_on,
      endsOn: s.ends_on,
      hours: s.hours,
      internal: s.internal,
      notes: s.notes,
      barriers: barriers.filter((b) => b.action_id === s.id).map((b) => b.barrier_code),
    })),
    trainings: (await trainingQuery.execute()).map((tr) => ({
      structureId: Number(tr.structure_id),
      title: tr.title,
      qualifying: tr.qualifying,
      startsOn: tr.starts_on,
      endsOn: tr.ends_on,
      hours: tr.hours,
    })),
    accessLog: accesses.map((a) => ({ at: a.at.toISOString(), by: a.actor_label, action: a.action })),
  };
}
