// The dialogue de gestion sheet and the part modulée on the Pas-de-Calais demo: the sheet's figures are the
// indicators' (the same code as `passerelle indicators --scope structure:<id>`) for every demo structure in 2019;
// modulation percentages stay within 0–10 % (5 % in prisons) and differ as results differ; a decision writes
// the modulated amount on the AF, which the budget indicators then show.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testDb.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { loadDemo } from "../demo/loadDemo.js";
import { computeIndicators } from "../indicators/computeIndicators.js";
import { decideStructureModulation, saveModulationGrid } from "../operations/modulation.js";
import { saveDialogueSheet } from "../operations/dialogueSheet.js";
import { OperationInputError, type OperationDeps } from "../operations/types.js";
import { testCipher } from "../security/personalData.js";
import { computeDialogue, quartiles } from "./dialogue.js";
import { computeDepartementModulation } from "./modulation.js";
import { computeCdiaePack } from "./cdiae.js";
import { cdiaeDocument, dialogueDocument, renderFinancingPdf, renderFinancingXlsx } from "../reports/financingDocuments.js";
import { DEFAULT_GRID } from "../domain/financing/modulationGrid.js";

let t: TestDatabase;
const deps: OperationDeps = { clock: fixedClock("2020-01-15"), pii: testCipher(), actor: { userId: null, label: "ddets-test" } };

beforeAll(async () => {
  t = await createTestDatabase();
  await loadDemo(t.handle, { pii: deps.pii, env: {}, log: () => {} });
}, 600_000);
afterAll(async () => {
  await t?.destroy();
});

describe("dialogue de gestion on the demo (2019)", () => {
  it("gives, for every demo structure, the figures of indicators --scope structure:<id>", async () => {
    const { rows } = await sql<{ id: number }>`SELECT id FROM structure WHERE departement_code = '62' ORDER BY id`.execute(t.handle.db);
    expect(rows.length).toBeGreaterThan(100);
    const started = Date.now();
    const peers = new Map();
    for (const { id } of rows) {
      const sheet = await computeDialogue(t.handle.db, Number(id), 2019, peers);
      const ind = await computeIndicators(t.handle.db, {
        scope: `structure:${id}`,
        from: "2019-01-01",
        to: "2019-12-31",
        withPrevious: false,
      });
      expect({ etp: sheet.etp.conventionnes, real: sheet.etp.realises, taux: sheet.etp.tauxRealisation }).toEqual({
        etp: ind.etp.conventionnes,
        real: ind.etp.realises,
        taux: ind.etp.tauxRealisation,
      });
      expect({
        examined: sheet.exits.examined,
        byCategory: sheet.exits.byCategory,
        dynamicRate: sheet.exits.dynamicRate,
        durableRate: sheet.exits.durableRate,
      }).toEqual({
        examined: ind.exits.examined,
        byCategory: ind.exits.byCategory,
        dynamicRate: ind.exits.dynamicRate,
        durableRate: ind.exits.durableRate,
      });
      expect([sheet.people.entered, sheet.people.present]).toEqual([ind.people.entered, ind.people.present]);
      const p = Number(sheet.modulation.proposedPercent);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(sheet.structure.penitentiary ? 5 : 10);
    }
    process.stderr.write(`dialogue for ${rows.length} structures in ${Date.now() - started} ms\n`);
  }, 600_000);

  it("shows AVIEE's sheet: months, peers, three years, people served (saying what is missing), national targets", async () => {
    const { id } = await t.handle.db.selectFrom("structure").select("id").where("name", "=", "AVIEE").executeTakeFirstOrThrow();
    const sheet = await computeDialogue(t.handle.db, id, 2019);
    expect(sheet.etp.byMonth).toHaveLength(12);
    expect(sheet.history.map((h) => h.year)).toEqual([2019, 2018, 2017]);
    expect(sheet.peers.kind).toBe("ACI");
    expect(sheet.peers.count).toBeGreaterThan(20);
    expect(sheet.peers.dynamicRate.q1).not.toBeNull();
    expect(sheet.peers.dynamicRate.q1 as number).toBeLessThanOrEqual(sheet.peers.dynamicRate.median as number);
    expect(sheet.public.entered).toBeGreaterThan(0);
    expect(sheet.public.rsa.share).not.toBeNull();
    expect(Array.isArray(sheet.public.missing)).toBe(true);
    expect(sheet.nationalTargets).toEqual({ dynamicRate: 0.6, durableRate: 0.25 });
    expect(sheet.modulation.criteria.map((c) => c.family)).toEqual(expect.arrayContaining(["public", "actions", "results"]));
    await t.handle.withTransaction(({ db }) =>
      saveDialogueSheet(db, deps, { structureId: id, year: 2019, conclusions: "Objectifs atteints.", nextObjectives: { etp: "12" } }),
    );
    expect((await computeDialogue(t.handle.db, id, 2019)).agent).toMatchObject({
      conclusions: "Objectifs atteints.",
      nextObjectives: { etp: "12" },
    });
  });

  it("computes quartiles like percentile_cont", () => {
    expect(quartiles([4, 1, 3, 2, null])).toEqual({ n: 4, q1: 1.75, median: 2.5, q3: 3.25 });
    expect(quartiles([])).toEqual({ n: 0, q1: null, median: null, q3: null });
  });
});

