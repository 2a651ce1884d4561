// What a structure has to send to the ASP (iae-reference §7.2): one fiche per (mesure, SIRET, PASS IAE)
// for hirings since 2021-09-27 (EITI since 2024-03-25), droit-commun mesures only (aspCodeLists.ts FICHE_MESURES), from the initial contract of the latest
// recruitment under that PASS. Movement: C when never sent (or resent after a rejection of a C),
// M when the PASS dates changed since the last accepted record (suspension, prolongation); nothing
// while a sent file awaits its return file, nor when the ASP already has the same dates.
import { sql } from "kysely";
import type { Db } from "../../db/schema.js";
import { cipherCells, type PersonalDataCipher } from "../../security/personalData.js";
import type { FicheReferentials } from "./aspReferentials.js";
import { loadFileReferentials } from "./aspReferentials.js";
import { FICHE_MESURES } from "./aspCodeLists.js";
import { FICHE_DEFAULT_START, FICHE_START, type FicheSource, type Movement } from "./buildRecord.js";

export interface FicheCandidate {
  source: FicheSource;
  ficheId: number | null;
  /** null: nothing to send (see skipReason). */
  movement: Movement | null;
  skipReason: "en_attente_retour" | "a_jour" | null;
}

interface Row {
  contract_id: number;
  person_id: number;
  approval_id: number;
  structure_id: number;
  mesure_code: string;
  orienteur_code: string | null;
  education_level_code: string | null;
  rsa: string;
  rqth: boolean;
  extra: unknown;
  siret: string | null;
  number_encrypted: string | null;
  pass_starts_on: string;
  pass_ends_on: string;
  civility: string | null;
  last_name: string | null;
  birth_name: string | null;
  first_name: string | null;
  birth_date: string | null;
  birth_country_code: string | null;
  nir_encrypted: string | null;
  ntt: string | null;
  phone: string | null;
  email: string | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  postal_ok: boolean | null;
  complement: unknown;
  birth_dpt: string | null;
  annex_number: string | null;
  fiche_id: number | null;
  status: string | null;
  last_movement: string | null;
  sent_starts_on: string | null;
  sent_ends_on: string | null;
}

/** idItou: 30 hexadecimal characters, stable per person, from a keyed hash (reveals nothing). */
export function idItouOf(pii: PersonalDataCipher, personId: number): string {
  return pii.hash("identity", `passerelle-person:${personId}`).slice(0, 30);
}

