import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importAspList } from "../../src/interchange/asp-lists/importAspList.js";
import { ImportInputError } from "../../src/interchange/importReport.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";

const JULY_2019 = path.resolve("data/reference/les-emplois/siae_lists/2019_07_liste_siae.csv");

describe("importAspList — the real July 2019 ASP list", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("imports 3,823 distinct (SIRET, kind) structures and reports the 109 duplicate rows", async () => {
    const report = await importAspList(t.handle, JULY_2019);
    expect(report.format).toBe("asp-liste-siae");
    expect(report.rowsRead).toBe(3932);
    expect(report.inserted).toBe(3823);
    expect(report.rejected).toBe(0);
    const duplicates = report.warnings.filter((w) => w.reason.startsWith("doublon"));
    expect(duplicates).toHaveLength(109);
    expect(duplicates[0]).toMatchObject({ file: "2019_07_liste_siae.csv", column: "SIRET" });
    expect(typeof duplicates[0]?.line).toBe("number");

    const { count } = await t.handle.db
      .selectFrom("structure")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(3823);

    const pdc = await t.handle.db
      .selectFrom("structure")
      .select(["kind", (eb) => eb.fn.countAll<number>().as("n")])
      .where("departement_code", "=", "62")
      .groupBy("kind")
      .execute();
    expect(Object.fromEntries(pdc.map((r) => [r.kind, Number(r.n)]))).toEqual({ ACI: 50, AI: 27, EI: 32, ETTI: 8 });

    const nord = await t.handle.db
      .selectFrom("structure")
      .select(["departement_asp_code", (eb) => eb.fn.countAll<number>().as("n")])
      .where("departement_code", "=", "59")
      .groupBy("departement_asp_code")
      .execute();
    const codes = Object.fromEntries(nord.map((r) => [r.departement_asp_code, Number(r.n)]));
    expect(codes["59L"]).toBeGreaterThan(0);
    expect(codes["59V"]).toBeGreaterThan(0);

    const source = await t.handle.db.selectFrom("structure").select("source").distinct().execute();
    expect(source.map((s) => s.source)).toEqual(["asp-liste-2019-07"]);

    const withCommune = await t.handle.db
      .selectFrom("structure")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("commune_code", "is not", null)
      .executeTakeFirstOrThrow();
    expect(Number(withCommune.n)).toBeGreaterThan(3000);

    const run = await t.handle.db
      .selectFrom("import_run")
      .selectAll()
      .where("id", "=", report.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: "succeeded", rows_read: 3932, inserted: 3823, format: "asp-liste-siae" });
    expect(run.checksum).toMatch(/^[0-9a-f]{64}$/);
    const stored = await t.handle.db
      .selectFrom("import_rejection")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("import_run_id", "=", run.id)
      .where("severity", "=", "warning")
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(report.warnings.length);
  });

  it("is idempotent: a second run inserts and updates nothing", async () => {
    const report = await importAspList(t.handle, JULY_2019);
    expect(report).toMatchObject({ inserted: 0, updated: 0, unchanged: 3823, rejected: 0 });
  });
});

describe("importAspList — quirks", () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "passerelle-asp-list-"));
  });
  afterAll(async () => {
    await t?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const count = async () =>
    Number(
      (
        await t.handle.db
          .selectFrom("structure")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("reads other headers (accents, case, spaces, synonyms), a BOM, Windows-1252, SIRETs with spaces", async () => {
    const text =
      "Type de structure,N° SIRET,Raison sociale,Département,Code Postal,Ville,Téléphone\r\n" +
      "ACI_DC,410 717 714 00035,Chantier Étoile,062,62300,Lens,03 21 00 00 00\r\n" +
      "ei,41071771400035,Chantier Étoile EI,62,62300,LENS,\r\n" +
      'AI,"732 829 320 00074","Services, et plus",2A,20000,AJACCIO,\r\n';
    const file = write("liste-cp1252.csv", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(text, "win1252")]));
    // BOM + cp1252 bytes is not valid UTF-8 after the BOM: the decoder must still read the accents.
    const report = await importAspList(t.handle, file);
    expect(report.rejections).toEqual([]);
    expect(report.inserted).toBe(3);
    const rows = await t.handle.db.selectFrom("structure").selectAll().orderBy("kind").execute();
    expect(rows.map((r) => [r.kind, r.siret, r.departement_code, r.departement_asp_code])).toEqual([
      ["ACI", "41071771400035", "62", "062"],
      ["AI", "73282932000074", "2A", "02A"],
      ["EI", "41071771400035", "62", "062"],
    ]);
    expect(rows[0]?.name).toBe("Chantier Étoile");
    expect(rows[0]?.commune_code).toBe("62498");
    expect(rows[1]?.name).toBe("Services, et plus");
  });

  it("reports bad rows with file, line and column and keeps the others; postcode outside the département is kept with a warning", async () => {
    const before = await count();
    const file = write(
      "liste-erreurs.csv",
      "MESURE;CODE_DEPARTEMENT;CODE_POSTAL;COMMUNE;SIRET;DENOMINATION_SOCIALE\n" +
        "ACI;062;59000;LILLE;55208131766522;Bonne ligne hors département\n" +
        "FOO;062;62000;ARRAS;55208131766522;Type inconnu\n" +
        "ACI;062;62000;ARRAS;55208131766523;Mauvais SIRET\n" +
        "ACI;0XX;62000;ARRAS;55208131766522;Département inconnu\n",
    );
    const report = await importAspList(t.handle, file);
    expect(report.inserted).toBe(1);
    expect(report.rejected).toBe(3);
    expect(report.rejections).toEqual([
      expect.objectContaining({ file: "liste-erreurs.csv", line: 3, column: "MESURE" }),
      expect.objectContaining({ file: "liste-erreurs.csv", line: 4, column: "SIRET" }),
      expect.objectContaining({ file: "liste-erreurs.csv", line: 5, column: "CODE_DEPARTEMENT" }),
    ]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ line: 2, column: "CODE_POSTAL", reason: expect.stringContaining("n'est pas dans le département 62") }),
    ]);
    expect(await count()).toBe(before + 1);
  });

  it("stops before writing when required columns are missing, listing what is missing and what was found", async () => {
    const before = await count();
    const file = write("liste-incomplete.csv", "MESURE;CODE_POSTAL;NOM\nACI;62000;X\n");
    const error = await importAspList(t.handle, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInputError);
    const message = (error as Error).message;
    expect(message).toContain("SIRET");
    expect(message).toContain("code département");
    expect(message).toContain("« CODE_POSTAL »");
    expect(await count()).toBe(before);
  });

  it("dry run reports the same counts and writes no structure", async () => {
    const before = await count();
    const file = write("liste-dry.csv", "MESURE;CODE_DEPARTEMENT;SIRET;DENOMINATION_SOCIALE\nETTI;59L;35600000000001;La Poste\n");
    const report = await importAspList(t.handle, file, { dryRun: true });
    expect(report).toMatchObject({ inserted: 1, dryRun: true });
    expect(await count()).toBe(before);
    const run = await t.handle.db
      .selectFrom("import_run")
      .select("status")
      .where("id", "=", report.importRunId ?? -1)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe("dry_run");
    const real = await importAspList(t.handle, file);
    expect(real.inserted).toBe(1);
    const row = await t.handle.db.selectFrom("structure").selectAll().where("siret", "=", "35600000000001").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ departement_code: "59", departement_asp_code: "59L", kind: "ETTI" });
  });
});
