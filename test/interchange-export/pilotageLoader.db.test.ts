// The FluxIAE views Passerelle exports must load in the State's pipeline: the Pilotage's production loader
// (pilotage-airflow dags/common/flux_iae.py, get_fluxiae_rows + type_fluxiae_row) zips each data line with the
// columns of FLUX_IAE_MODELS in order and converts every cell with Python's int() / float() / bool(). The column
// types are the fixture test/fixtures/external/pilotage-airflow/flux_iae_models.json (source path and commit inside);
// every view it models is exported here from data written through Passerelle's operations and read as that loader reads it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFluxiaeView } from "../../src/interchange/fluxiae-export/exportFluxiaeView.js";
import { parseExportView } from "../../src/interchange/fluxiae-export/views.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildDataset } from "./dataset.js";

type PgType = "bigint" | "double precision" | "boolean" | "text";
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/external/pilotage-airflow/flux_iae_models.json", import.meta.url), "utf8"),
) as {
  source: { repository: string; path: string; commit: string };
  models: Record<string, Record<string, PgType>>;
};

// Python's int() and float() on a str (PEP 515 underscores included); bool() of a non-empty str is always True.
const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const PY_FLOAT = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+)?|\d+\.|inf(?:inity)?|nan)\s*$/i;

/** The loader's conversion of one cell: the converted value, or an error as Python would raise it. */
function typeCell(type: PgType | undefined, value: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (value === "") return { ok: true, value: null };
  switch (type) {
    case "bigint":
      return PY_INT.test(value)
        ? { ok: true, value: BigInt(value.trim().replace(/_/g, "")) }
        : { ok: false, error: `invalid literal for int() with base 10: '${value}'` };
    case "double precision":
      return PY_FLOAT.test(value)
        ? { ok: true, value: Number(value.trim().replace(/_/g, "")) }
        : { ok: false, error: `could not convert string to float: '${value}'` };
    case "boolean":
      return { ok: true, value: true };
    default:
      return { ok: true, value };
  }
}

/** get_fluxiae_rows: DEB line and the header after it skipped, FIN ends the file, cells zipped with the model keys. */
function loadAsPilotage(
  text: string,
  model: Record<string, PgType>,
): { rows: Record<string, unknown>[]; errors: string[]; header: string[] } {
  const keys = Object.keys(model);
  const lines = text.split("\n");
  const rows: Record<string, unknown>[] = [];
  const errors: string[] = [];
  let header: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? "").replace(/\ufeff/g, "").trim();
    if (raw.startsWith("DEB")) {
      header = (lines[++i] ?? "").trim().split("|");
      continue;
    }
    if (raw.startsWith("FIN")) break;
    if (raw === "") continue;
    const cells = raw.split("|");
    const row: Record<string, unknown> = {};
    keys.forEach((k, j) => {
      if (j >= cells.length) return;
      const typed = typeCell(model[k], cells[j] ?? "");
      if (typed.ok) row[k] = typed.value;
      else errors.push(`ligne ${i + 1}, ${k} : ${typed.error}`);
    });
    if (cells.length !== keys.length) errors.push(`ligne ${i + 1} : ${cells.length} champs, ${keys.length} attendus`);
    rows.push(row);
  }
  return { rows, errors, header };
}

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  await buildDataset(t.handle);
  dir = mkdtempSync(path.join(tmpdir(), "passerelle-pilotage-loader-"));
});
afterAll(async () => {
  await t?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`FluxIAE export read by the Pilotage loader (${fixture.source.repository} ${fixture.source.path} @ ${fixture.source.commit.slice(0, 9)})`, () => {
  it("the loader emulation refuses what Python refuses", () => {
    expect(typeCell("bigint", "24.00").ok).toBe(false);
    expect(typeCell("bigint", "24")).toEqual({ ok: true, value: 24n });
    expect(typeCell("double precision", "1234,56").ok).toBe(false);
    expect(typeCell("double precision", "1234.56")).toEqual({ ok: true, value: 1234.56 });
    expect(typeCell("bigint", "")).toEqual({ ok: true, value: null });
  });

  for (const [table, model] of Object.entries(fixture.models)) {
    it(`${table}: same columns in the same order, every cell converts to the loader's type`, async () => {
      const view = parseExportView(table);
      if (view === null) throw new Error(`vue non exportée par Passerelle : ${table}`);
      const out = path.join(dir, `${table}.csv`);
      const result = await exportFluxiaeView(t.handle, { view, out, actor: { userId: null, label: "test" } });
      expect(result.rows).toBeGreaterThan(0);
      const loaded = loadAsPilotage(readFileSync(out, "utf8"), model);
      expect(loaded.header).toEqual(Object.keys(model));
      expect(loaded.errors).toEqual([]);
      expect(loaded.rows).toHaveLength(result.rows);
      // Every integer column the data fills is written as an integer (e.g. 110.5 declared hours → 110).
      for (const [column, type] of Object.entries(model))
        if (type === "bigint" && loaded.rows.some((r) => r[column] !== null && r[column] !== undefined))
          for (const r of loaded.rows) if (r[column] !== null) expect(typeof r[column], column).toBe("bigint");
      if (table === "fluxIAE_EtatMensuelIndiv") expect(loaded.rows.map((r) => r.emi_nb_heures_travail)).toEqual([110n, 112n]);
    });
  }
});