describe("part modulée of the Pas-de-Calais (2019)", () => {
  it("proposes percentages within 0–10 % (5 % in prisons) that differ between structures as their results differ", async () => {
    const m = await computeDepartementModulation(t.handle.db, "62", 2019);
    expect(m.structures.length).toBeGreaterThan(100);
    for (const s of m.structures) {
      expect(Number(s.proposedPercent)).toBeGreaterThanOrEqual(0);
      expect(Number(s.proposedPercent)).toBeLessThanOrEqual(s.penitentiary ? 5 : 10);
    }
    const distinct = new Set(m.structures.map((s) => s.proposedPercent));
    expect(distinct.size).toBeGreaterThan(3);
    // Better exit results never give fewer points on the results family.
    const resultsPoints = (s: (typeof m.structures)[number]) =>
      s.criteria.filter((c) => c.family === "results").reduce((a, c) => a + Number(c.contribution), 0);
    const withRates = m.structures.filter((s) => s.criteria.find((c) => c.measure === "dynamicRate")?.value != null);
    const sorted = [...withRates].sort(
      (a, b) =>
        (a.criteria.find((c) => c.measure === "dynamicRate")?.value as number) -
        (b.criteria.find((c) => c.measure === "dynamicRate")?.value as number),
    );
    expect(resultsPoints(sorted[0] as (typeof m.structures)[number])).toBeLessThanOrEqual(
      resultsPoints(sorted.at(-1) as (typeof m.structures)[number]),
    );
  }, 300_000);

  it("decides a percentage: amount to the cent on the AF, shown in the budget indicators; an override needs a reason", async () => {
    const { id } = await t.handle.db.selectFrom("structure").select("id").where("name", "=", "AVIEE").executeTakeFirstOrThrow();
    const before = await computeIndicators(t.handle.db, {
      scope: `structure:${id}`,
      from: "2019-01-01",
      to: "2019-12-31",
      withPrevious: false,
    });
    const sheet = await computeDialogue(t.handle.db, id, 2019);
    const other = Number(sheet.modulation.proposedPercent) >= 5 ? "1" : "6";
    await expect(
      t.handle.withTransaction(({ db }) => decideStructureModulation(db, deps, { structureId: id, year: 2019, decidedPercent: other })),
    ).rejects.toBeInstanceOf(OperationInputError);
    const d = await t.handle.withTransaction(({ db }) =>
      decideStructureModulation(db, deps, { structureId: id, year: 2019, decidedPercent: other, reason: "Bilan qualitatif" }),
    );
    expect(d.decidedPercent).toBe(`${other}.00`);
    const after = await computeIndicators(t.handle.db, {
      scope: `structure:${id}`,
      from: "2019-01-01",
      to: "2019-12-31",
      withPrevious: false,
    });
    const afs = await sql<{ total_amount: string }>`SELECT total_amount FROM counting_annex WHERE structure_id = ${id}
      AND starts_on <= '2019-12-31' AND ends_on >= '2019-01-01'`.execute(t.handle.db);
    const expected = afs.rows.reduce((a, r) => a + Math.round(Number(r.total_amount) * Number(other)) / 100, 0);
    expect(Number(d.amount)).toBeCloseTo(expected, 2);
    // the demo decided AVIEE's 2019 part at the grid's percentage; the new decision replaces it in the budget
    expect(after.budget.modulated).not.toBe(before.budget.modulated);
    expect(after.budget.modulated).toBeCloseTo(Number(d.amount), 2);
    const m = await computeDepartementModulation(t.handle.db, "62", 2019);
    expect(m.structures.find((s) => s.structureId === id)).toMatchObject({ decidedPercent: `${other}.00`, amount: d.amount });
  }, 300_000);

  it("versions an edited grid and uses it", async () => {
    const heavier = DEFAULT_GRID.map((c) => (c.family === "results" ? { ...c, weight: c.weight } : { ...c, weight: c.weight / 2 }));
    const v1 = await t.handle.withTransaction(({ db }) =>
      saveModulationGrid(db, deps, { departementCode: "62", year: 2019, criteria: heavier }),
    );
    expect(v1.version).toBeGreaterThanOrEqual(1);
    const v2 = await t.handle.withTransaction(({ db }) =>
      saveModulationGrid(db, deps, { departementCode: "62", year: 2019, criteria: heavier }),
    );
    expect(v2.version).toBe(v1.version + 1);
    await expect(
      t.handle.withTransaction(({ db }) => saveModulationGrid(db, deps, { departementCode: "62", year: 2019, criteria: [{ id: "x" }] })),
    ).rejects.toBeInstanceOf(OperationInputError);
    const m = await computeDepartementModulation(t.handle.db, "62", 2019);
    expect(m.gridVersion).toBe(v2.version);
  }, 300_000);
});

