// One fiche salarié line for the ASP (iae-reference §7.2), built from Passerelle's data, with the
// pre-send validation: EVERY problem is listed, per salarié and per ASP field, so that the SIAE fixes
// them all at once instead of learning them one rejection file at a time.
// Pure: the caller gathers the data (collectFiches.ts) and the referentials.
import { formatFrenchDate } from "../../domain/calendar/isoDate.js";
import { DomainRuleError } from "../../domain/errors.js";
import { normalizeCommuneCode } from "../../domain/identifiers/insee.js";
import { validateNir, validateNtt } from "../../domain/identifiers/nir.js";
import { parsePassNumber } from "../../domain/identifiers/passNumber.js";
import { type AspAddress, splitAddress } from "./addressParts.js";
import {
  DURATION_CODES,
  EITI_CONTRIBUTION_CODES,
  EITI_CONTRIBUTION_UNDETERMINED,
  EMPLOYER_TYPES,
  FICHE_MESURES,
  SITUATION_FLAGS,
  type SituationFlag,
} from "./aspCodeLists.js";
import type { FicheReferentials } from "./aspReferentials.js";
import { aspLaneName, aspName, foldAscii } from "./aspText.js";

export type Movement = "C" | "M";

export interface FicheSource {
  structureId: number;
  personId: number;
  approvalId: number;
  contractId: number;
  siret: string | null;
  mesure: string;
  annexNumber: string | null;
  passNumber: string | null;
  passStartsOn: string;
  passEndsOn: string;
  idItou: string;
  civility: string | null;
  lastName: string | null;
  birthName: string | null;
  firstName: string | null;
  birthDate: string | null;
  birthCountryCode: string | null;
  nir: string | null;
  ntt: string | null;
  phone: string | null;
  email: string | null;
  addressLine: string | null;
  postalCode: string | null;
  communeCode: string | null;
  /** true/false when the postal code is (not) one of the commune's; null when either is missing. */
  postalCodeMatchesCommune: boolean | null;
  /** Birth commune from the complement, with its département when the commune is known. */
  birthCommuneDepartement: string | null;
  orienteurCode: string | null;
  educationLevelCode: string | null;
  rsa: string;
  rqth: boolean;
  /** ASP field name → value, entered for this hiring (fiche_salarie_complement). */
  complement: Record<string, unknown>;
  /** FluxIAE ContratMission columns kept by the importer (contract.extra). */
  contractExtra: Record<string, unknown>;
}

export interface FicheError {
  /** ASP field, dotted (personnePhysique.prenom). */
  field: string;
  message: string;
}

export type AspLine = Record<string, unknown> & { numLigne: number; typeMouvement: Movement };

// FluxIAE ContratMission columns that carry the same facts as the fiche's situationSalarie.
const FROM_CONTRACT_EXTRA: Record<string, string> = {
  salarieEnEmploi: "contrat_salarie_en_emploi",
  salarieSansRessource: "contrat_sans_ressource",
  inscritPoleEmploi: "contrat_inscrit_pole_emploi",
  numeroIDE: "contrat_numero_ide",
  salarieOETH: "contrat_salarie_oeth",
  salarieAideSociale: "contrat_salarie_aide_sociale",
  salarieBenefASS: "contrat_salarie_ass",
  salarieBenefAAH: "contrat_salarie_aah",
};

const DURATIONS = Object.keys(DURATION_CODES);
const EITI_CONTRIBUTIONS = Object.keys(EITI_CONTRIBUTION_CODES);
const RSA_VALUES = ["NON", "OUI-M", "OUI-NM"];

/** The first date of hiring covered by fiches salarié — iae-reference §7.2. */
export const FICHE_START: Record<string, string> = { EITI_DC: "2024-03-25" };
export const FICHE_DEFAULT_START = "2021-09-27";

