// `passerelle export fiches-salarie --structure <id> --out <folder>`: the fiches salarié a structure
// has to send to the ASP (collectFiches.ts), validated before sending (buildRecord.ts: every error
// per salarié and field), the valid ones written as RIAE_FS_<YYYYMMDDHHMMSS>.json batches (≤ 700 lines,
// ≤ 2 MB) and recorded as sent (fiche_salarie, fiche_salarie_line) in the same transaction, audited.
// A salarié with errors is not sent; the others are. With dryRun nothing is written nor recorded.
// Files are written as .partial and renamed; if recording fails, the written files are removed.
import { existsSync } from "node:fs";
import { rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import type { DatabaseHandle } from "../../db/connection.js";
import type { Actor } from "../../db/audit.js";
import type { Database } from "../../db/schema.js";
import { recordAudit } from "../../db/audit.js";
import { NotFoundError } from "../../operations/types.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import { batchFileName, splitByMovement } from "./batches.js";
import { type AspLine, buildRecord, type FicheError, type Movement } from "./buildRecord.js";
import { collectFiches, loadReferentials } from "./collectFiches.js";

export interface FichesExportOptions {
  structureId: number;
  outDir: string;
  pii: PersonalDataCipher;
  actor: Actor;
  dryRun?: boolean;
  now?: Date;
  maxLines?: number;
  maxBytes?: number;
  /** Runs in the export's transaction once the batches are recorded: a job keeps its file with them (fichesSalarieJob.ts). */
  onRecorded?: (db: Kysely<Database>, batches: { name: string; data: Buffer }[], result: FichesExportResult) => Promise<void>;
  /** After each fiche recorded as sent: how many so far, out of how many to send (a job's progress). */
  onProgress?: (recorded: number, toSend: number) => void;
}

export interface InvalidFiche {
  personId: number;
  contractId: number;
  /** Name as the SIAE knows it, to find the salarié (never the NIR). */
  salarie: string;
  movement: Movement;
  errors: FicheError[];
}

export interface FichesExportResult {
  structureId: number;
  dryRun: boolean;
  files: { file: string; lines: number; bytes: number }[];
  sent: number;
  creations: number;
  modifications: number;
  awaitingReturn: number;
  upToDate: number;
  invalid: InvalidFiche[];
}

export async function exportFichesSalarie(handle: DatabaseHandle, options: FichesExportOptions): Promise<FichesExportResult> {
  const written: string[] = [];
  try {
    return await handle.withTransaction(async ({ db }) => {
      const structure = await db.selectFrom("structure").select(["id", "siret"]).where("id", "=", options.structureId).executeTakeFirst();
      if (!structure) throw new NotFoundError("structure", options.structureId);
      // One sender at a time per structure: two concurrent exports would send the same fiches twice.
      await sql`SELECT id FROM structure WHERE id = ${options.structureId} FOR UPDATE`.execute(db);
      const refs = await loadReferentials(db);
      const candidates = await collectFiches(db, options.pii, options.structureId);
      const toSend: { line: AspLine; candidate: (typeof candidates)[number] }[] = [];
      const invalid: InvalidFiche[] = [];
      let awaitingReturn = 0;
      let upToDate = 0;
      for (const c of candidates) {
        if (c.movement === null) {
          if (c.skipReason === "en_attente_retour") awaitingReturn++;
          else upToDate++;
          continue;
        }
        const { line, errors } = buildRecord(c.source, refs, c.movement);
        if (errors.length > 0) {
          invalid.push({
            personId: c.source.personId,
            contractId: c.source.contractId,
            salarie: [c.source.lastName, c.source.firstName].filter((x) => x !== null).join(" ") || `personne n° ${c.source.personId}`,
            movement: c.movement,
            errors,
          });
        } else toSend.push({ line, candidate: c });
      }
      // Names one second apart, skipping any already used (in the folder or already recorded).
      const used = new Set(
        (await sql<{ batch_file: string }>`SELECT DISTINCT batch_file FROM fiche_salarie_line`.execute(db)).rows.map((r) => r.batch_file),
      );
      let second = 0;
      const start = (options.now ?? new Date()).getTime();
      const nameAt = () => {
        for (;;) {
          const name = batchFileName(new Date(start + second * 1000));
          second++;
          if (!used.has(name) && !existsSync(path.join(options.outDir, name))) {
            used.add(name);
            return name;
          }
        }
      };
      // Rule: modification (M) lines travel in their own files, never mixed with creations (C) — batches.ts
      // splitByMovement (les-emplois transfer_employee_records_updates.py). Creations first, as the files are.
      toSend.sort((a, b) => (a.line.typeMouvement === b.line.typeMouvement ? 0 : a.line.typeMouvement === "C" ? -1 : 1));
      const batches = splitByMovement(
        toSend.map((s) => s.line),
        nameAt,
        options.maxLines,
        options.maxBytes,
      );
      const result: FichesExportResult = {
        structureId: options.structureId,
        dryRun: options.dryRun === true,
        files: batches.map((b) => ({
          file: path.join(options.outDir, b.fileName),
          lines: b.lines.length,
          bytes: Buffer.byteLength(b.json),
        })),
        sent: toSend.length,
        creations: toSend.filter((s) => s.line.typeMouvement === "C").length,
        modifications: toSend.filter((s) => s.line.typeMouvement === "M").length,
        awaitingReturn,
        upToDate,
        invalid,
      };
      if (options.dryRun) return result;
      const sentAt = options.now ?? new Date();
      let index = 0;
      for (const batch of batches) {
        const file = path.join(options.outDir, batch.fileName);
        await writeFile(`${file}.partial`, batch.json, { flag: "wx" });
        written.push(`${file}.partial`);
        for (const line of batch.lines) {
          const item = toSend[index++];
          if (!item) throw new Error("lot incohérent");
          const c = item.candidate;
          const s = c.source;
          let ficheId = c.ficheId;
          if (ficheId === null) {
            const inserted = await sql<{ id: number }>`
              INSERT INTO fiche_salarie (structure_id, person_id, approval_id, contract_id, mesure_code, siret, id_itou, status,
                pass_starts_on, pass_ends_on, last_movement, last_batch_file, last_line, last_sent_at)
              VALUES (${s.structureId}, ${s.personId}, ${s.approvalId}, ${s.contractId}, ${s.mesure}, ${s.siret}, ${s.idItou}, 'SENT',
                ${s.passStartsOn}, ${s.passEndsOn}, ${line.typeMouvement}, ${batch.fileName}, ${line.numLigne}, ${sentAt})
              RETURNING id`.execute(db);
            ficheId = Number(inserted.rows[0]?.id);
          } else {
            await sql`
              UPDATE fiche_salarie SET status = 'SENT', contract_id = ${s.contractId}, pass_starts_on = ${s.passStartsOn}, pass_ends_on = ${s.passEndsOn},
                last_movement = ${line.typeMouvement}, last_batch_file = ${batch.fileName}, last_line = ${line.numLigne}, last_sent_at = ${sentAt},
                return_code = NULL, return_label = NULL, returned_at = NULL, updated_at = now()
              WHERE id = ${ficheId}`.execute(db);
          }
          await sql`
            INSERT INTO fiche_salarie_line (fiche_id, batch_file, line_number, movement, pass_starts_on, pass_ends_on, sent_at)
            VALUES (${ficheId}, ${batch.fileName}, ${line.numLigne}, ${line.typeMouvement}, ${s.passStartsOn}, ${s.passEndsOn}, ${sentAt})`.execute(
            db,
          );
          options.onProgress?.(index, toSend.length);
        }
        await recordAudit(db, options.actor, {
          action: "fiche_salarie.send",
          entity: "fiche_salarie_batch",
          entityId: batch.fileName,
          structureId: options.structureId,
          after: {
            file: batch.fileName,
            lines: batch.lines.length,
            creations: batch.lines.filter((l) => l.typeMouvement === "C").length,
            modifications: batch.lines.filter((l) => l.typeMouvement === "M").length,
          },
        });
      }
      await options.onRecorded?.(
        db,
        batches.map((b) => ({ name: b.fileName, data: Buffer.from(b.json) })),
        result,
      );
      for (const partial of [...written]) {
        await rename(partial, partial.replace(/\.partial$/, ""));
        written.splice(written.indexOf(partial), 1, partial.replace(/\.partial$/, ""));
      }
      return result;
    });
  } catch (error) {
    for (const f of written) await unlink(f).catch(() => undefined);
    throw error;
  }
}
