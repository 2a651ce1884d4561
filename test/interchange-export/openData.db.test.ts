import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell, exportOpenData, OPEN_DATA_COLUMNS } from "../../src/interchange/opendata/exportOpenData.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildDataset, type Dataset, NIR } from "./dataset.js";

let t: TestDatabase;
let data: Dataset;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  data = await buildDataset(t.handle);
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-opendata-"));
});
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** RFC 4180 line split (quotes, doubled quotes, commas inside quotes). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cur);
      cur = "";
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

describe("export opendata (conventioned structures, no personal data)", () => {
  it("lists the structures with an active AF at the date, with their current AF; none without", async () => {
    await t.handle.db
      .updateTable("structure")
      .set({ name: 'Chantier "Bruaysien", Artois', email: "directrice@example.org", phone: "0321000000" })
      .where("id", "=", data.aci)
      .execute();
    const out = path.join(dir, "siae.csv");
    const r = await exportOpenData(t.handle, { out, at: "2022-06-30", pageSize: 1 });
    expect(r.rows).toBe(1);
    const text = readFileSync(out, "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe(OPEN_DATA_COLUMNS.join(","));
    const row = Object.fromEntries(OPEN_DATA_COLUMNS.map((c, i) => [c, parseCsvLine(lines[1] ?? "")[i]]));
    expect(row).toMatchObject({
      siret: "41071771400035",
      type_structure: "ACI",
      raison_sociale: 'Chantier "Bruaysien", Artois',
      code_commune: "62178",
      code_departement: "62",
      departement: "Pas-de-Calais",
      code_region: "32",
      numero_annexe_financiere: "ACI062220001A0M1",
      etp_conventionnes: "12.25",
      date_fin_annexe: "2022-12-31",
    });
    expect(text).not.toContain("directrice@example.org");
    expect(text).not.toContain("0321000000");
    expect(text).not.toContain(NIR);
    expect(text).not.toContain("Lefèvre");
  });

  it("the AI whose AF ended in 2021 is listed at a 2021 date, not after", async () => {
    const out = path.join(dir, "siae-2021.csv");
    const r2021 = await exportOpenData(t.handle, { out, at: "2021-06-30" });
    expect(r2021.rows).toBe(1);
    expect(readFileSync(out, "utf8")).toContain(",AI,AI Artois,");
    const r2023 = await exportOpenData(t.handle, { out, at: "2023-01-01" });
    expect(r2023.rows).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(1);
  });

  it("quotes only what needs quoting", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('x"y')).toBe('"x""y"');
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
  });
});
