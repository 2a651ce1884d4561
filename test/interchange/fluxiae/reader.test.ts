import { afterAll, describe, expect, it } from "vitest";
import { listEntries, openView, sniffContainer } from "../../../src/interchange/fluxiae/index.js";
import {
  parseFluxBoolean,
  parseFluxDate,
  parseFluxDecimal,
  parseFluxDuration,
  parseFluxTimestamp,
} from "../../../src/interchange/fluxiae/values.js";
import { ImportInputError } from "../../../src/interchange/importReport.js";
import { tempDir, viewText } from "./support.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

const HEADER = ["rcs_id", "rcs_code", "rcs_libelle"];
const ROWS = [
  ["1", "1", "Emploi durable"],
  ["2", "2", "Emploi de transition"],
];

async function readAll(file: string) {
  const out: {
    view: string | null;
    header: string[];
    records: { line: number; values: Record<string, string | null>; problem?: string }[];
  }[] = [];
  for (const entry of await listEntries(file)) {
    const view = await openView(entry);
    const records = [];
    for await (const r of view.records()) records.push(r);
    out.push({ view: view.view, header: view.header, records });
  }
  return out;
}

describe("FluxIAE values", () => {
  it("parses dd/mm/yyyy dates, with or without a time, and refuses impossible ones", () => {
    expect(parseFluxDate("28/02/2022")).toBe("2022-02-28");
    expect(parseFluxDate("01/10/2020 14:03:59")).toBe("2020-10-01");
    expect(parseFluxTimestamp("01/10/2020 14:03:59")).toBe("2020-10-01T14:03:59");
    expect(() => parseFluxDate("31/02/2022")).toThrow(/inexistante/);
    expect(() => parseFluxDate("2022-02-01")).toThrow(/jj\/mm\/aaaa/);
  });
  it("parses HH:MM durations, true/false and decimals exactly", () => {
    expect(parseFluxDuration("35:00")).toBe("35.00");
    expect(parseFluxDuration("17:30")).toBe("17.50");
    expect(() => parseFluxDuration("35h")).toThrow(/HH:MM/);
    expect(parseFluxBoolean("true")).toBe(true);
    expect(parseFluxBoolean("false")).toBe(false);
    expect(() => parseFluxBoolean("peut-être")).toThrow(/booléen/);
    expect(parseFluxDecimal("19897.005")).toBe("19897.01");
    expect(parseFluxDecimal("5.94")).toBe("5.94");
    expect(parseFluxDecimal("100")).toBe("100.00");
  });
});

