import { afterAll, describe, expect, it } from "vitest";
import { detectFormat } from "../../src/interchange/detectFormat.js";
import { ImportInputError } from "../../src/interchange/importReport.js";
import { tempDir, viewText } from "./fluxiae/support.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("detectFormat — by the bytes and the first line, never by the name", () => {
  it("recognises FluxIAE views (with or without DEB marker), archives and folders", async () => {
    expect(
      await detectFormat(
        tmp.write("a.txt", viewText("AnnexeFinanciere", ["af_id_structure", "af_mesure_dispositif_code"], [["1", "ACI_DC"]])),
      ),
    ).toBe("fluxiae");
    expect(
      await detectFormat(
        tmp.write("b.csv", viewText("X", ["emi_afi_id", "emi_ctr_id", "emi_sme_mois"], [["1", "2", "3"]], { deb: false })),
      ),
    ).toBe("fluxiae");
    expect(await detectFormat(tmp.writeGzip("liste.csv", "whatever"))).toBe("fluxiae");
    expect(await detectFormat(tmp.writeZip("c.csv", { "x.csv": "y" }))).toBe("fluxiae");
    expect(await detectFormat(tmp.dir)).toBe("fluxiae");
  });

  it("recognises an ASP list of SIAE by its columns, whatever the file name", async () => {
    const file = tmp.write(
      "fluxIAE_Structure_01012022_000000.csv",
      "\ufeffMesure;Code département;SIRET;Dénomination sociale\nACI;062;41071771400035;X\n",
    );
    expect(await detectFormat(file)).toBe("asp-liste-siae");
  });

  it("recognises a fiche salarié return file, and explains what it expected otherwise", async () => {
    expect(await detectFormat(tmp.write("r.json", '{ "msgInformatif": null, "lignesTelechargement": [] }'))).toBe("fiche-salarie-retour");
    const error = await detectFormat(tmp.write("n.csv", "nom,prenom\nA,B\n")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInputError);
    expect((error as Error).message).toMatch(/format non reconnu.*Première ligne lue : « nom,prenom »/);
  });

  it("refuses a UTF-16 file by naming its encoding and the expected ones, with no raw NUL byte", async () => {
    const text = "Mesure;Code département;SIRET;Dénomination sociale\r\nACI;062;41071771400035;X\r\n";
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), Buffer.from(text, "utf16le")]) {
      const error = await detectFormat(tmp.write("unicode.csv", bytes)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportInputError);
      expect((error as Error).message).toMatch(/unicode\.csv : fichier encodé en UTF-16 : enregistrez-le en UTF-8/);
      expect((error as Error).message).not.toContain("\u0000");
    }
  });

  it("never echoes a first line that looks like data (a NIR, a SIRET)", async () => {
    const error = await detectFormat(tmp.write("d.csv", "DUPONT,Jean,185037512345678\n")).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain("185037512345678");
    expect((error as Error).message).not.toContain("DUPONT");
  });
});