export function buildRecord(src: FicheSource, refs: FicheReferentials, movement: Movement): { line: AspLine; errors: FicheError[] } {
  const errors: FicheError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  const pick = (key: string): unknown => {
    if (src.complement[key] !== undefined) return src.complement[key];
    const col = FROM_CONTRACT_EXTRA[key];
    return col === undefined ? undefined : src.contractExtra[col];
  };
  const bool = (key: string, field: string, required = true): boolean | null => {
    const v = pick(key);
    if (v === true || v === "true" || v === "OUI") return true;
    if (v === false || v === "false" || v === "NON") return false;
    if (v === undefined || v === null || v === "") {
      if (required) err(field, "à renseigner (oui ou non)");
      return null;
    }
    err(field, `valeur « ${String(v)} » : oui ou non attendu`);
    return null;
  };
  const code = (key: string, field: string, allowed: readonly string[], required: boolean): string | null => {
    const raw = pick(key);
    const v = raw === undefined || raw === null ? "" : String(raw).trim();
    if (v === "") {
      if (required) err(field, `à renseigner (${allowed.join(", ")})`);
      return null;
    }
    if (!allowed.includes(v)) {
      err(field, `valeur « ${v} » inconnue (${allowed.join(", ")})`);
      return null;
    }
    return v;
  };

  // Structure and mesure.
  if (src.siret === null) err("siret", "la structure n'a pas de SIRET");
  // Rule: fiches salarié only for the droit-commun mesures (les-emplois SiaeMeasure codes sent to the ASP;
  // itou/employee_record/serializers.py `mesure = asp_measure`).
  if (!(FICHE_MESURES as readonly string[]).includes(src.mesure))
    err("mesure", `mesure ${src.mesure} : pas de fiche salarié (mesures de droit commun *_DC seulement)`);
  const eiti = src.mesure === "EITI_DC";

  // personnePhysique
  let passIae: string | null = null;
  if (src.passNumber === null) err("personnePhysique.passIae", "numéro de PASS IAE illisible");
  else {
    try {
      passIae = parsePassNumber(src.passNumber).value;
    } catch (e) {
      if (!(e instanceof DomainRuleError)) throw e;
      err("personnePhysique.passIae", e.message);
    }
  }
  if (src.passEndsOn < src.passStartsOn) err("personnePhysique.passDateFin", "la fin du PASS précède son début");
  const civilite = src.civility === "M" || src.civility === "MME" ? src.civility : null;
  if (civilite === null) err("personnePhysique.civilite", "civilité à renseigner (M ou MME)");
  const name = (value: string | null, field: string, required: boolean): string | null => {
    if (value === null || value.trim() === "") {
      if (required) err(field, "à renseigner");
      return null;
    }
    const n = aspName(value);
    if (n.error !== null) err(field, n.error);
    return n.value;
  };
  const nomUsage = name(src.lastName, "personnePhysique.nomUsage", true);
  const nomNaissance = name(src.birthName, "personnePhysique.nomNaissance", false);
  const prenom = name(src.firstName, "personnePhysique.prenom", true);
  if (src.birthDate === null) err("personnePhysique.dateNaissance", "date de naissance complète à renseigner");

  // Rule: salarieNIR = the NIR, or the NTT when the NIR is absent or temporary (7/8) — iae-reference §7.2/§9
  let salarieNIR: string | null = null;
  let nirUsable = false;
  if (src.nir !== null) {
    try {
      const nir = validateNir(src.nir);
      nirUsable = !nir.needsNtt;
      if (nirUsable) salarieNIR = nir.value;
    } catch (e) {
      if (!(e instanceof DomainRuleError)) throw e;
      err("personnePhysique.salarieNIR", e.message);
    }
  }
  if (!nirUsable) {
    if (src.ntt === null) err("personnePhysique.salarieNIR", "NIR absent ou provisoire : le NTT est obligatoire");
    else {
      try {
        salarieNIR = validateNtt(src.ntt);
      } catch (e) {
        if (!(e instanceof DomainRuleError)) throw e;
        err("personnePhysique.salarieNIR", e.message);
      }
    }
  }

  // Rule: country of birth (code INSEE pays, 3 digits) → groupe pays 1 France / 2 CEE / 3 hors CEE; born in France → commune of birth — iae-reference §7.2
  let codeInseePays: string | null = null;
  let codeGroupePays: string | null = null;
  if (src.birthCountryCode === null || src.birthCountryCode.trim() === "")
    err("personnePhysique.codeInseePays", "pays de naissance à renseigner");
  else {
    const c = src.birthCountryCode.trim().replace(/^99(\d{3})$/, "$1");
    const group = refs.countries.get(c);
    if (group === undefined) err("personnePhysique.codeInseePays", `code pays INSEE inconnu : ${src.birthCountryCode}`);
    else {
      codeInseePays = c;
      codeGroupePays = group;
    }
  }
  let codeComInsee: { codeComInsee: string | null; codeDpt: string } | null = null;
  const birthCommune = pick("birthCommuneCode");
  if (codeInseePays === "100") {
    if (typeof birthCommune !== "string" || birthCommune === "")
      err("personnePhysique.codeComInsee", "né(e) en France : commune de naissance à renseigner");
    else if (src.birthCommuneDepartement === null) err("personnePhysique.codeComInsee", `commune de naissance inconnue : ${birthCommune}`);
    else codeComInsee = { codeComInsee: normalizeCommuneCode(birthCommune), codeDpt: src.birthCommuneDepartement.padStart(3, "0") };
  } else if (codeInseePays !== null) {
    // Born abroad: département 099 « ETRANGER » of the ASP département list (ref_insee_dpt_v2) [M].
    codeComInsee = { codeComInsee: null, codeDpt: "099" };
  }

  // adresse
  const given = pick("codetypevoie");
  let address: AspAddress | null = null;
  if (typeof given === "string" && given !== "") {
    const c = given.toUpperCase();
    if (!refs.streetTypes.has(c)) err("adresse.codetypevoie", `type de voie inconnu de l'ASP : ${given}`);
    const label = pick("adrLibelleVoie");
    if (typeof label !== "string" || label.trim() === "") err("adresse.adrLibelleVoie", "libellé de voie à renseigner");
    const num = pick("adrNumeroVoie");
    const ext = pick("codeextensionvoie");
    address = {
      adrNumeroVoie: typeof num === "string" && num !== "" ? num : typeof num === "number" ? String(num) : null,
      codeextensionvoie: typeof ext === "string" && ext !== "" ? ext.toUpperCase() : null,
      codetypevoie: refs.streetTypes.get(c) ?? c,
      adrLibelleVoie: typeof label === "string" ? label.trim().toUpperCase() : "",
    };
  } else if (src.addressLine === null || src.addressLine.trim() === "") err("adresse.adrLibelleVoie", "adresse à renseigner");
  else {
    address = splitAddress(src.addressLine, refs.streetTypes);
    if (address === null)
      err(
        "adresse.codetypevoie",
        `adresse « ${src.addressLine} » non découpable (numéro, type de voie ASP, libellé) : renseignez les champs d'adresse`,
      );
  }
  if (address !== null) {
    if (address.adrNumeroVoie !== null && !/^\d{1,5}$/.test(address.adrNumeroVoie))
      err("adresse.adrNumeroVoie", "numéro de voie : 1 à 5 chiffres");
    if (address.codeextensionvoie !== null && !refs.extensions.has(address.codeextensionvoie))
      err("adresse.codeextensionvoie", "extension de voie : B, T, Q ou C");
    if (address.codeextensionvoie !== null && address.adrNumeroVoie === null)
      err("adresse.codeextensionvoie", "une extension (bis, ter…) demande un numéro de voie");
  }
  const cplt = pick("adrCpltDistribution");
  let adrCpltDistribution: string | null = null;
  if (typeof cplt === "string" && cplt !== "") {
    // Rule: adrCpltDistribution ≤ 32 characters among [A-Za-z0-9@ ] — iae-reference §7.2
    if (!/^[A-Za-z0-9@ ]{1,32}$/.test(cplt))
      err("adresse.adrCpltDistribution", "32 caractères au plus, lettres sans accent, chiffres, @ et espaces");
    adrCpltDistribution = cplt;
  }
  if (src.communeCode === null) err("adresse.codeinseecom", "commune de résidence à renseigner");
  if (src.postalCode === null) err("adresse.codepostalcedex", "code postal à renseigner");
  else if (src.postalCodeMatchesCommune === false)
    err("adresse.codepostalcedex", `le code postal ${src.postalCode} n'est pas celui de la commune ${src.communeCode}`);

  // situationSalarie
  if (src.orienteurCode === null) err("situationSalarie.orienteur", "orienteur (prescripteur) à renseigner sur le contrat");
  else if (!refs.orienteurs.has(src.orienteurCode))
    err("situationSalarie.orienteur", `code orienteur inconnu du référentiel ASP : ${src.orienteurCode}`);
  if (src.educationLevelCode === null) err("situationSalarie.niveauFormation", "niveau de formation à renseigner");
  else if (!refs.educationLevels.has(src.educationLevelCode))
    err("situationSalarie.niveauFormation", `niveau de formation inconnu du référentiel ASP : ${src.educationLevelCode}`);
  const enEmploi = bool("salarieEnEmploi", "situationSalarie.salarieEnEmploi");
  const typeEmployeur = code(
    "salarieTypeEmployeur",
    "situationSalarie.salarieTypeEmployeur",
    Object.keys(EMPLOYER_TYPES),
    enEmploi === true,
  );
  const sansEmploiDepuis = code("salarieSansEmploiDepuis", "situationSalarie.salarieSansEmploiDepuis", DURATIONS, enEmploi === false);
  const sansRessource = bool("salarieSansRessource", "situationSalarie.salarieSansRessource");
  const inscrit = bool("inscritPoleEmploi", "situationSalarie.inscritPoleEmploi");
  const inscritDepuis = code("inscritPoleEmploiDepuis", "situationSalarie.inscritPoleEmploiDepuis", DURATIONS, inscrit === true);
  const ideRaw = pick("numeroIDE");
  let numeroIDE: string | null = null;
  if (inscrit === true) {
    if (ideRaw === undefined || ideRaw === null || String(ideRaw).trim() === "")
      err("situationSalarie.numeroIDE", "inscrit à France Travail : identifiant (IDE) à renseigner");
    else if (!/^[0-9A-Z]{1,11}$/.test(String(ideRaw).trim().toUpperCase()))
      err("situationSalarie.numeroIDE", "identifiant France Travail : 11 caractères au plus, lettres et chiffres");
    else numeroIDE = String(ideRaw).trim().toUpperCase();
  }
  // Rule: salarieOETH always false for EITI (les-emplois _SituationForEITISerializer: "Always false for EITI").
  const oeth = eiti ? false : bool("salarieOETH", "situationSalarie.salarieOETH");
  const aideSociale = bool("salarieAideSociale", "situationSalarie.salarieAideSociale");
  const rsa = RSA_VALUES.includes(src.rsa) ? src.rsa : null;
  if (rsa === null) err("situationSalarie.salarieBenefRSA", `valeur « ${src.rsa} » : NON, OUI-M ou OUI-NM`);
  // Rule: a minimum social benefit declared → its duration code (01 < 6 mois … 04 ≥ 24 mois) — iae-reference §7.2
  const rsaDepuis = code("salarieBenefRSADepuis", "situationSalarie.salarieBenefRSADepuis", DURATIONS, rsa !== null && rsa !== "NON");
  const benefit = (key: string) => {
    const flag = bool(`salarieBenef${key}`, `situationSalarie.salarieBenef${key}`);
    const since = code(`salarieBenef${key}Depuis`, `situationSalarie.salarieBenef${key}Depuis`, DURATIONS, flag === true);
    return [flag, since] as const;
  };
  const [ass, assDepuis] = benefit("ASS");
  const [aah, aahDepuis] = benefit("AAH");
  // Rule: the ATA allocation no longer exists: salarieBenefATA is sent false, salarieBenefATADepuis null
  // (les-emplois serializers.py: "ATA fields are outdated", ReadOnlyField(default=False)).

  // Rule: the seven situation flags, required for every mesure since November 2025 (les-emplois _SituationSerializer).
  const flags = Object.fromEntries(
    (Object.keys(SITUATION_FLAGS) as SituationFlag[]).map((k) => [k, bool(k, `situationSalarie.${k}`)]),
  ) as Record<SituationFlag, boolean | null>;

  // Rule: the EITI fields are required for EITI and null for the other mesures (les-emplois _SituationForEITISerializer).
  const eitiFields: Record<string, unknown> = {
    salarieBenefARE: null,
    salarieBenefAREDepuis: null,
    salarieBenefPrimeActivite: null,
    salarieBenefPrimeActiviteDepuis: null,
    salarieBenefCAPE: null,
    salarieBenefCESA: null,
    nomActeurCreationEntr: null,
    revenuMensuelMoyenTI: null,
    cotisationsTI: null,
  };
  if (eiti) {
    const [are, areDepuis] = benefit("ARE");
    const [prime, primeDepuis] = benefit("PrimeActivite");
    eitiFields.salarieBenefARE = are;
    eitiFields.salarieBenefAREDepuis = are === true ? areDepuis : null;
    eitiFields.salarieBenefPrimeActivite = prime;
    eitiFields.salarieBenefPrimeActiviteDepuis = prime === true ? primeDepuis : null;
    eitiFields.salarieBenefCAPE = bool("salarieBenefCAPE", "situationSalarie.salarieBenefCAPE");
    eitiFields.salarieBenefCESA = bool("salarieBenefCESA", "situationSalarie.salarieBenefCESA");
    eitiFields.nomActeurCreationEntr = eitiActorName(pick("nomActeurCreationEntr"), (m) =>
      err("situationSalarie.nomActeurCreationEntr", m),
    );
    eitiFields.revenuMensuelMoyenTI = eitiIncome(pick("revenuMensuelMoyenTI"), (m) => err("situationSalarie.revenuMensuelMoyenTI", m));
    eitiFields.cotisationsTI =
      code("cotisationsTI", "situationSalarie.cotisationsTI", EITI_CONTRIBUTIONS, false) ?? EITI_CONTRIBUTION_UNDETERMINED;
  }

  const line: AspLine = {
    numLigne: 0,
    typeMouvement: movement,
    siret: src.siret,
    mesure: src.mesure,
    numeroAnnexe: src.annexNumber,
    personnePhysique: {
      passIae,
      sufPassIae: null,
      idItou: src.idItou,
      civilite,
      nomUsage,
      nomNaissance,
      prenom,
      dateNaissance: src.birthDate === null ? null : formatFrenchDate(src.birthDate),
      codeComInsee,
      codeInseePays,
      codeGroupePays,
      passDateDeb: formatFrenchDate(src.passStartsOn),
      passDateFin: formatFrenchDate(src.passEndsOn),
      salarieNIR,
    },
    adresse: {
      // Rule: phone and e-mail are sent empty — the ASP rejects valid ones (les-emplois serializers.py: NullField).
      adrTelephone: null,
      adrMail: null,
      adrNumeroVoie: address?.adrNumeroVoie ?? null,
      codeextensionvoie: address?.codeextensionvoie ?? null,
      codetypevoie: address?.codetypevoie ?? null,
      // Rule: without diacritics nor parentheses, else ASP error 3330 (les-emplois serializers.py get_adrLibelleVoie).
      adrLibelleVoie: address === null ? null : aspLaneName(address.adrLibelleVoie),
      adrCpltDistribution,
      codeinseecom: src.communeCode,
      codepostalcedex: src.postalCode,
    },
    situationSalarie: {
      orienteur: src.orienteurCode,
      niveauFormation: src.educationLevelCode,
      salarieEnEmploi: enEmploi,
      salarieTypeEmployeur: enEmploi === true ? typeEmployeur : null,
      salarieSansEmploiDepuis: enEmploi === false ? sansEmploiDepuis : null,
      salarieSansRessource: sansRessource,
      inscritPoleEmploi: inscrit,
      inscritPoleEmploiDepuis: inscrit === true ? inscritDepuis : null,
      numeroIDE,
      salarieRQTH: src.rqth,
      salarieOETH: oeth,
      salarieAideSociale: aideSociale,
      salarieBenefRSA: rsa,
      salarieBenefRSADepuis: rsa !== null && rsa !== "NON" ? rsaDepuis : null,
      salarieBenefASS: ass,
      salarieBenefASSDepuis: ass === true ? assDepuis : null,
      salarieBenefAAH: aah,
      salarieBenefAAHDepuis: aah === true ? aahDepuis : null,
      salarieBenefATA: false,
      salarieBenefATADepuis: null,
      ...eitiFields,
      ...flags,
    },
    codeTraitement: null,
    libelleTraitement: null,
  };
  return { line, errors };
}

