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
import type { FicheReferentials } from "./aspReferentials.js";
import { aspName } from "./aspText.js";

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

const DURATION_CODES = ["01", "02", "03", "04"];
const EMPLOYER_TYPES = ["01", "02", "03", "04", "05", "06", "07"];
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
  if (src.birthCountryCode === null || src.birthCountryCode.trim() === "") err("personnePhysique.codeInseePays", "pays de naissance à renseigner");
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
    if (typeof birthCommune !== "string" || birthCommune === "") err("personnePhysique.codeComInsee", "né(e) en France : commune de naissance à renseigner");
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
    if (address === null) err("adresse.codetypevoie", `adresse « ${src.addressLine} » non découpable (numéro, type de voie ASP, libellé) : renseignez les champs d'adresse`);
  }
  if (address !== null) {
    if (address.adrNumeroVoie !== null && !/^\d{1,5}$/.test(address.adrNumeroVoie)) err("adresse.adrNumeroVoie", "numéro de voie : 1 à 5 chiffres");
    if (address.codeextensionvoie !== null && !refs.extensions.has(address.codeextensionvoie)) err("adresse.codeextensionvoie", "extension de voie : B, T, Q ou C");
    if (address.codeextensionvoie !== null && address.adrNumeroVoie === null) err("adresse.codeextensionvoie", "une extension (bis, ter…) demande un numéro de voie");
  }
  const cplt = pick("adrCpltDistribution");
  let adrCpltDistribution: string | null = null;
  if (typeof cplt === "string" && cplt !== "") {
    // Rule: adrCpltDistribution ≤ 32 characters among [A-Za-z0-9@ ] — iae-reference §7.2
    if (!/^[A-Za-z0-9@ ]{1,32}$/.test(cplt)) err("adresse.adrCpltDistribution", "32 caractères au plus, lettres sans accent, chiffres, @ et espaces");
    adrCpltDistribution = cplt;
  }
  if (src.communeCode === null) err("adresse.codeinseecom", "commune de résidence à renseigner");
  if (src.postalCode === null) err("adresse.codepostalcedex", "code postal à renseigner");
  else if (src.postalCodeMatchesCommune === false) err("adresse.codepostalcedex", `le code postal ${src.postalCode} n'est pas celui de la commune ${src.communeCode}`);

  // situationSalarie
  if (src.orienteurCode === null) err("situationSalarie.orienteur", "orienteur (prescripteur) à renseigner sur le contrat");
  else if (!refs.orienteurs.has(src.orienteurCode)) err("situationSalarie.orienteur", `code orienteur inconnu du référentiel ASP : ${src.orienteurCode}`);
  if (src.educationLevelCode === null) err("situationSalarie.niveauFormation", "niveau de formation à renseigner");
  else if (!refs.educationLevels.has(src.educationLevelCode)) err("situationSalarie.niveauFormation", `niveau de formation inconnu du référentiel ASP : ${src.educationLevelCode}`);
  const enEmploi = bool("salarieEnEmploi", "situationSalarie.salarieEnEmploi");
  const typeEmployeur = code("salarieTypeEmployeur", "situationSalarie.salarieTypeEmployeur", EMPLOYER_TYPES, enEmploi === true);
  const sansEmploiDepuis = code("salarieSansEmploiDepuis", "situationSalarie.salarieSansEmploiDepuis", DURATION_CODES, enEmploi === false);
  const sansRessource = bool("salarieSansRessource", "situationSalarie.salarieSansRessource");
  const inscrit = bool("inscritPoleEmploi", "situationSalarie.inscritPoleEmploi");
  const inscritDepuis = code("inscritPoleEmploiDepuis", "situationSalarie.inscritPoleEmploiDepuis", DURATION_CODES, inscrit === true);
  const ideRaw = pick("numeroIDE");
  let numeroIDE: string | null = null;
  if (inscrit === true) {
    if (ideRaw === undefined || ideRaw === null || String(ideRaw).trim() === "") err("situationSalarie.numeroIDE", "inscrit à France Travail : identifiant (IDE) à renseigner");
    else if (!/^[0-9A-Z]{1,11}$/.test(String(ideRaw).trim().toUpperCase())) err("situationSalarie.numeroIDE", "identifiant France Travail : 11 caractères au plus, lettres et chiffres");
    else numeroIDE = String(ideRaw).trim().toUpperCase();
  }
  const oeth = bool("salarieOETH", "situationSalarie.salarieOETH");
  const aideSociale = bool("salarieAideSociale", "situationSalarie.salarieAideSociale");
  const rsa = RSA_VALUES.includes(src.rsa) ? src.rsa : null;
  if (rsa === null) err("situationSalarie.salarieBenefRSA", `valeur « ${src.rsa} » : NON, OUI-M ou OUI-NM`);
  // Rule: a minimum social benefit declared → its duration code (01 < 6 mois … 04 ≥ 24 mois) — iae-reference §7.2
  const rsaDepuis = code("salarieBenefRSADepuis", "situationSalarie.salarieBenefRSADepuis", DURATION_CODES, rsa !== null && rsa !== "NON");
  const benefit = (key: string) => {
    const flag = bool(`salarieBenef${key}`, `situationSalarie.salarieBenef${key}`);
    const since = code(`salarieBenef${key}Depuis`, `situationSalarie.salarieBenef${key}Depuis`, DURATION_CODES, flag === true);
    return [flag, since] as const;
  };
  const [ass, assDepuis] = benefit("ASS");
  const [aah, aahDepuis] = benefit("AAH");
  const [ata, ataDepuis] = benefit("ATA");

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
      adrTelephone: src.phone === null ? null : src.phone.replace(/[\s.-]/g, ""),
      adrMail: src.email,
      adrNumeroVoie: address?.adrNumeroVoie ?? null,
      codeextensionvoie: address?.codeextensionvoie ?? null,
      codetypevoie: address?.codetypevoie ?? null,
      adrLibelleVoie: address?.adrLibelleVoie ?? null,
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
      salarieBenefATA: ata,
      salarieBenefATADepuis: ata === true ? ataDepuis : null,
    },
    codeTraitement: null,
    libelleTraitement: null,
  };
  return { line, errors };
}
