// A small dataset built through the write operations (as a user would), for the export tests:
// one ACI in Bruay-la-Buissière with a convention and a current AF (an older version historised),
// one AI whose only AF has ended, one salarié (fictitious NIR) with a diagnosis, a PASS IAE, a CDDI,
// its renewal, two months of hours and an exit.
import { cipherCells } from "../../src/security/personalData.js";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { fictitiousNir } from "../../src/demo/fictitiousNir.js";
import { createConvention } from "../../src/operations/createConvention.js";
import { createEligibilityDiagnosis } from "../../src/operations/createEligibilityDiagnosis.js";
import { createFinancialAnnex } from "../../src/operations/createFinancialAnnex.js";
import { createPerson } from "../../src/operations/createPerson.js";
import { createStructure } from "../../src/operations/createStructure.js";
import { declareMonthlyHours } from "../../src/operations/declareMonthlyHours.js";
import { hire } from "../../src/operations/hire.js";
import { issueApproval } from "../../src/operations/issueApproval.js";
import { recordExit } from "../../src/operations/recordExit.js";
import type { OperationDeps } from "../../src/operations/types.js";
import type { Db } from "../../src/db/schema.js";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { testCipher } from "../../src/security/personalData.js";

export const pii = testCipher();
export const deps: OperationDeps = { clock: fixedClock("2022-03-15"), pii, actor: { userId: null, label: "test" } };
export const NIR = fictitiousNir(2, "1985-06-12", 42);

export interface Dataset {
  aci: number;
  ai: number;
  annex: number;
  person: number;
  approval: number;
  contract: number;
  renewal: number;
  passNumber: string;
}

export async function buildDataset(handle: DatabaseHandle): Promise<Dataset> {
  const run = <T>(fn: (db: Db) => Promise<T>): Promise<T> => handle.withTransaction(({ db }) => fn(db));
  const aci = (
    await run((db) =>
      createStructure(db, deps, {
        kind: "ACI",
        name: "Chantier | Bruaysien",
        siret: "41071771400035",
        communeCode: "62178",
        postalCode: "62700",
        addressLine: "12 rue des Lilas",
      }),
    )
  ).id;
  const ai = (
    await run((db) => createStructure(db, deps, { kind: "AI", name: "AI Artois", siret: "41071771400035", departementCode: "62" }))
  ).id;
  const conv = await run((db) =>
    createConvention(db, deps, { structureId: aci, number: "062 010122 ACI 00001", startsOn: "2022-01-01", endsOn: "2024-12-31" }),
  );
  await run((db) =>
    createFinancialAnnex(db, deps, {
      structureId: aci,
      conventionId: conv.id,
      numberPrefix: "ACI062220001",
      startsOn: "2022-01-01",
      endsOn: "2022-12-31",
      etp: "10.5",
    }),
  );
  const annex = (
    await run((db) =>
      createFinancialAnnex(db, deps, {
        structureId: aci,
        numberPrefix: "ACI062220001",
        startsOn: "2022-01-01",
        endsOn: "2022-12-31",
        etp: "12.25",
      }),
    )
  ).id;
  await run((db) => createFinancialAnnex(db, deps, { structureId: ai, startsOn: "2021-01-01", endsOn: "2021-12-31", etp: "3" }));
  const person = (
    await run((db) =>
      createPerson(db, deps, {
        nir: NIR,
        civility: "MME",
        lastName: "Lefèvre-Dupont",
        firstName: "Zoé",
        birthDate: "1985-06-12",
        birthCountryCode: "100",
        communeCode: "62178",
        postalCode: "62700",
        addressLine: "3 bis avenue de la Gare",
      }),
    )
  ).id;
  const d = await run((db) =>
    createEligibilityDiagnosis(db, deps, {
      personId: person,
      author: "prescriber",
      prescriberOrganization: "France Travail Bruay",
      kind: "ACI",
      madeOn: "2022-01-10",
    }),
  );
  const a = await run((db) => issueApproval(db, deps, { personId: person, diagnosisId: d.id, startsOn: "2022-02-01" }));
  const contract = (
    await run((db) =>
      hire(db, deps, {
        personId: person,
        structureId: aci,
        approvalId: a.id,
        contractType: "CDDI",
        startsOn: "2022-02-01",
        plannedEndOn: "2022-07-31",
        weeklyHours: 26.5,
        rsa: "OUI-NM",
        orienteurCode: "03",
        educationLevelCode: "50",
        monthlyGrossPay: "1234.56",
      }),
    )
  ).id;
  const renewal = (
    await run((db) =>
      hire(db, deps, {
        personId: person,
        structureId: aci,
        approvalId: a.id,
        renewalOf: contract,
        contractType: "CDDI",
        startsOn: "2022-08-01",
        plannedEndOn: "2022-12-31",
        weeklyHours: 26,
      }),
    )
  ).id;
  await run((db) =>
    declareMonthlyHours(db, deps, {
      annexId: annex,
      month: "2022-02",
      lines: [{ contractId: contract, hours: "110.5", grossPay: "1234.56" }],
    }),
  );
  await run((db) => declareMonthlyHours(db, deps, { annexId: annex, month: "2022-03", lines: [{ contractId: contract, hours: 112 }] }));
  await run((db) => recordExit(db, deps, { contractId: renewal, exitOn: "2022-11-30", motifCode: 3 }));
  const stored = await handle.db.selectFrom("approval").select("number_encrypted").where("id", "=", a.id).executeTakeFirstOrThrow();
  return {
    aci,
    ai,
    annex,
    person,
    approval: a.id,
    contract,
    renewal,
    passNumber: pii.decrypt(stored.number_encrypted ?? "", cipherCells.approvalNumber(a.id)),
  };
}

/** Minimal FluxIAE reader for the tests (DEB, header, rows, FIN<n>), independent of the writer. */
export function readFluxiae(text: string): { deb: string; header: string[]; rows: Record<string, string>[]; fin: number | null } {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const deb = lines[0] ?? "";
  const header = (lines[1] ?? "").split("|");
  const last = lines[lines.length - 1] ?? "";
  const finMatch = /^FIN(\d+)\|*$/.exec(last);
  const body = lines.slice(2, finMatch ? -1 : undefined);
  const rows = body.map((l) => {
    const cells = l.split("|");
    if (cells.length !== header.length) throw new Error(`ligne à ${cells.length} champs au lieu de ${header.length} : ${l}`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
  return { deb, header, rows, fin: finMatch ? Number(finMatch[1]) : null };
}
