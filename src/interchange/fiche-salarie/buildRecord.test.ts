import { describe, expect, it } from "vitest";
import { fictitiousNir } from "../../demo/fictitiousNir.js";
import { splitAddress } from "./addressParts.js";
import { type FicheReferentials, loadFileReferentials } from "./aspReferentials.js";
import { aspLaneName, aspName } from "./aspText.js";
import { batchFileName, envelope, splitByMovement, splitIntoBatches } from "./batches.js";
import { type AspLine, buildRecord, type FicheSource } from "./buildRecord.js";
import { COMPLETE_FICHE_FIELDS } from "../../../test/support/ficheSalarie.js";

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
  complement: { ...COMPLETE_FICHE_FIELDS },
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
      personnePhysique: {
        passIae: "999990000042",
        civilite: "MME",
        nomUsage: "LEFEVRE-DUPONT",
        prenom: "ZOE",
        dateNaissance: "12/06/1985",
        codeComInsee: { codeComInsee: "62178", codeDpt: "062" },
        codeInseePays: "100",
        codeGroupePays: "1",
        passDateDeb: "01/02/2022",
        passDateFin: "31/01/2024",
      },
      adresse: {
        adrTelephone: null,
        adrMail: null,
        adrNumeroVoie: "3",
        codeextensionvoie: "B",
        codetypevoie: "AV",
        adrLibelleVoie: "DE LA GARE",
        codeinseecom: "62178",
        codepostalcedex: "62700",
      },
      situationSalarie: {
        orienteur: "03",
        niveauFormation: "50",
        salarieEnEmploi: false,
        salarieSansEmploiDepuis: "04",
        inscritPoleEmploi: true,
        numeroIDE: "1234567A",
        salarieBenefRSA: "OUI-NM",
        salarieBenefRSADepuis: "02",
      },
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
    const abroad = buildRecord(
      {
        ...complete,
        nir: null,
        ntt: "11234567890001",
        birthCountryCode: "99351",
        complement: { ...complete.complement, birthCommuneCode: undefined, salarieOETH: undefined },
        contractExtra: { contrat_salarie_oeth: "true" },
      },
      refs,
      "M",
    );
    expect(abroad.errors).toEqual([]);
    expect(abroad.line.personnePhysique).toMatchObject({
      salarieNIR: "11234567890001",
      codeInseePays: "351",
      codeGroupePays: "3",
      codeComInsee: { codeComInsee: null, codeDpt: "099" },
    });
    expect(abroad.line.situationSalarie).toMatchObject({ salarieOETH: true });
    expect(abroad.line.typeMouvement).toBe("M");
  });

  it("names: upper-case ASCII, ligatures spelled out, 30 characters at most", () => {
    expect(aspName("Cœur d’Alène")).toEqual({ value: "COEUR D'ALENE", error: null });
    expect(aspName("A".repeat(31)).error).toMatch(/31 caractères/);
  });

  it("splits an address line into ASP parts, or refuses", () => {
    expect(splitAddress("12 rue des Lilas", refs.streetTypes)).toEqual({
      adrNumeroVoie: "12",
      codeextensionvoie: null,
      codetypevoie: "RUE",
      adrLibelleVoie: "DES LILAS",
    });
    expect(splitAddress("7ter, Boulevard Victor Hugo", refs.streetTypes)).toEqual({
      adrNumeroVoie: "7",
      codeextensionvoie: "T",
      codetypevoie: "BD",
      adrLibelleVoie: "VICTOR HUGO",
    });
    expect(splitAddress("Place de la Mairie", refs.streetTypes)).toMatchObject({ adrNumeroVoie: null, codetypevoie: "PL" });
    expect(splitAddress("Les Champs", refs.streetTypes)).toBeNull();
  });

  it("batches: ≤ 700 lines and ≤ 2 MB per file, numLigne from 1 in each, names RIAE_FS_<YYYYMMDDHHMMSS>.json", () => {
    const line = buildRecord(complete, refs, "C").line;
    const lines: AspLine[] = Array.from({ length: 1500 }, () => line);
    const names = (i: number) => batchFileName(new Date(Date.UTC(2022, 2, 15, 9, 20, 30 + i)));
    const batches = splitIntoBatches(lines, names);
    expect(batches.map((b) => b.lines.length)).toEqual([700, 700, 100]);
    expect(batches.map((b) => b.fileName)).toEqual([
      "RIAE_FS_20220315102030.json",
      "RIAE_FS_20220315102031.json",
      "RIAE_FS_20220315102032.json",
    ]);
    expect(batches[0]?.fileName).toHaveLength(27);
    expect(batches[1]?.lines.map((l) => l.numLigne).slice(0, 2)).toEqual([1, 2]);
    const bySize = splitIntoBatches(lines.slice(0, 50), names, 700, 20_000);
    expect(bySize.length).toBeGreaterThan(1);
    for (const b of bySize) expect(Buffer.byteLength(b.json)).toBeLessThanOrEqual(20_000);
    expect(JSON.parse(envelope([]))).toEqual({ msgInformatif: null, telId: null, lignesTelechargement: [] });
  });

  it("modification (M) lines in their own files, never mixed with creations (les-emplois transfer_employee_records_updates.py)", () => {
    const c = buildRecord(complete, refs, "C").line;
    const m = buildRecord(complete, refs, "M").line;
    const names = (i: number) => batchFileName(new Date(Date.UTC(2022, 2, 15, 9, 20, 30 + i)));
    const batches = splitByMovement([m, c, m, c, c], names, 2);
    expect(batches.map((b) => b.lines.map((l) => l.typeMouvement).join(""))).toEqual(["CC", "C", "MM"]);
    expect(batches.map((b) => b.lines.map((l) => l.numLigne))).toEqual([[1, 2], [1], [1, 2]]);
    expect(new Set(batches.map((b) => b.fileName)).size).toBe(3);
  });
});