describe("FluxIAE reader", () => {
  it("strips a BOM, reads the DEB marker and checks the FIN count", async () => {
    const file = tmp.write("cat.csv", viewText("RefCategorieSort", HEADER, ROWS, { bom: true, fin: true }));
    const [v] = await readAll(file);
    expect(v?.view).toBe("RefCategorieSort");
    expect(v?.header).toEqual(HEADER);
    expect(v?.records.map((r) => r.values.rcs_libelle)).toEqual(["Emploi durable", "Emploi de transition"]);
    expect(v?.records[0]?.line).toBe(3);
  });

  it("stops on a FIN count that does not match (truncated file)", async () => {
    const file = tmp.write("cat-bad-fin.csv", viewText("RefCategorieSort", HEADER, ROWS, { fin: 3 }));
    await expect(readAll(file)).rejects.toThrow(/FIN annonce 3 lignes mais le fichier en contient 2/);
  });

  it("tells the view from the header when there is no DEB line, empty values are null", async () => {
    const file = tmp.write("x.csv", viewText("X", HEADER, [["3", "3", ""]], { deb: false }));
    const [v] = await readAll(file);
    expect(v?.view).toBe("RefCategorieSort");
    expect(v?.records[0]?.values.rcs_libelle).toBeNull();
  });

  it("joins a value cut by a raw newline back into one record", async () => {
    const text = `${viewText("RefCategorieSort", HEADER, [], { deb: true })}1|1|Emploi\ndurable\n2|2\n|Emploi de transition\n3|3|Autres sorties\n`;
    const [v] = await readAll(tmp.write("nl.csv", text));
    expect(v?.records).toHaveLength(3);
    expect(v?.records[0]?.values.rcs_libelle).toBe("Emploi\ndurable");
    expect(v?.records[1]).toMatchObject({ line: 5, values: { rcs_id: "2", rcs_code: "2\n", rcs_libelle: "Emploi de transition" } });
    expect(v?.records[2]).toMatchObject({ line: 7, values: { rcs_id: "3" } });
  });

  it("keeps stray double quotes as ordinary characters", async () => {
    const [v] = await readAll(tmp.write("q.csv", viewText("RefCategorieSort", HEADER, [["1", "1", 'Emploi "durable']])));
    expect(v?.records[0]?.values.rcs_libelle).toBe('Emploi "durable');
  });

  it("flags a row with too many fields", async () => {
    const [v] = await readAll(tmp.write("extra.csv", viewText("RefCategorieSort", HEADER, [["1", "1", "a", "b"]])));
    expect(v?.records[0]?.problem).toMatch(/4 champs au lieu de 3/);
  });

  it("refuses a file separated by ';'", async () => {
    const file = tmp.write("semicolon.csv", "rcs_id;rcs_code;rcs_libelle\n1;1;Emploi durable\n");
    await expect(readAll(file)).rejects.toThrow(/séparateur « ; »/);
  });

  it("sniffs the container by its bytes: gzip named .csv, ZIP named .tar.gz", async () => {
    const gz = tmp.writeGzip("fluxIAE_RefCategorieSort_07022022_063004.csv", viewText("RefCategorieSort", HEADER, ROWS));
    expect(await sniffContainer(gz)).toBe("gzip");
    expect((await readAll(gz))[0]?.records).toHaveLength(2);
    const inner = tmp.writeGzip("inner.csv.gz", viewText("RefCategorieSort", HEADER, ROWS));
    const { readFileSync } = await import("node:fs");
    const zip = tmp.writeZip("fluxIAE_ITOU_20220207.tar.gz", {
      "fluxIAE_RefCategorieSort_07022022_063004.csv.gz": readFileSync(inner),
      "fluxIAE_RefMotifSort_07022022_063004.csv": viewText(
        "RefMotifSort",
        ["rms_id", "rms_code", "rms_libelle", "rcs_id"],
        [["1", "3", "CDI", "1"]],
      ),
    });
    expect(await sniffContainer(zip)).toBe("zip");
    const views = await readAll(zip);
    expect(views.map((v) => [v.view, v.records.length])).toEqual([
      ["RefCategorieSort", 2],
      ["RefMotifSort", 1],
    ]);
    const entries = await listEntries(zip);
    expect(entries[0]?.name).toBe("fluxIAE_ITOU_20220207.tar.gz:fluxIAE_RefCategorieSort_07022022_063004.csv.gz");
    expect(await sniffContainer(tmp.dir)).toBe("folder");
  });

  it("reports a truncated gzip file and a truncated ZIP archive as input errors", async () => {
    const { readFileSync } = await import("node:fs");
    const full = readFileSync(tmp.writeGzip("full.csv.gz", viewText("RefCategorieSort", HEADER, ROWS)));
    const cut = tmp.write("cut.csv.gz", full.subarray(0, full.length - 12));
    await expect(readAll(cut)).rejects.toThrow(ImportInputError);
    await expect(readAll(cut)).rejects.toThrow(/gzip tronqué/);
    const zip = readFileSync(tmp.writeZip("whole.zip", { "a.csv": viewText("RefCategorieSort", HEADER, ROWS) }));
    const cutZip = tmp.write("cut.tar.gz", zip.subarray(0, zip.length - 30));
    await expect(readAll(cutZip)).rejects.toThrow(/ZIP tronquée/);
  });
});
