import { describe, expect, it } from "vitest";
import { fictitiousNir } from "../../demo/fictitiousNir.js";
import { splitAddress } from "./addressParts.js";
import { type FicheReferentials, loadFileReferentials } from "./aspReferentials.js";
import { aspName } from "./aspText.js";
import { batchFileName, envelope, splitIntoBatches } from "./batches.js";
import { type AspLine, buildRecord, type FicheSource } from "./buildRecord.js";

const refs: FicheReferentials = { ...loadFileReferentials(), orienteurs: new Set(["01", "03"]), educationLevels: new Set(["00", "50"]) };

const complete: FicheSource = {
  structureId: 1,
  personId: 2,
  approvalId: 3,
  contractId: 4,
  siret: "41071771400035",
  mesure: "ACI_DC",
  annexNumber: "ACI062220001A0M1",
  passNumber: "999990000042",
  passStartsOn: "2022-02-01",
  passEndsOn: "2024-01-31",
  idItou: "0123456789abcdef0123456789abcd",
  civility: "MME",
  lastName: "Lefèvre-Dupont",
  birthName: null,
  firstName: "Zoé",
  birthDate: "1985-06-12",
  birthCountryCode: "100",
  nir: fictitiousNir(2, "1985-06-12", 42),
  ntt: null,
  phone: "03 21 00 00 00",
  email: null,
  addressLine: "3 bis avenue de la Gare",
  postalCode: "62700",
  communeCode: "62178",
  postalCodeMatchesCommune: true,
  birthCommuneDepartement: "62",
  orienteurCode: "03",
  educationLevelCode: "50",
  rsa: "OUI-NM",
  rqth: false,
  complement: { birthCommuneCode: "62178", salarieEnEmploi: false, salarieSansEmploiDepuis: "04", salarieSansRessource: false, inscritPoleEmploi: true, inscritPoleEmploiDepuis: "03", numeroIDE: "1234567A", salarieOETH: false, salarieAideSociale: false, salarieBenefRSADepuis: "02", salarieBenefASS: false, salarieBenefAAH: false, salarieBenefATA: false },
  contractExtra: {},
};