// Vectors of les-emplois tests/employee_record/test_serializers.py and its snapshots
// (tests/employee_record/__snapshots__/test_serializers.ambr), gip-inclusion/les-emplois @ 543eae8d2.
describe("fiche salarié against les-emplois's serializer test cases", () => {
  const flagsTrue = {
    salarieSortantASE: true,
    salarieParentIsole: true,
    salarieHebergement: true,
    salarieRefugie: true,
    salarieSortantDetention: true,
    salarieLangueFrancaise: true,
    salarieMobilite: true,
  };
  // The EITI benefits as entered; an EITI's fiche sends them unchanged.
  const eitiBenefits = {
    salarieBenefARE: true,
    salarieBenefAREDepuis: "01",
    salarieBenefPrimeActivite: true,
    salarieBenefPrimeActiviteDepuis: "02",
    salarieBenefCAPE: true,
    salarieBenefCESA: true,
  };
  const eitiInput = {
    salarieOETH: true,
    ...eitiBenefits,
    nomActeurCreationEntr: "Actor Étude",
    revenuMensuelMoyenTI: 12345.67,
    cotisationsTI: "03",
  };

  it("test_hexa_lane_name: parentheses removed (ASP error 3330), diacritics removed", () => {
    expect(aspLaneName("Lane name (with parens)")).toBe("Lane name with parens");
    expect(aspLaneName("Lane name without parens")).toBe("Lane name without parens");
    expect(aspLaneName("Rue de l'Église (Hameau)")).toBe("Rue de l'Eglise Hameau");
    const { line } = buildRecord({ ...complete, addressLine: "12 rue de l'Église (bas)" }, refs, "C");
    expect(line.adresse).toMatchObject({ adrLibelleVoie: "DE L'EGLISE BAS" });
  });

  it("test_with_empty_fields: adrTelephone and adrMail sent null, even when Passerelle knows them", () => {
    const { line } = buildRecord({ ...complete, phone: "0321000000", email: "zoe@example.org" }, refs, "C");
    expect(line.adresse).toMatchObject({ adrTelephone: null, adrMail: null });
  });

  it("test_hexa_additional_address: a complement outside [A-Za-z0-9@ ]{,32} is not sent as such (Passerelle asks the SIAE to fix it)", () => {
    const bad = buildRecord(
      { ...complete, complement: { ...complete.complement, adrCpltDistribution: "Bad additional address with %$£" } },
      refs,
      "C",
    );
    expect(bad.errors.map((e) => e.field)).toContain("adresse.adrCpltDistribution");
    const good = buildRecord(
      { ...complete, complement: { ...complete.complement, adrCpltDistribution: "Good additional address" } },
      refs,
      "C",
    );
    expect(good.line.adresse).toMatchObject({ adrCpltDistribution: "Good additional address" });
  });

  it("test_situation_salarie_serializer_with_most_fields_filled[ACI]: the seven situation flags, ATA false, EITI fields null", () => {
    const { line, errors } = buildRecord(
      {
        ...complete,
        rqth: true,
        complement: { ...complete.complement, ...flagsTrue, salarieOETH: true, salarieBenefATA: true, salarieBenefATADepuis: "01" },
      },
      refs,
      "C",
    );
    expect(errors).toEqual([]);
    expect(line.situationSalarie).toMatchObject({
      ...flagsTrue,
      salarieOETH: true,
      salarieRQTH: true,
      salarieBenefATA: false,
      salarieBenefATADepuis: null,
      salarieBenefARE: null,
      salarieBenefAREDepuis: null,
      salarieBenefPrimeActivite: null,
      salarieBenefPrimeActiviteDepuis: null,
      salarieBenefCAPE: null,
      salarieBenefCESA: null,
      nomActeurCreationEntr: null,
      revenuMensuelMoyenTI: null,
      cotisationsTI: null,
    });
  });

  it("the seven situation flags are required for every mesure (ASP, November 2025)", () => {
    const { errors } = buildRecord(
      { ...complete, complement: { ...complete.complement, salarieMobilite: undefined, salarieRefugie: "peut-être" } },
      refs,
      "C",
    );
    expect(errors.map((e) => e.field)).toEqual(["situationSalarie.salarieRefugie", "situationSalarie.salarieMobilite"]);
  });

  it("test_situation_salarie_serializer_with_eiti_fields_filled[ACI]: EITI fields null, OETH as given", () => {
    const { line, errors } = buildRecord({ ...complete, complement: { ...complete.complement, ...eitiInput } }, refs, "C");
    expect(errors).toEqual([]);
    expect(line.situationSalarie).toMatchObject({
      salarieOETH: true,
      salarieBenefARE: null,
      nomActeurCreationEntr: null,
      revenuMensuelMoyenTI: null,
      cotisationsTI: null,
    });
  });

  it("test_situation_salarie_serializer_with_eiti_fields_filled[EITI]: the nine EITI fields, OETH false", () => {
    const { line, errors } = buildRecord(
      { ...complete, mesure: "EITI_DC", complement: { ...complete.complement, ...eitiInput } },
      refs,
      "C",
    );
    expect(errors).toEqual([]);
    expect(line.situationSalarie).toMatchObject({
      cotisationsTI: "03",
      nomActeurCreationEntr: "ACTOR ETUDE",
      revenuMensuelMoyenTI: "12345,67",
      ...eitiBenefits,
      salarieOETH: false,
      salarieBenefATA: false,
    });
  });

  it("EITI: cotisationsTI defaults to 06 (les-emplois DefaultIfEmptyChoiceField); actor and income required; actor cut at a word after 100 characters", () => {
    const empty = buildRecord(
      {
        ...complete,
        mesure: "EITI_DC",
        complement: {
          ...complete.complement,
          ...eitiInput,
          cotisationsTI: undefined,
          nomActeurCreationEntr: "",
          revenuMensuelMoyenTI: undefined,
        },
      },
      refs,
      "C",
    );
    expect(empty.line.situationSalarie).toMatchObject({ cotisationsTI: "06" });
    expect(empty.errors.map((e) => e.field)).toEqual(["situationSalarie.nomActeurCreationEntr", "situationSalarie.revenuMensuelMoyenTI"]);
    const long = buildRecord(
      {
        ...complete,
        mesure: "EITI_DC",
        complement: {
          ...complete.complement,
          ...eitiInput,
          nomActeurCreationEntr: `${"Boutique de Gestion ".repeat(6)}Nord`,
          revenuMensuelMoyenTI: "850,5",
        },
      },
      refs,
      "C",
    );
    const actor = (long.line.situationSalarie as Record<string, string>).nomActeurCreationEntr ?? "";
    expect(actor.length).toBeLessThanOrEqual(100);
    expect(actor.endsWith("GESTION")).toBe(true);
    expect((long.line.situationSalarie as Record<string, string>).revenuMensuelMoyenTI).toBe("850,50");
  });

  it("only the droit-commun mesures (*_DC) have fiches", () => {
    expect(buildRecord({ ...complete, mesure: "ACI_MP" }, refs, "C").errors.map((e) => e.field)).toEqual(["mesure"]);
    expect(buildRecord({ ...complete, mesure: "FDI_DC" }, refs, "C").errors.map((e) => e.field)).toEqual(["mesure"]);
  });
});
