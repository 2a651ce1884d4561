// Loads the demo département (Pas-de-Calais, 2017–2019).
//  1. the real SIAE of département 062 in the ASP list of July 2019, through the real list
//     importer (importAspList, its own transaction);
//  2. in ONE transaction: creation dates, the synthetic structures (createStructure), the group
//     "Trajectoire" and its site (createStructureGroup, addSite), conventions (createConvention),
//     financial annexes with funding lines (createFinancialAnnex), then the simulated activity
//     (activity.ts) written in bulk (COPY) after going through the operations' own validation and
//     derivation functions: preparePersonRow (NIR validated, encrypted + hashed), checkCriteria /
//     diagnosisExpiresAt, isDiagnosisValid / canObtainNewApproval / initialEndDate / passNumberColumns,
//     checkContract (CDDI rules), checkDeclarationLine, exitGroupOfMotif; one audit row per batch;
//  3. the demo accounts.
// Deterministic (fixed seed): the same database content on every machine.
import { loadDemoDdetsYear } from "./ddetsYear.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { toCsvLine } from "../db/bulkLoad.js";
import type { DatabaseHandle } from "../db/connection.js";
import { canObtainNewApproval, initialEndDate } from "../domain/approvals/approval.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { formatFrenchDate } from "../domain/calendar/isoDate.js";
import { checkCriteria } from "../domain/eligibility/criteria.js";
import { diagnosisExpiresAt, isDiagnosisValid } from "../domain/eligibility/diagnosis.js";
import { exitGroupOfMotif } from "../domain/exits/referential.js";
import { importAspList } from "../interchange/asp-lists/importAspList.js";
import { passNumberColumns, platformPassNumber } from "../operations/approvals.js";
import type { Actor } from "../db/audit.js";
import { recordAudit } from "../db/audit.js";
import { addSite } from "../operations/addSite.js";
import { createConvention } from "../operations/createConvention.js";
import { createFinancialAnnex, loadFinancers } from "../operations/createFinancialAnnex.js";
import { createPersonInput, type PersonRow, preparePersonRow } from "../operations/createPerson.js";
import { createStructure } from "../operations/createStructure.js";
import { createStructureGroup } from "../operations/createStructureGroup.js";
import { checkDeclarationLine } from "../operations/declareMonthlyHours.js";
import { checkContract } from "../operations/hire.js";
import { addFollowUpDemo } from "./followUp.js";
import { addSteeringDemo } from "./steering.js";
import { addControleDemo } from "./controle.js";
import { loadAnnualHoursRows, loadBaremeRows, loadCriteria, loadExitReferentialFromDb } from "../operations/referenceData.js";
import { type OperationDeps, parseInput } from "../operations/types.js";
import type { Db } from "../db/schema.js";
import { reserveIds } from "../db/reserveIds.js";
import { rollupTableNames, vacuumAfterBulkLoad } from "../db/rollups.js";
import type { PersonalDataCipher } from "../security/personalData.js";
import { bulkWithoutTriggers } from "../db/bulkWithoutTriggers.js";
import { type DemoActivity, type DemoKind, type DemoStructure, simulateActivity } from "./activity.js";
import {
  DECEMBER_STILL_ENTERING,
  DEMO_AS_OF,
  DEMO_ASP_DEPARTEMENT,
  DEMO_DEPARTEMENT,
  DEMO_SEED,
  LAST_YEAR,
  REAL_RECENT_STRUCTURES,
} from "./calibration.js";
import { createDemoAccounts, DEMO_ACCOUNTS, DEMO_EMAIL_DOMAIN, type DemoAccount, demoPassword } from "./demoAccounts.js";
import { fictitiousNir } from "./fictitiousNir.js";
import { assignCreationDates, readAspList2019Rows, SYNTHETIC_STRUCTURES, TRAJECTOIRE } from "./structures.js";

export const DEMO_ACTOR: Actor = { userId: null, label: "demo" };
export const DEMO_LIST_SOURCE = "asp-liste-2019-07";
export const DEMO_SYNTHETIC_SOURCE = "demo";