describe("fiche salarié: record and pre-send validation (iae-reference §7.2)", () => {
  it("builds a complete record with the ASP shapes", () => {
    const { line, errors } = buildRecord(complete, refs, "C");
    expect(errors).toEqual([]);
    expect(line).toMatchObject({
      typeMouvement: "C",
      siret: "41071771400035",
      mesure: "ACI_DC",
      personnePhysique: { passIae: "999990000042", civilite: "MME", nomUsage: "LEFEVRE-DUPONT", prenom: "ZOE", dateNaissance: "12/06/1985", codeComInsee: { codeComInsee: "62178", codeDpt: "062" }, codeInseePays: "100", codeGroupePays: "1", passDateDeb: "01/02/2022", passDateFin: "31/01/2024" },
      adresse: { adrTelephone: "0321000000", adrNumeroVoie: "3", codeextensionvoie: "B", codetypevoie: "AV", adrLibelleVoie: "DE LA GARE", codeinseecom: "62178", codepostalcedex: "62700" },
      situationSalarie: { orienteur: "03", niveauFormation: "50", salarieEnEmploi: false, salarieSansEmploiDepuis: "04", inscritPoleEmploi: true, numeroIDE: "1234567A", salarieBenefRSA: "OUI-NM", salarieBenefRSADepuis: "02" },
    });
  });

  it("lists every error, per field, at once", () => {
    const { errors } = buildRecord(
      {
        ...complete,
        lastName: "Ñandú-García de la Fuente y Montenegro",
        firstName: "Zoé 2",
        birthDate: null,
        nir: null,
        birthCountryCode: "100",
        complement: { inscritPoleEmploi: true, salarieEnEmploi: "peut-être" },
        addressLine: "Les Champs",
        postalCodeMatchesCommune: false,
        orienteurCode: "99",
        educationLevelCode: null,
      },
      refs,
      "C",
    );
    const fields = errors.map((e) => e.field);
    for (const f of [
      "personnePhysique.nomUsage",
      "personnePhysique.prenom",
      "personnePhysique.dateNaissance",
      "personnePhysique.salarieNIR",
      "personnePhysique.codeComInsee",
      "adresse.codetypevoie",
      "adresse.codepostalcedex",
      "situationSalarie.orienteur",
      "situationSalarie.niveauFormation",
      "situationSalarie.salarieEnEmploi",
      "situationSalarie.inscritPoleEmploiDepuis",
      "situationSalarie.numeroIDE",
      "situationSalarie.salarieBenefRSADepuis",
      "situationSalarie.salarieOETH",
    ])
      expect(fields).toContain(f);
    expect(errors.find((e) => e.field === "personnePhysique.nomUsage")?.message).toMatch(/30 au plus/);
    expect(errors.find((e) => e.field === "personnePhysique.prenom")?.message).toMatch(/non admis/);
  });

  it("NIR temporary (7/8) or absent → NTT required; born abroad → codeDpt 099; situation read from FluxIAE contract columns", () => {
    const abroad = buildRecord({ ...complete, nir: null, ntt: "NTT-0000000001", birthCountryCode: "99351", complement: { ...complete.complement, birthCommuneCode: undefined, salarieOETH: undefined }, contractExtra: { contrat_salarie_oeth: "true" } }, refs, "M");
    expect(abroad.errors).toEqual([]);
    expect(abroad.line.personnePhysique).toMatchObject({ salarieNIR: "NTT-0000000001", codeInseePays: "351", codeGroupePays: "3", codeComInsee: { codeComInsee: null, codeDpt: "099" } });
    expect(abroad.line.situationSalarie).toMatchObject({ salarieOETH: true });
    expect(abroad.line.typeMouvement).toBe("M");
  });

  it("names: upper-case ASCII, ligatures spelled out, 30 characters at most", () => {
    expect(aspName("Cœur d’Alène")).toEqual({ value: "COEUR D'ALENE", error: null });
    expect(aspName("A".repeat(31)).error).toMatch(/31 caractères/);
  });

  it("splits an address line into ASP parts, or refuses", () => {
    expect(splitAddress("12 rue des Lilas", refs.streetTypes)).toEqual({ adrNumeroVoie: "12", codeextensionvoie: null, codetypevoie: "RUE", adrLibelleVoie: "DES LILAS" });
    expect(splitAddress("7ter, Boulevard Victor Hugo", refs.streetTypes)).toEqual({ adrNumeroVoie: "7", codeextensionvoie: "T", codetypevoie: "BD", adrLibelleVoie: "VICTOR HUGO" });
    expect(splitAddress("Place de la Mairie", refs.streetTypes)).toMatchObject({ adrNumeroVoie: null, codetypevoie: "PL" });
    expect(splitAddress("Les Champs", refs.streetTypes)).toBeNull();
  });

  it("batches: ≤ 700 lines and ≤ 2 MB per file, numLigne from 1 in each, names RIAE_FS_<YYYYMMDDHHMMSS>.json", () => {
    const line = buildRecord(complete, refs, "C").line;
    const lines: AspLine[] = Array.from({ length: 1500 }, () => line);
    const names = (i: number) => batchFileName(new Date(Date.UTC(2022, 2, 15, 9, 20, 30 + i)));
    const batches = splitIntoBatches(lines, names);
    expect(batches.map((b) => b.lines.length)).toEqual([700, 700, 100]);
    expect(batches.map((b) => b.fileName)).toEqual(["RIAE_FS_20220315102030.json", "RIAE_FS_20220315102031.json", "RIAE_FS_20220315102032.json"]);
    expect(batches[0]?.fileName).toHaveLength(27);
    expect(batches[1]?.lines.map((l) => l.numLigne).slice(0, 2)).toEqual([1, 2]);
    const bySize = splitIntoBatches(lines.slice(0, 50), names, 700, 20_000);
    expect(bySize.length).toBeGreaterThan(1);
    for (const b of bySize) expect(Buffer.byteLength(b.json)).toBeLessThanOrEqual(20_000);
    expect(JSON.parse(envelope([]))).toEqual({ msgInformatif: null, telId: null, lignesTelechargement: [] });
  });
});