// Rule: nomActeurCreationEntr — upper-case ASCII, letters, space and hyphen, ≤ 100 characters (cut at a word)
// — les-emplois itou/users/models.py actor_met_for_business_creation, serializers.py get_nomActeurCreationEntr.
export function eitiActorName(raw: unknown, fail: (message: string) => void): string | null {
  if (typeof raw !== "string" || raw.trim() === "") {
    fail("à renseigner (EITI)");
    return null;
  }
  const v = foldAscii(raw);
  if (!/^[A-Z -]*$/.test(v)) {
    fail("lettres, espaces et tirets seulement");
    return null;
  }
  return v.length > 100 ? v.slice(0, 100).replace(/\s+\S*$/, "") : v;
}

// Rule: revenuMensuelMoyenTI — decimal ≥ 0 with at most 7 digits, 2 after the comma, written the French way
// ("12345,67") — les-emplois serializers.py DecimalField(max_digits=7, decimal_places=2, localize=True).
export function eitiIncome(raw: unknown, fail: (message: string) => void): string | null {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim().replace(",", ".") : "";
  if (text === "") {
    fail("à renseigner (EITI, en euros)");
    return null;
  }
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(text)) {
    fail("montant en euros, 99 999,99 au plus, 2 décimales");
    return null;
  }
  const [units, cents = ""] = text.split(".");
  return `${units},${cents.padEnd(2, "0")}`;
}
