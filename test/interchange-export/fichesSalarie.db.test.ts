import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { completeFicheSalarie } from "../../src/interchange/fiche-salarie/completeFicheSalarie.js";
import { exportFichesSalarie } from "../../src/interchange/fiche-salarie/exportFichesSalarie.js";
import { importFicheSalarieReturn } from "../../src/interchange/fiche-salarie/importReturnFile.js";
import { ImportInputError } from "../../src/interchange/importReport.js";
import { prolongApproval } from "../../src/operations/prolongApproval.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildDataset, type Dataset, deps, NIR, pii } from "./dataset.js";
import { COMPLETE_FICHE_FIELDS } from "../support/ficheSalarie.js";

let t: TestDatabase;
let data: Dataset;
let dir: string;
const actor = { userId: null, label: "test" };
const now = new Date("2022-03-15T09:20:30Z");
const SAMPLE = new URL("../fixtures/external/fiche_salarie/sample_asp_feedback_file.json", import.meta.url);

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-fiches-"));
});
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fiches = () =>
  sql<{
    status: string;
    last_movement: string;
    return_code: string | null;
    pass_ends_on: string;
  }>`SELECT status, last_movement, return_code, pass_ends_on FROM fiche_salarie`
    .execute(t.handle.db)
    .then((r) => r.rows);

