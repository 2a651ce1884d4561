// Ingest of an ASP return file (`RIAE_FS_<YYYYMMDDHHMMSS>_FichierRetour.json`, iae-reference §7.2):
// the ASP echoes each sent line with codeTraitement ('0000' accepted) and libelleTraitement. Each line
// is matched to what was sent — by (batch file, numLigne) when the file name gives the batch, else by
// (mesure, SIRET, PASS IAE number through its keyed hash) — and its code and label are recorded on the
// line and on the fiche: PROCESSED for 0000, and for 3436 (the ASP already has this record: duplicate,
// handled as accepted like les-emplois does) [M]; REJECTED otherwise (to fix and resend).
// One transaction (runImport): all or nothing, an import_run record, a rejection per unmatched line.
// Re-ingesting the same file changes nothing (counted as unchanged).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../db/connection.js";
import { recordAudit } from "../../db/audit.js";
import type { Actor } from "../../db/audit.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import { ImportInputError, type ImportReport } from "../importReport.js";
import { runImport, sha256 } from "../importRun.js";

export const ACCEPTED_CODES = ["0000", "3436"] as const;

interface ReturnLine {
  numLigne: number;
  index: number;
  textLine: number | null;
  codeTraitement: string;
  libelleTraitement: string | null;
  mesure: string | null;
  siret: string | null;
  passIae: string | null;
}

/** Batch file name a return file answers (RIAE_FS_20220315102030_FichierRetour.json → RIAE_FS_20220315102030.json), or null. */
export function batchOfReturnFile(fileName: string): string | null {
  const m = /(RIAE_FS_\d{14})_FichierRetour\.json$/i.exec(path.basename(fileName));
  return m ? `${m[1]?.toUpperCase()}.json` : null;
}

/** Parse and check the return file; throws ImportInputError (file, line, field) on a malformed one. */
export function parseReturnFile(text: string, file: string): ReturnLine[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ""));
  } catch (e) {
    throw new ImportInputError(`${file} : JSON illisible (${e instanceof Error ? e.message : String(e)})`, [
      { file, line: null, column: null, reason: "JSON illisible" },
    ]);
  }
  const lines = (doc as { lignesTelechargement?: unknown })?.lignesTelechargement;
  if (!Array.isArray(lines))
    throw new ImportInputError(`${file} : ce n'est pas un fichier retour de fiches salarié (pas de « lignesTelechargement »)`, [
      { file, line: null, column: "lignesTelechargement", reason: "champ absent" },
    ]);
  const textLines = text.split("\n");
  const lineOfNum = (n: number): number | null => {
    const re = new RegExp(`"numLigne"\\s*:\\s*${n}\\b`);
    const i = textLines.findIndex((l) => re.test(l));
    return i < 0 ? null : i + 1;
  };
  const issues: { file: string; line: number | null; column: string | null; reason: string }[] = [];
  const out: ReturnLine[] = [];
  lines.forEach((raw, index) => {
    const l = raw as Record<string, unknown>;
    const num = typeof l["numLigne"] === "number" ? l["numLigne"] : Number(l["numLigne"]);
    const where = Number.isInteger(num) ? lineOfNum(num) : null;
    if (!Number.isInteger(num) || num < 1)
      issues.push({ file, line: where, column: `lignesTelechargement[${index}].numLigne`, reason: "numLigne entier ≥ 1 attendu" });
    const code = l["codeTraitement"];
    if (typeof code !== "string" || !/^\d{4}$/.test(code))
      issues.push({
        file,
        line: where,
        column: `lignesTelechargement[${index}].codeTraitement`,
        reason: "codeTraitement à 4 chiffres attendu",
      });
    const pp = (l["personnePhysique"] ?? {}) as Record<string, unknown>;
    out.push({
      numLigne: num,
      index,
      textLine: where,
      codeTraitement: typeof code === "string" ? code : "",
      libelleTraitement: typeof l["libelleTraitement"] === "string" ? l["libelleTraitement"] : null,
      mesure: typeof l["mesure"] === "string" ? l["mesure"] : null,
      siret: typeof l["siret"] === "string" ? l["siret"] : null,
      passIae: typeof pp["passIae"] === "string" ? pp["passIae"] : null,
    });
  });
  if (issues.length > 0) throw new ImportInputError(`${file} : fichier retour mal formé (${issues.length} erreur(s))`, issues);
  return out;
}