describe("CDIAE pack of the demo (2020 requests as they stood after the CDIAE of late 2019)", () => {
  it("lists the 2020 requests of the département with proposals against the notified envelope", async () => {
    const pack = await computeCdiaePack(t.handle.db, "62", 2020, "2019-11-28");
    const filed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM financing_request r JOIN structure s ON s.id = r.structure_id
      WHERE r.year = 2020 AND r.state <> 'brouillon' AND s.departement_code = '62'`.execute(t.handle.db);
    expect(pack.requests.length).toBe(filed.rows[0]?.n);
    expect(pack.requests.length).toBeGreaterThan(90);
    // a realistic mix of states
    expect(Object.keys(pack.totals.byState).sort()).toEqual(["avis_cdiae", "deposee", "en_instruction", "proposee"]);
    for (const r of pack.requests) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["structureId", "state", "requestedEtp", "proposedEtp", "proposedAmount"]));
      if (r.state === "proposee" || r.state === "avis_cdiae") expect(Number(r.proposedAmount)).toBeGreaterThan(0);
    }
    const sum = pack.requests.reduce((a, r) => a + Number(r.proposedAmount ?? 0), 0);
    expect(Number(pack.totals.proposedAmount)).toBeCloseTo(sum, 2);
    expect(pack.envelope.lines.map((l) => l.code)).toEqual(expect.arrayContaining(["ETAT_DROIT_COMMUN", "ERBM"]));
    expect(Number(pack.envelope.gapTotal)).toBeCloseTo(Number(pack.envelope.notifiedTotal) - Number(pack.totals.proposedAmount), 2);
    const aviee = pack.requests.find((r) => r.name === "AVIEE");
    expect(aviee?.previousYear?.year).toBe(2019);
    expect(aviee?.previousYear?.etpConventionnes).toBeGreaterThan(0);
  });

  it("has the 2019 dialogue sheets and the Trajectoire group's 2019 modulation decided", async () => {
    const sheets = await sql<{ n: number }>`SELECT count(*)::int AS n FROM dialogue_sheet WHERE year = 2019`.execute(t.handle.db);
    expect(sheets.rows[0]?.n).toBeGreaterThan(100);
    const decided = await sql<{ n: number }>`SELECT count(*)::int AS n FROM structure_modulation WHERE year = 2019`.execute(t.handle.db);
    expect(decided.rows[0]?.n).toBeGreaterThanOrEqual(3);
  });
});

/** Share of non-white pixels and of DSFR blue (#000091) pixels of a binary PPM (P6) image. */
function ppmInk(file: string): { ink: number; blue: number } {
  const buf = readFileSync(file);
  const header = buf.subarray(0, 50).toString("latin1").split(/\s+/);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const start = buf.length - w * h * 3;
  let ink = 0;
  let blue = 0;
  for (let i = start; i < buf.length; i += 3) {
    const [r, g, b] = [buf[i] as number, buf[i + 1] as number, buf[i + 2] as number];
    if (r < 235 || g < 235 || b < 235) ink++;
    if (r < 40 && g < 40 && b > 110) blue++;
  }
  return { ink: ink / (w * h), blue: blue / (w * h) };
}

describe("State documents: dialogue sheet and CDIAE pack as PDF and XLSX", () => {
  const hasPoppler = spawnSync("pdftoppm", ["-v"]).error === undefined;
  it.skipIf(!hasPoppler)(
    "render to PNG and PPM pages that carry DSFR blue, French number formats and page numbers",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "ddets-year-"));
      try {
        const { id } = await t.handle.db.selectFrom("structure").select("id").where("name", "=", "AVIEE").executeTakeFirstOrThrow();
        const docs = {
          dialogue: dialogueDocument(await computeDialogue(t.handle.db, id, 2019), "2020-01-15"),
          cdiae: cdiaeDocument(await computeCdiaePack(t.handle.db, "62", 2020, "2019-11-28"), "2020-01-15"),
        };
        for (const [name, doc] of Object.entries(docs)) {
          const file = path.join(dir, `${name}.pdf`);
          writeFileSync(file, await renderFinancingPdf(doc));
          const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync("pdfinfo", [file], { encoding: "utf8" }).stdout)?.[1] ?? 0);
          expect(pages, name).toBeGreaterThanOrEqual(name === "cdiae" ? 90 : 2);
          const text = spawnSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).stdout;
          expect(text).toContain(`page 1/${pages}`);
          expect(text).toMatch(/\d,\d+ %/); // French decimal comma
          if (name === "cdiae") expect(text).toMatch(/\d[\u00a0 ]\d{3}[\u00a0 ]\d{3},\d{2} €/); // 1 234 567,89 €
          const r = spawnSync("pdftoppm", ["-r", "40", "-f", "1", "-l", "2", file, path.join(dir, name)], { encoding: "utf8" });
          expect(r.status, r.stderr).toBe(0);
          const images = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".ppm"));
          expect(images.length).toBe(2);
          for (const img of images) {
            const { ink, blue } = ppmInk(path.join(dir, img));
            expect(ink, img).toBeGreaterThan(0.02);
            expect(blue, img).toBeGreaterThan(0.002);
          }
          const png = spawnSync("pdftoppm", ["-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", file, path.join(dir, `${name}-png`)]);
          expect(png.status).toBe(0);
          expect(readFileSync(path.join(dir, `${name}-png.png`)).length).toBeGreaterThan(5000);
          if (process.env.KEEP_PDF) writeFileSync(`/tmp/${name}.pdf`, readFileSync(file));
          const xlsx = await renderFinancingXlsx(doc);
          expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