describe("fiches salarié → ASP: pre-send validation, batches, return files, C/M movements", () => {
  it("lists every missing field of the salarié and sends nothing while the fiche is incomplete", async () => {
    const r = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now });
    expect(r.sent).toBe(0);
    expect(r.files).toEqual([]);
    expect(r.invalid).toHaveLength(1);
    const invalid = r.invalid[0];
    expect(invalid?.salarie).toBe("Lefèvre-Dupont Zoé");
    expect(invalid?.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining([
        "personnePhysique.codeComInsee",
        "situationSalarie.salarieEnEmploi",
        "situationSalarie.inscritPoleEmploi",
        "situationSalarie.salarieBenefRSADepuis",
      ]),
    );
    expect(JSON.stringify(r)).not.toContain(NIR);
    expect(readdirSync(dir)).toEqual([]);
    expect(await fiches()).toEqual([]);
  });

  it("once completed: one RIAE_FS_ batch with a creation line (NIR and PASS in clear for the ASP), recorded as sent and audited", async () => {
    await t.handle.withTransaction(({ db }) =>
      completeFicheSalarie(db, deps, {
        contractId: data.contract,
        fields: { ...COMPLETE_FICHE_FIELDS },
      }),
    );
    const dry = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now, dryRun: true });
    expect(dry).toMatchObject({ sent: 1, creations: 1, dryRun: true });
    expect(readdirSync(dir)).toEqual([]);
    const r = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now });
    expect(r).toMatchObject({ sent: 1, creations: 1, modifications: 0, invalid: [] });
    expect(readdirSync(dir)).toEqual(["RIAE_FS_20220315102030.json"]);
    const batch = JSON.parse(readFileSync(path.join(dir, "RIAE_FS_20220315102030.json"), "utf8"));
    expect(batch).toMatchObject({ msgInformatif: null, telId: null });
    expect(batch.lignesTelechargement).toHaveLength(1);
    expect(batch.lignesTelechargement[0]).toMatchObject({
      numLigne: 1,
      typeMouvement: "C",
      siret: "41071771400035",
      mesure: "ACI_DC",
      numeroAnnexe: "ACI062220001A0M1",
      personnePhysique: {
        passIae: data.passNumber,
        salarieNIR: NIR,
        nomUsage: "LEFEVRE-DUPONT",
        prenom: "ZOE",
        codeComInsee: { codeComInsee: "62178", codeDpt: "062" },
        passDateDeb: "01/02/2022",
        passDateFin: "31/01/2024",
      },
      adresse: { adrNumeroVoie: "3", codeextensionvoie: "B", codetypevoie: "AV", adrLibelleVoie: "DE LA GARE" },
      situationSalarie: { orienteur: "03", niveauFormation: "50", salarieBenefRSA: "OUI-NM" },
      codeTraitement: null,
    });
    expect(batch.lignesTelechargement[0].personnePhysique.idItou).toMatch(/^[0-9a-f]{30}$/);
    expect(await fiches()).toEqual([{ status: "SENT", last_movement: "C", return_code: null, pass_ends_on: "2024-01-31" }]);
    const audit = await t.handle.db.selectFrom("audit_event").select(["after"]).where("action", "=", "fiche_salarie.send").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(NIR);
    // Waiting for the return file: nothing more to send.
    const again = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now });
    expect(again).toMatchObject({ sent: 0, awaitingReturn: 1 });
  });

  it("ingests the ASP return file: code and label recorded against the salarié; re-ingest changes nothing", async () => {
    const sent = JSON.parse(readFileSync(path.join(dir, "RIAE_FS_20220315102030.json"), "utf8"));
    sent.lignesTelechargement[0].codeTraitement = "0000";
    sent.lignesTelechargement[0].libelleTraitement = "La ligne de la fiche salarié a été enregistrée avec succès.";
    const retour = path.join(dir, "RIAE_FS_20220315102030_FichierRetour.json");
    writeFileSync(retour, JSON.stringify(sent, null, 4));
    const report = await importFicheSalarieReturn(t.handle, retour, { pii, actor });
    expect(report).toMatchObject({ format: "fiche-salarie-retour", rowsRead: 1, updated: 1, rejected: 0 });
    expect(await fiches()).toEqual([{ status: "PROCESSED", last_movement: "C", return_code: "0000", pass_ends_on: "2024-01-31" }]);
    const line = await sql<{ return_code: string; return_label: string }>`SELECT return_code, return_label FROM fiche_salarie_line`.execute(
      t.handle.db,
    );
    expect(line.rows[0]).toEqual({ return_code: "0000", return_label: "La ligne de la fiche salarié a été enregistrée avec succès." });
    const second = await importFicheSalarieReturn(t.handle, retour, { pii, actor });
    expect(second).toMatchObject({ rowsRead: 1, updated: 0, unchanged: 1 });
    const upToDate = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now });
    expect(upToDate).toMatchObject({ sent: 0, upToDate: 1 });
  });

  it("a prolongation changes the PASS end date: a modification (M) line is sent; a rejection (code ≠ 0000) marks the fiche to resend", async () => {
    await t.handle.withTransaction(({ db }) =>
      prolongApproval(
        db,
        { ...deps, clock: fixedClock("2023-12-01") },
        { approvalId: data.approval, reason: "COMPLETE_TRAINING", days: 60, requestedOn: "2023-12-01", kind: "ACI" },
      ),
    );
    const r = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now });
    expect(r).toMatchObject({ sent: 1, creations: 0, modifications: 1 });
    const file = r.files[0]?.file ?? "";
    expect(path.basename(file)).toBe("RIAE_FS_20220315102031.json");
    const batch = JSON.parse(readFileSync(file, "utf8"));
    expect(batch.lignesTelechargement[0]).toMatchObject({ typeMouvement: "M", personnePhysique: { passDateFin: "31/03/2024" } });
    batch.lignesTelechargement[0].codeTraitement = "3437";
    batch.lignesTelechargement[0].libelleTraitement = "Identifiant unique différent";
    const retour = path.join(dir, "RIAE_FS_20220315102031_FichierRetour.json");
    writeFileSync(retour, JSON.stringify(batch));
    await importFicheSalarieReturn(t.handle, retour, { pii, actor });
    expect(await fiches()).toEqual([{ status: "REJECTED", last_movement: "M", return_code: "3437", pass_ends_on: "2024-03-31" }]);
    const resend = await exportFichesSalarie(t.handle, { structureId: data.aci, outDir: dir, pii, actor, now, dryRun: true });
    expect(resend).toMatchObject({ sent: 1, modifications: 1 });
  });

  it("the real ASP sample return file is read; lines Passerelle never sent are reported with file, line and reason, nothing written", async () => {
    const before = await fiches();
    const sample = path.join(dir, "sample_asp_feedback_file.json");
    writeFileSync(sample, readFileSync(SAMPLE));
    const report = await importFicheSalarieReturn(t.handle, sample, { pii, actor });
    expect(report).toMatchObject({ rowsRead: 10, updated: 0, rejected: 10 });
    expect(report.rejections[0]).toMatchObject({
      file: "sample_asp_feedback_file.json",
      line: expect.any(Number),
      column: "lignesTelechargement[0]",
    });
    expect(report.rejections[0]?.reason).toMatch(/inconnue de Passerelle/);
    expect(await fiches()).toEqual(before);
  });

  it("malformed return files: clear error, nothing written", async () => {
    const bad = path.join(dir, "RIAE_FS_20220315102099_FichierRetour.json");
    writeFileSync(bad, '{"lignesTelechargement": [{"numLigne": 1, "codeTraitement": "OK"}]}');
    await expect(importFicheSalarieReturn(t.handle, bad, { pii, actor })).rejects.toThrow(ImportInputError);
    writeFileSync(bad, "{ pas du json");
    await expect(importFicheSalarieReturn(t.handle, bad, { pii, actor })).rejects.toThrow(/JSON illisible/);
    expect(existsSync(bad)).toBe(true);
  });
});