export async function loadReferentials(db: Db): Promise<FicheReferentials> {
  const orienteurs = await db.selectFrom("ref_orienteur").select("code").execute();
  const levels = await db.selectFrom("ref_education_level").select("code").execute();
  return {
    ...loadFileReferentials(),
    orienteurs: new Set(orienteurs.map((o) => o.code)),
    educationLevels: new Set(levels.map((l) => l.code)),
  };
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export async function collectFiches(db: Db, pii: PersonalDataCipher, structureId: number): Promise<FicheCandidate[]> {
  const eiti = FICHE_START["EITI_DC"] ?? FICHE_DEFAULT_START;
  const rows = await sql<Row>`
    SELECT DISTINCT ON (c.approval_id)
      c.id AS contract_id, c.person_id, c.approval_id, c.structure_id, c.mesure_code, c.orienteur_code,
      coalesce(c.education_level_code, p.education_level_code) AS education_level_code, c.rsa, c.rqth, c.extra,
      s.siret, a.number_encrypted, a.starts_on AS pass_starts_on, a.ends_on AS pass_ends_on,
      p.civility, p.last_name, p.birth_name, p.first_name, p.birth_date, p.birth_country_code, p.nir_encrypted, p.ntt,
      p.phone, p.email, p.address_line, p.postal_code, p.commune_code,
      CASE WHEN p.postal_code IS NULL OR p.commune_code IS NULL THEN NULL
           ELSE EXISTS (SELECT 1 FROM ref_postal_code pc WHERE pc.postal_code = p.postal_code AND pc.commune_code = p.commune_code) END AS postal_ok,
      fc.data AS complement, bc.departement_code AS birth_dpt,
      (SELECT fa.number FROM counting_annex fa
        WHERE fa.structure_id = c.structure_id AND fa.mesure_code = c.mesure_code AND fa.starts_on <= c.starts_on AND fa.ends_on >= c.starts_on
        ORDER BY fa.renewal DESC, fa.modification DESC LIMIT 1) AS annex_number,
      f.id AS fiche_id, f.status, f.last_movement, f.pass_starts_on AS sent_starts_on, f.pass_ends_on AS sent_ends_on
    FROM contract c
    JOIN structure s ON s.id = c.structure_id
    JOIN approval a ON a.id = c.approval_id
    JOIN person p ON p.id = c.person_id
    LEFT JOIN fiche_salarie_complement fc ON fc.contract_id = c.id
    LEFT JOIN ref_commune bc ON bc.code = fc.data->>'birthCommuneCode'
    LEFT JOIN fiche_salarie f ON f.approval_id = c.approval_id AND f.mesure_code = c.mesure_code AND f.siret = s.siret
    WHERE c.structure_id = ${structureId} AND c.rank = 0 AND c.approval_id IS NOT NULL
      AND c.mesure_code = ANY(${sql.val([...FICHE_MESURES])}::text[])
      AND c.starts_on >= (CASE WHEN c.mesure_code = 'EITI_DC' THEN ${eiti} ELSE ${FICHE_DEFAULT_START} END)::date
    ORDER BY c.approval_id, c.starts_on DESC, c.id DESC`.execute(db);
  return rows.rows.map((r) => {
    const source: FicheSource = {
      structureId: Number(r.structure_id),
      personId: Number(r.person_id),
      approvalId: Number(r.approval_id),
      contractId: Number(r.contract_id),
      siret: r.siret,
      mesure: r.mesure_code,
      annexNumber: r.annex_number,
      passNumber: r.number_encrypted === null ? null : pii.decrypt(r.number_encrypted, cipherCells.approvalNumber(r.approval_id)),
      passStartsOn: r.pass_starts_on,
      passEndsOn: r.pass_ends_on,
      idItou: idItouOf(pii, Number(r.person_id)),
      civility: r.civility,
      lastName: r.last_name,
      birthName: r.birth_name,
      firstName: r.first_name,
      birthDate: r.birth_date,
      birthCountryCode: r.birth_country_code,
      nir: r.nir_encrypted === null ? null : pii.decrypt(r.nir_encrypted, cipherCells.personNir(r.person_id)),
      ntt: r.ntt,
      phone: r.phone,
      email: r.email,
      addressLine: r.address_line,
      postalCode: r.postal_code,
      communeCode: r.commune_code,
      postalCodeMatchesCommune: r.postal_ok,
      birthCommuneDepartement: r.birth_dpt,
      orienteurCode: r.orienteur_code,
      educationLevelCode: r.education_level_code,
      rsa: r.rsa,
      rqth: r.rqth,
      complement: asObject(r.complement),
      contractExtra: asObject(r.extra),
    };
    let movement: Movement | null = "C";
    let skipReason: FicheCandidate["skipReason"] = null;
    if (r.fiche_id !== null) {
      if (r.status === "SENT") {
        movement = null;
        skipReason = "en_attente_retour";
      } else if (r.status === "REJECTED") movement = r.last_movement === "M" ? "M" : "C";
      else if (r.sent_starts_on !== r.pass_starts_on || r.sent_ends_on !== r.pass_ends_on) movement = "M";
      else {
        movement = null;
        skipReason = "a_jour";
      }
    }
    return { source, ficheId: r.fiche_id === null ? null : Number(r.fiche_id), movement, skipReason };
  });
}
