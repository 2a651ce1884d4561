import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { monthsCovered, parseFrenchDate } from "../calendar/isoDate.js";
import { afNumberFromParts } from "../identifiers/afNumber.js";
import { kindOfMesure, mesureCountsForPosts } from "../structures/kinds.js";
import { afTotal, annualisedEtp, splitCofinancing } from "./amounts.js";
import { countsForStatistics, parseAfState, selectCurrentVersions } from "./states.js";

// Real FluxIAE AnnexeFinanciere extract (les-emplois fixture, Feb 2022): `|`-separated, DEB marker line, header line, no FIN line.
const FIXTURE = new URL("../../../test/fixtures/external/fluxiae/fluxIAE_AnnexeFinanciere_22022022_112211.csv.gz", import.meta.url);

function readRows(): Record<string, string>[] {
  const lines = gunzipSync(readFileSync(FIXTURE))
    .toString("utf8")
    .replace(/^\ufeff/, "")
    .split(/\r?\n/);
  expect(lines[0]?.startsWith("DEB")).toBe(true);
  const header = (lines[1] ?? "").split("|");
  return lines
    .slice(2)
    .filter((l) => l.trim() !== "" && !l.startsWith("FIN"))
    .map((l) => {
      const cells = l.split("|");
      return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
    });
}

describe("AF totals of the real FluxIAE sample (iae-reference §2.1)", () => {
  const rows = readRows();
  const withAmounts = rows.filter(
    (r) => r["af_montant_total_annuel"] !== "" && r["af_etp_postes_insertion"] !== "" && r["af_montant_unitaire_annuel_valeur"] !== "",
  );

  it("has 71 rows with amounts", () => {
    expect(withAmounts).toHaveLength(71);
  });

  it("recomputes every total exactly to the cent", () => {
    const mismatches: string[] = [];
    for (const r of withAmounts) {
      const months = monthsCovered(parseFrenchDate(r["af_date_debut_effet"] ?? ""), parseFrenchDate(r["af_date_fin_effet"] ?? ""));
      const total = afTotal(r["af_etp_postes_insertion"] ?? "", r["af_montant_unitaire_annuel_valeur"] ?? "", months);
      if (total.toFixed(2) !== r["af_montant_total_annuel"])
        mismatches.push(`${r["af_numero_annexe_financiere"]} ${total.toFixed(2)} ≠ ${r["af_montant_total_annuel"]}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("matches the published example ACI054210019 (7.95 ETP × 20 642 € × 8/12 = 109 402.64 €)", () => {
    expect(afTotal("7.95", "20642", 8).toFixed(2)).toBe("109402.64");
  });

  it("parses every AF number, state and mesure of the sample", () => {
    for (const r of rows) {
      const n = afNumberFromParts(
        r["af_numero_annexe_financiere"] ?? "",
        r["af_numero_avenant_renouvellement"] ?? "",
        r["af_numero_avenant_modification"] ?? "",
        { allowFdi: true },
      );
      expect(["ACI", "AI", "EI", "ETTI", "EITI", "FDI"]).toContain(n.kind);
      parseAfState(r["af_etat_annexe_financiere_code"] ?? "");
      kindOfMesure(r["af_mesure_dispositif_code"] ?? "");
    }
    expect(rows.some((r) => !mesureCountsForPosts(r["af_mesure_dispositif_code"] ?? ""))).toBe(true);
  });

  it("keeps one current version per (AF, renewal), never a HISTORISE row", () => {
    const versions = rows.map((r) => ({
      prefix: r["af_numero_annexe_financiere"] ?? "",
      renewal: Number(r["af_numero_avenant_renouvellement"]),
      modification: Number(r["af_numero_avenant_modification"]),
      state: parseAfState(r["af_etat_annexe_financiere_code"] ?? ""),
      etp: r["af_etp_postes_insertion"] ?? "",
      versionId: r["af_id_avenant_modification"] ?? null,
    }));
    const current = selectCurrentVersions(versions);
    expect(current.every((v) => v.state !== "HISTORISE")).toBe(true);
    const aci2018 = current.filter((v) => v.prefix === "AI092181008");
    expect(aci2018.map((v) => [v.renewal, v.modification, v.state])).toEqual([
      [0, 2, "CLOTURE"],
      [1, 3, "VALIDE"],
      [2, 1, "VALIDE"],
    ]);
    for (const v of aci2018) expect(countsForStatistics(v)).toBe(true);
    const keys = current.map((v) => `${v.prefix}|${v.renewal}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("splits State / CD co-financing when present", () => {
    const cof = withAmounts.filter((r) => r["af_mt_cofinance"] !== "" && Number(r["af_mt_cofinance"]) > 0);
    for (const r of cof) {
      const months = monthsCovered(parseFrenchDate(r["af_date_debut_effet"] ?? ""), parseFrenchDate(r["af_date_fin_effet"] ?? ""));
      const split = splitCofinancing(
        r["af_montant_total_annuel"] ?? "",
        r["af_mt_cofinance"] ?? "",
        annualisedEtp(r["af_etp_postes_insertion"] ?? "", months),
      );
      expect(split.state.plus(split.cofinanced).toFixed(2)).toBe(r["af_montant_total_annuel"]);
      expect(split.etpState.plus(split.etpCofinanced).toString()).toBe(
        annualisedEtp(r["af_etp_postes_insertion"] ?? "", months).toString(),
      );
    }
  });
});