export interface ReturnImportOptions {
  pii: PersonalDataCipher;
  actor: Actor;
  dryRun?: boolean;
  /** Name shown in reports (default: the path). */
  source?: string;
}

export async function importFicheSalarieReturn(
  handle: DatabaseHandle,
  filePath: string,
  options: ReturnImportOptions,
): Promise<ImportReport> {
  const bytes = await readFile(filePath).catch((e: Error) => {
    throw new ImportInputError(`Fichier illisible : ${filePath} (${e.message})`);
  });
  const file = path.basename(filePath);
  const lines = parseReturnFile(bytes.toString("utf8"), file);
  const batch = batchOfReturnFile(file);
  return runImport(
    handle,
    {
      format: "fiche-salarie-retour",
      source: options.source ?? filePath,
      checksum: sha256(bytes),
      dryRun: options.dryRun === true,
      actor: options.actor,
    },
    async ({ db }, tally) => {
      for (const l of lines) {
        tally.rowsRead++;
        let target: { line_id: number | null; fiche_id: number; return_code: string | null; return_label: string | null } | undefined;
        if (batch !== null) {
          target = (
            await sql<{ line_id: number; fiche_id: number; return_code: string | null; return_label: string | null }>`
            SELECT id AS line_id, fiche_id, return_code, return_label FROM fiche_salarie_line WHERE batch_file = ${batch} AND line_number = ${l.numLigne}`.execute(
              db,
            )
          ).rows[0];
        }
        if (target === undefined && l.passIae !== null && l.mesure !== null && l.siret !== null) {
          const hash = options.pii.hash("pass", l.passIae);
          target = (
            await sql<{ line_id: number | null; fiche_id: number; return_code: string | null; return_label: string | null }>`
            SELECT (SELECT fl.id FROM fiche_salarie_line fl WHERE fl.fiche_id = f.id ORDER BY fl.sent_at DESC, fl.id DESC LIMIT 1) AS line_id,
                   f.id AS fiche_id, f.return_code, f.return_label
            FROM fiche_salarie f JOIN approval a ON a.id = f.approval_id
            WHERE a.number_hash = ${hash} AND f.mesure_code = ${l.mesure} AND f.siret = ${l.siret}`.execute(db)
          ).rows[0];
        }
        if (target === undefined) {
          tally.reject({
            file,
            line: l.textLine,
            column: `lignesTelechargement[${l.index}]`,
            reason:
              batch !== null
                ? `ligne ${l.numLigne} du lot ${batch} inconnue de Passerelle (ni envoyée, ni retrouvée par mesure, SIRET et PASS IAE)`
                : `fiche inconnue de Passerelle (mesure ${l.mesure ?? "?"}, SIRET ${l.siret ?? "?"}, PASS IAE donné)`,
          });
          continue;
        }
        if (target.return_code === l.codeTraitement && target.return_label === l.libelleTraitement) {
          tally.unchanged++;
          continue;
        }
        const status = (ACCEPTED_CODES as readonly string[]).includes(l.codeTraitement) ? "PROCESSED" : "REJECTED";
        if (target.line_id !== null) {
          await sql`UPDATE fiche_salarie_line SET return_code = ${l.codeTraitement}, return_label = ${l.libelleTraitement}, returned_at = now() WHERE id = ${target.line_id}`.execute(
            db,
          );
        }
        // The fiche takes the answer only for its latest line (an old return file must not overwrite a newer sending).
        const latest = await sql<{ id: number; person_id: number; structure_id: number }>`
        UPDATE fiche_salarie f SET status = ${status}, return_code = ${l.codeTraitement}, return_label = ${l.libelleTraitement}, returned_at = now(), updated_at = now()
        WHERE f.id = ${target.fiche_id}
          AND (${target.line_id}::bigint IS NULL OR ${target.line_id}::bigint = (SELECT fl.id FROM fiche_salarie_line fl WHERE fl.fiche_id = f.id ORDER BY fl.sent_at DESC, fl.id DESC LIMIT 1))
        RETURNING f.id, f.person_id, f.structure_id`.execute(db);
        const fiche = latest.rows[0];
        if (fiche) {
          await recordAudit(db, options.actor, {
            action: "fiche_salarie.return",
            entity: "fiche_salarie",
            entityId: fiche.id,
            personId: fiche.person_id,
            structureId: fiche.structure_id,
            after: { status, codeTraitement: l.codeTraitement, libelleTraitement: l.libelleTraitement, file },
          });
        }
        tally.updated++;
      }
    },
  );
}