/** Tables written in bulk by writePeople (their foreign keys are checked after the load). */
export const BULK_TABLES = [
  "person",
  "eligibility_diagnosis",
  "eligibility_diagnosis_criterion",
  "approval",
  "contract",
  "monthly_declaration",
  "exit",
  "support_action",
  "support_action_barrier",
  "training",
] as const;

export interface DemoSummary {
  departement: string;
  structures: { total: number; real: number; synthetic: number; byKind: Record<string, number> };
  annexes: number;
  people: number;
  contracts: number;
  monthlyDeclarations: number;
  exits: number;
  supportActions: number;
  trainings: number;
  accounts: { email: string; role: string; description: string }[];
  password: string;
  durationMs: number;
}

export class DemoAlreadyLoadedError extends Error {
  constructor(structures: number) {
    super(
      `La base contient déjà ${structures} structure(s) : la démo n'est chargée que dans une base vide (ou avec --reset pour la recharger).`,
    );
    this.name = "DemoAlreadyLoadedError";
  }
}

export interface LoadDemoDeps {
  pii: PersonalDataCipher;
  log?: (s: string) => void;
  /** Called at each step with the share done (0–100) and the step's French label (npm start's progress page). */
  progress?: (percent: number, step: string) => void;
  reset?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads the demo when the database has no structure, or finishes an interrupted load (its partial rows are
 * removed first); returns null otherwise.
 */
export async function loadDemoIfEmpty(handle: DatabaseHandle, deps: LoadDemoDeps & { onStart?: () => void }): Promise<DemoSummary | null> {
  const interrupted = (await demoLoadState(handle.db)) === "loading";
  if (!interrupted && (await countStructures(handle.db)) > 0) return null;
  deps.onStart?.();
  return loadDemo(handle, { ...deps, reset: false });
}

/** State of the demo load recorded in the database: null when no load was ever started. */
export async function demoLoadState(db: Db): Promise<"loading" | "complete" | null> {
  const row = await db.selectFrom("demo_state").select("state").where("departement_code", "=", DEMO_DEPARTEMENT).executeTakeFirst();
  return row?.state ?? null;
}

async function countStructures(db: Db): Promise<number> {
  const r = await db
    .selectFrom("structure")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function loadDemo(handle: DatabaseHandle, deps: LoadDemoDeps): Promise<DemoSummary> {
  const t0 = Date.now();
  const log = deps.log ?? (() => {});
  // Each step is logged with the time elapsed since the start (per-phase timings by difference).
  const step = (percent: number, message: string) => {
    log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${message}`);
    deps.progress?.(percent, message);
  };
  // A load interrupted earlier (its 'loading' mark committed, never completed) is removed and done again.
  const interrupted = (await demoLoadState(handle.db)) === "loading";
  if (deps.reset === true || interrupted) {
    log(
      interrupted
        ? "Un chargement précédent de la démo a été interrompu : suppression de ses données partielles…"
        : "Suppression de la démo précédente…",
    );
    await handle.withTransaction(({ db }) => resetDemo(db));
  }
  const existing = await countStructures(handle.db);
  if (existing > 0) throw new DemoAlreadyLoadedError(existing);
  // Committed before the first demo write: a restart after a kill at any later point sees it.
  await handle.db
    .insertInto("demo_state")
    .values({ departement_code: DEMO_DEPARTEMENT, state: "loading", as_of: DEMO_AS_OF })
    .onConflict((oc) =>
      oc.column("departement_code").doUpdateSet({ state: "loading", as_of: DEMO_AS_OF, started_at: new Date(), completed_at: null }),
    )
    .execute();

  step(0, "Import des SIAE du Pas-de-Calais (liste ASP de juillet 2019)…");
  const { header, rows } = readAspList2019Rows(DEMO_ASP_DEPARTEMENT);
  const dir = mkdtempSync(path.join(tmpdir(), "passerelle-demo-"));
  const file = path.join(dir, "2019_07_liste_siae_062.csv");
  try {
    writeFileSync(file, `${[header, ...rows].join("\n")}\n`, "utf8");
    const report = await importAspList(handle, file, {
      actor: DEMO_ACTOR,
      source: DEMO_LIST_SOURCE,
      originalName: "2019_07_liste_siae.csv (062)",
    });
    if (report.rejected > 0)
      throw new Error(
        `liste ASP 062 : ${report.rejected} ligne(s) rejetée(s) : ${report.rejections.map((r) => `ligne ${r.line} ${r.column ?? ""} ${r.reason}`).join(" ; ")}`,
      );
    log(`  ${report.inserted} structures importées (${report.rowsRead} lignes lues).`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const password = demoPassword(deps.env);
  const summary = await handle.withTransaction(async ({ db, bulk }) => {
    const opDeps: OperationDeps = { clock: fixedClock(DEMO_AS_OF), pii: deps.pii, actor: DEMO_ACTOR };
    step(3, "Structures fictives, groupe Trajectoire…");
    const structures = await prepareStructures(db, opDeps, log);
    step(5, "Simulation de l'activité 2017–2019 (graine fixe)…");
    const refs = {
      bareme: await loadBaremeRows(db),
      annualHours: await loadAnnualHoursRows(db),
      financers: await loadFinancers(db),
      exits: await loadExitReferentialFromDb(db),
      communes: (
        await db.selectFrom("ref_commune").select("code").where("departement_code", "=", DEMO_DEPARTEMENT).orderBy("code").execute()
      ).map((r) => r.code),
      barriers: (await db.selectFrom("ref_barrier").select("code").orderBy("code").execute()).map((r) => r.code),
    };
    const activity = simulateActivity(structures.plan, refs, DEMO_SEED);
    log(`  ${activity.people.length} personnes, ${activity.people.reduce((a, p) => a + p.months.length, 0)} états mensuels.`);
    step(12, "Conventions et annexes financières…");
    const annexIds = await writeConventionsAndAnnexes(db, opDeps, structures.ids, structures.plan, activity);
    // Planner statistics right after the bulk writes: the checks, the rollup rebuild and the first
    // dashboards would otherwise be planned on empty-table estimates (PGlite has no autovacuum).
    const analyze = async (tables: readonly string[]) => {
      for (const table of tables) await sql`ANALYZE ${sql.table(table)}`.execute(db);
    };
    const { result: counts, skipped } = await bulkWithoutTriggers(
      db,
      BULK_TABLES,
      [...structures.ids.values()],
      () => writePeople(db, bulk, opDeps, structures.ids, annexIds, activity, refs, step),
      async () => {
        step(86, "Statistiques du planificateur…");
        await analyze(["structure", "convention", "financial_annex", ...BULK_TABLES]);
        step(88, "Contrôle des clés étrangères, calcul des agrégats…");
      },
    );
    if (skipped) log("  (écriture en masse sans déclencheurs, clés étrangères vérifiées ensuite, agrégats recalculés)");
    const aviee = structures.ids.get(`${TRAJECTOIRE.members[0].siret}|${TRAJECTOIRE.members[0].kind}`);
    if (aviee === undefined) throw new Error("AVIEE absente de la liste importée");
    await addSteeringDemo(db, DEMO_ACTOR, [aviee]);
    await addFollowUpDemo(db, DEMO_ACTOR, DEMO_AS_OF);
    step(96, "Comptes de démonstration…");
    const accounts = await createDemoAccounts(db, password);
    await loadDemoDdetsYear(db, opDeps, DEMO_DEPARTEMENT);
    step(98, "Campagne de contrôle a posteriori du premier semestre 2019…");
    await addControleDemo(db, opDeps, DEMO_ACTOR, DEMO_DEPARTEMENT, aviee);
    await db
      .updateTable("demo_state")
      .set({ state: "complete", completed_at: new Date() })
      .where("departement_code", "=", DEMO_DEPARTEMENT)
      .execute();
    await recordAudit(db, DEMO_ACTOR, {
      action: "demo.load",
      entity: "demo",
      entityId: DEMO_DEPARTEMENT,
      after: { seed: DEMO_SEED, ...counts, accounts: accounts.map((a) => a.email) },
    });
    if (!skipped) await analyze(["structure", "convention", "financial_annex", ...BULK_TABLES]);
    // Every rollup table (rebuilt above, or kept by the triggers).
    await analyze(await rollupTableNames(db));
    const byKind: Record<string, number> = {};
    for (const s of structures.plan) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
    return {
      departement: DEMO_DEPARTEMENT,
      structures: {
        total: structures.plan.length,
        real: structures.plan.length - SYNTHETIC_STRUCTURES.length,
        synthetic: SYNTHETIC_STRUCTURES.length,
        byKind,
      },
      annexes: annexIds.size,
      ...counts,
      accounts: accounts.map((a: DemoAccount) => ({ email: a.email, role: a.role, description: a.description })),
      password,
      durationMs: 0,
    };
  });
  await vacuumAfterBulkLoad(handle.db);
  summary.durationMs = Date.now() - t0;
  step(100, `Démo chargée en ${(summary.durationMs / 1000).toFixed(1)} s.`);
  return summary;
}

/** Deletes what the demo wrote: structures of the demo (list of July 2019 for 062 + synthetic), synthetic people, the group, demo accounts. */
export async function resetDemo(db: Db): Promise<void> {
  // The demo département's contrôle campaigns are about its structures only.
  await db.deleteFrom("controle_campaign").where("departement_code", "=", DEMO_DEPARTEMENT).execute();
  // People first: deleting a structure empties the author of the diagnoses it made, which a SIAE's own
  // diagnosis may not lack (eligibility_diagnosis CHECK).
  await db.deleteFrom("person").where("is_synthetic", "=", true).execute();
  await db.deleteFrom("structure_group").where("name", "=", TRAJECTOIRE.name).execute();
  await db
    .deleteFrom("structure")
    .where("departement_code", "=", DEMO_DEPARTEMENT)
    .where((eb) => eb.or([eb("source", "=", DEMO_LIST_SOURCE), eb("source", "=", DEMO_SYNTHETIC_SOURCE), eb("is_synthetic", "=", true)]))
    .execute();
  await db.deleteFrom("app_user").where("email", "like", `%@${DEMO_EMAIL_DOMAIN}`).execute();
  await db.deleteFrom("demo_state").where("departement_code", "=", DEMO_DEPARTEMENT).execute();
}

async function prepareStructures(
  db: Db,
  deps: OperationDeps,
  log: (s: string) => void,
): Promise<{ plan: DemoStructure[]; ids: Map<string, number> }> {
  const real = await db
    .selectFrom("structure")
    .select(["id", "kind", "siret", "postal_code", "commune_code"])
    .where("departement_code", "=", DEMO_DEPARTEMENT)
    .where("source", "=", DEMO_LIST_SOURCE)
    .orderBy("id")
    .execute();
  const refs = real.map((r) => ({
    key: `${r.siret}|${r.kind}`,
    kind: r.kind as DemoKind,
    siret: r.siret ?? "",
    postalCode: r.postal_code,
    communeCode: r.commune_code,
  }));
  const dates = assignCreationDates(refs, REAL_RECENT_STRUCTURES, DEMO_SEED);
  const ids = new Map<string, number>();
  const plan: DemoStructure[] = [];
  for (const [i, r] of real.entries()) {
    const ref = refs[i];
    if (!ref) continue;
    const createdOn = dates.get(ref.key) ?? "2010-01-01";
    await db.updateTable("structure").set({ created_on: createdOn }).where("id", "=", r.id).execute();
    ids.set(ref.key, r.id);
    plan.push({ key: ref.key, kind: ref.kind, createdOn, postalCode: ref.postalCode, communeCode: ref.communeCode });
  }
  log(`  ${SYNTHETIC_STRUCTURES.length} structures créées fin 2019 (fictives).`);
  for (const s of SYNTHETIC_STRUCTURES) {
    const created = await createStructure(db, deps, {
      kind: s.kind,
      name: s.name,
      siret: s.siret,
      communeCode: s.communeCode,
      postalCode: s.postalCode,
      createdOn: s.createdOn,
      isSynthetic: true,
      source: DEMO_SYNTHETIC_SOURCE,
    });
    const key = `${s.siret}|${s.kind}`;
    ids.set(key, created.id);
    plan.push({ key, kind: s.kind, createdOn: s.createdOn, postalCode: s.postalCode, communeCode: s.communeCode });
  }
  const memberIds = TRAJECTOIRE.members.map((m) => {
    const id = ids.get(`${m.siret}|${m.kind}`);
    if (id === undefined) throw new Error(`Trajectoire : ${m.name} (${m.kind}, SIRET ${m.siret}) absente de la liste importée`);
    return id;
  });
  const group = await createStructureGroup(db, deps, {
    name: TRAJECTOIRE.name,
    description: TRAJECTOIRE.description,
    structureIds: memberIds,
  });
  await addSite(db, deps, { groupId: group.id, ...TRAJECTOIRE.site });
  return { plan, ids };
}

async function writeConventionsAndAnnexes(
  db: Db,
  deps: OperationDeps,
  ids: ReadonlyMap<string, number>,
  plan: readonly DemoStructure[],
  activity: DemoActivity,
): Promise<Map<string, number>> {
  const conventions = new Map<string, number>();
  let order = 0;
  for (const s of plan) {
    const structureId = ids.get(s.key);
    if (structureId === undefined) continue;
    // Rule: conventions of 1 to 3 years — iae-reference §2.1; here 2016–2018 and 2019–2021.
    for (const [from, to] of [
      ["2016-01-01", "2018-12-31"],
      ["2019-01-01", "2021-12-31"],
    ] as const) {
      if (s.createdOn > to) continue;
      const startsOn = s.createdOn > from ? `${s.createdOn.slice(0, 7)}-01` : from;
      order++;
      const number = `${DEMO_ASP_DEPARTEMENT} ${formatFrenchDate(startsOn).replaceAll("/", "").slice(0, 4)}${startsOn.slice(2, 4)} ${s.kind} ${String(order).padStart(5, "0")}`;
      const c = await createConvention(db, deps, { structureId, number, startsOn, endsOn: to, signedOn: startsOn });
      conventions.set(`${s.key}|${from.slice(0, 4)}`, c.id);
    }
  }
  const annexIds = new Map<string, number>();
  for (const af of activity.afs) {
    const structureId = ids.get(af.structureKey);
    if (structureId === undefined) throw new Error(`structure inconnue ${af.structureKey}`);
    const conventionId = conventions.get(`${af.structureKey}|${af.year <= 2018 ? "2016" : "2019"}`);
    const created = await createFinancialAnnex(db, deps, {
      structureId,
      conventionId,
      startsOn: af.startsOn,
      endsOn: af.endsOn,
      etp: af.etp,
      funding: af.funding,
      // Rule: past years' annexes are closed (CLOTURE still counts for statistics) — iae-reference §2.1
      state: af.year < LAST_YEAR ? "CLOTURE" : "VALIDE",
      signedOn: af.startsOn,
    });
    annexIds.set(`${af.structureKey}|${af.year}`, created.id);
  }
  return annexIds;
}

interface Refs {
  exits: Awaited<ReturnType<typeof loadExitReferentialFromDb>>;
  barriers: readonly string[];
}

async function writePeople(
  db: Db,
  bulk: { copyCsv(table: string, columns: readonly string[], lines: Iterable<string>): Promise<number> },
  deps: OperationDeps,
  structureIds: ReadonlyMap<string, number>,
  annexIds: ReadonlyMap<string, number>,
  activity: DemoActivity,
  refs: Refs,
  step: (percent: number, message: string) => void,
): Promise<{ people: number; contracts: number; monthlyDeclarations: number; exits: number; supportActions: number; trainings: number }> {
  const people = activity.people;
  const sid = (key: string): number => {
    const id = structureIds.get(key);
    if (id === undefined) throw new Error(`structure inconnue ${key}`);
    return id;
  };
  step(20, "Salariés (NIR fictifs chiffrés)…");
  // People: NIR in the fictitious range (fictitiousNir.ts), validated/encrypted/hashed by preparePersonRow.
  const serials = new Map<string, number>();
  const personIds = await reserveIds(db, "person", people.length);
  const rows: PersonRow[] = people.map((p, i) => {
    const bucket = `${p.sex}${p.birthDate.slice(2, 7)}`;
    const serial = serials.get(bucket) ?? 0;
    serials.set(bucket, serial + 1);
    const nir = fictitiousNir(p.sex, p.birthDate, serial);
    const input = parseInput(createPersonInput, {
      nir,
      civility: p.sex === 2 ? "MME" : "M",
      lastName: p.lastName,
      firstName: p.firstName,
      birthDate: p.birthDate,
      communeCode: p.communeCode ?? undefined,
      departementCode: DEMO_DEPARTEMENT,
      educationLevelCode: p.educationLevel,
      isSynthetic: true,
    });
    return preparePersonRow(deps.pii, input, personIds[i] as number);
  });
  const personColumns = Object.keys(rows[0] ?? {}) as (keyof PersonRow)[];
  await bulk.copyCsv(
    "person",
    personColumns,
    rows.map((r) => toCsvLine(personColumns.map((c) => r[c]))),
  );
  const minPersonId = Math.min(...personIds);

  step(30, "Diagnostics d'éligibilité, PASS IAE…");
  // Eligibility diagnoses (authorised prescriber, criteria from the referential) — iae-reference §4.
  const criteriaRef = await loadCriteria(db);
  const diagLines: string[] = [];
  people.forEach((p, i) => {
    checkCriteria(criteriaRef, p.criteria, "PRESCRIBER", p.kind);
    const expires = diagnosisExpiresAt({ author: "PRESCRIBER", createdAt: p.diagnosisOn });
    diagLines.push(
      toCsvLine([
        personIds[i],
        "prescriber",
        p.orienteur === "01" ? "Mission locale" : p.orienteur === "02" ? "Cap emploi" : "Pôle emploi",
        p.diagnosisOn,
        expires,
      ]),
    );
  });
  await bulk.copyCsv("eligibility_diagnosis", ["person_id", "author_kind", "prescriber_organization", "made_on", "expires_on"], diagLines);
  const diagIds = new Map(
    (await db.selectFrom("eligibility_diagnosis").select(["id", "person_id"]).where("person_id", ">=", minPersonId).execute()).map((r) => [
      r.person_id,
      r.id,
    ]),
  );
  await bulk.copyCsv(
    "eligibility_diagnosis_criterion",
    ["diagnosis_id", "criterion_code"],
    people.flatMap((p, i) => p.criteria.map((c) => toCsvLine([diagIds.get(personIds[i] ?? 0), c]))),
  );

  // PASS IAE: numbers reserved from the platform sequence, stored encrypted + hashed — iae-reference §5.
  const reserved = await sql<{
    last: string;
  }>`select setval('pass_number_seq', nextval('pass_number_seq') + ${people.length - 1}) :: text as last`.execute(db);
  const firstNumber = Number(reserved.rows[0]?.last) - people.length + 1;
  const newApprovalIds = await reserveIds(db, "approval", people.length);
  const approvalLines = people.map((p, i) => {
    if (!isDiagnosisValid({ author: "PRESCRIBER", createdAt: p.diagnosisOn }, p.start))
      throw new Error(`diagnostic expiré à l'embauche (personne ${i})`);
    if (
      !canObtainNewApproval({ lastApprovalEnd: null, date: p.start, viaAuthorisedPrescriber: true, structureSubjectToIaeRules: true })
        .allowed
    )
      throw new Error("PASS refusé");
    const n = passNumberColumns(deps.pii, platformPassNumber(firstNumber + i), newApprovalIds[i] as number);
    return toCsvLine([
      newApprovalIds[i],
      personIds[i],
      n.number_encrypted,
      n.number_hash,
      n.number_last4,
      p.start,
      initialEndDate(p.start),
      diagIds.get(personIds[i] ?? 0),
      "default",
    ]);
  });
  await bulk.copyCsv(
    "approval",
    ["id", "person_id", "number_encrypted", "number_hash", "number_last4", "starts_on", "ends_on", "diagnosis_id", "origin"],
    approvalLines,
  );
  const approvalIds = new Map(
    (await db.selectFrom("approval").select(["id", "person_id"]).where("person_id", ">=", minPersonId).execute()).map((r) => [
      r.person_id,
      r.id,
    ]),
  );

  step(42, "Contrats…");
  // Contracts: initial ones, then renewals (recruitment chain) — iae-reference §1.4, §6.3.
  const contractColumns = [
    "person_id",
    "structure_id",
    "recruitment_id",
    "rank",
    "mesure_code",
    "contract_type",
    "starts_on",
    "planned_end_on",
    "exit_on",
    "weekly_hours",
    "rsa",
    "rqth",
    "aged_50_or_more",
    "orienteur_code",
    "education_level_code",
    "approval_id",
  ];
  const contractLine = (p: (typeof people)[number], i: number, rank: number, recruitmentId: number | null): string => {
    const c = p.contracts[rank];
    if (!c) throw new Error("contrat manquant");
    checkContract(
      p.kind,
      {
        contractType: c.type,
        startsOn: c.startsOn,
        plannedEndOn: c.plannedEndOn,
        weeklyHours: c.weeklyHours,
        derogation: "NONE",
        fragilePublic: false,
        courtSentenceAdjustment: false,
      },
      p.start,
      true,
    );
    const isLast = rank === p.contracts.length - 1;
    const age = Number(c.startsOn.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
    return toCsvLine([
      personIds[i],
      sid(p.structureKey),
      recruitmentId,
      rank,
      `${p.kind}_DC`,
      c.type,
      c.startsOn,
      c.plannedEndOn,
      isLast && p.exitMotif !== null ? p.end : null,
      c.weeklyHours,
      p.rsa,
      p.rqth,
      age >= 50,
      p.orienteur,
      p.educationLevel,
      approvalIds.get(personIds[i] ?? 0),
    ]);
  };
  await bulk.copyCsv(
    "contract",
    contractColumns,
    people.map((p, i) => contractLine(p, i, 0, null)),
  );
  const initialIds = new Map(
    (await db.selectFrom("contract").select(["id", "person_id"]).where("rank", "=", 0).where("person_id", ">=", minPersonId).execute()).map(
      (r) => [r.person_id, r.id],
    ),
  );
  await bulk.copyCsv(
    "contract",
    contractColumns,
    people.flatMap((p, i) => p.contracts.slice(1).map((_, k) => contractLine(p, i, k + 1, initialIds.get(personIds[i] ?? 0) ?? null))),
  );
  const contractIds = new Map<string, number>();
  for (const r of await db.selectFrom("contract").select(["id", "person_id", "rank"]).where("person_id", ">=", minPersonId).execute())
    contractIds.set(`${r.person_id}|${r.rank}`, r.id);

  step(52, "États mensuels (contrôlés un par un)…");
  // Monthly declarations, checked line by line like declareMonthlyHours does.
  const afPlans = new Map(activity.afs.map((a) => [`${a.structureKey}|${a.year}`, a]));
  const declLines: string[] = [];
  people.forEach((p, i) => {
    const personId = personIds[i] ?? 0;
    p.months.forEach((m, k) => {
      // The December hours these structures are still entering on the demo's as-of date (to-do of their home page).
      if (m.month === `${LAST_YEAR}-12-01` && DECEMBER_STILL_ENTERING.has(p.structureKey)) return;
      const af = afPlans.get(`${p.structureKey}|${m.afYear}`);
      const annexId = annexIds.get(`${p.structureKey}|${m.afYear}`);
      const contractId = contractIds.get(`${personId}|${m.contractIndex}`);
      const contract = p.contracts[m.contractIndex];
      if (!af || annexId === undefined || contractId === undefined || !contract) throw new Error("déclaration sans annexe ou contrat");
      const isLast = k === p.months.length - 1 && p.exitMotif !== null;
      const exitOn = m.contractIndex === p.contracts.length - 1 && p.exitMotif !== null ? p.end : null;
      const problem = checkDeclarationLine(
        { structureId: sid(p.structureKey), state: m.afYear < LAST_YEAR ? "CLOTURE" : "VALIDE", startsOn: af.startsOn, endsOn: af.endsOn },
        m.month,
        { id: contractId, structureId: sid(p.structureKey), startsOn: contract.startsOn, exitOn },
        { hours: m.hours.toFixed(2), exitMotifCode: isLast ? (p.exitMotif ?? undefined) : undefined },
        refs.exits,
      );
      if (problem !== null) throw new Error(`déclaration invalide (personne ${i}, ${m.month}) : ${problem}`);
      declLines.push(
        toCsvLine([annexId, contractId, personId, sid(p.structureKey), m.month, m.hours.toFixed(2), "VALIDE", isLast ? p.exitMotif : null]),
      );
    });
  });
  step(60, `${declLines.length} états mensuels vérifiés, écriture…`);
  await bulk.copyCsv(
    "monthly_declaration",
    ["annex_id", "contract_id", "person_id", "structure_id", "month", "hours", "state", "exit_motif_code"],
    declLines,
  );

  step(80, "Sorties, accompagnements, formations…");
  // Exits: one per recruitment, motif checked against the referential — iae-reference §6.2.
  const exitLines: string[] = [];
  people.forEach((p, i) => {
    if (p.exitMotif === null) return;
    exitGroupOfMotif(refs.exits, String(p.exitMotif));
    exitLines.push(toCsvLine([initialIds.get(personIds[i] ?? 0), personIds[i], sid(p.structureKey), p.end, p.exitMotif]));
  });
  await bulk.copyCsv("exit", ["recruitment_id", "person_id", "structure_id", "exit_on", "motif_code"], exitLines);

  // Support actions (with barriers from the referential) and trainings.
  const known = new Set(refs.barriers);
  const supportLines: string[] = [];
  people.forEach((p, i) => {
    if (!p.supportAction) return;
    for (const b of p.supportAction.barriers) if (!known.has(b)) throw new Error(`frein inconnu ${b}`);
    supportLines.push(
      toCsvLine([
        personIds[i],
        sid(p.structureKey),
        initialIds.get(personIds[i] ?? 0),
        p.supportAction.kind,
        p.supportAction.startsOn,
        p.supportAction.hours,
        true,
      ]),
    );
  });
  await bulk.copyCsv(
    "support_action",
    ["person_id", "structure_id", "contract_id", "kind", "starts_on", "hours", "internal"],
    supportLines,
  );
  const actionIds = new Map(
    (await db.selectFrom("support_action").select(["id", "person_id"]).where("person_id", ">=", minPersonId).execute()).map((r) => [
      r.person_id,
      r.id,
    ]),
  );
  await bulk.copyCsv(
    "support_action_barrier",
    ["action_id", "barrier_code"],
    people.flatMap((p, i) =>
      p.supportAction ? p.supportAction.barriers.map((b) => toCsvLine([actionIds.get(personIds[i] ?? 0), b])) : [],
    ),
  );
  const trainingLines = people.flatMap((p, i) =>
    p.training
      ? [
          toCsvLine([
            personIds[i],
            sid(p.structureKey),
            initialIds.get(personIds[i] ?? 0),
            p.training.title,
            p.training.qualifying,
            p.training.startsOn,
            p.training.endsOn,
            p.training.hours,
          ]),
        ]
      : [],
  );
  await bulk.copyCsv(
    "training",
    ["person_id", "structure_id", "contract_id", "title", "qualifying", "starts_on", "ends_on", "hours"],
    trainingLines,
  );

  const counts = {
    people: people.length,
    contracts: contractIds.size,
    monthlyDeclarations: declLines.length,
    exits: exitLines.length,
    supportActions: supportLines.length,
    trainings: trainingLines.length,
  };
  for (const [entity, n] of Object.entries(counts))
    await recordAudit(db, deps.actor, { action: "demo.bulk_create", entity, after: { rows: n, seed: DEMO_SEED } });
  return counts;
}

export { DEMO_ACCOUNTS };
