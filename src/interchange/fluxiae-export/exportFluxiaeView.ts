// `passerelle export fluxiae --view <View> --out <file>`: one FluxIAE view of Passerelle's data as the
// ASP writes it (format.ts), streamed page by page from one consistent snapshot (REPEATABLE READ
// transaction) into `<out>.partial`, renamed to <out> only when complete (never a half-written file).
// gzip when asked or when <out> ends with `.gz` (the ASP's `.csv.gz`).
// NIR and PASS numbers are written only for an authorised export (personalData cipher given), and
// such an export is recorded in the audit trail in the same transaction.
import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../db/connection.js";
import type { Actor } from "../../db/audit.js";
import { recordAudit } from "../../db/audit.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import { debLine, finLine, fluxLine } from "./format.js";
import { type FluxiaeExportView, VIEW_DEFINITIONS } from "./views.js";

export interface ExportFluxiaeOptions {
  view: FluxiaeExportView;
  out: string;
  /** Force gzip (otherwise: when out ends with .gz). */
  gzip?: boolean;
  /** Authorised export of NIR / PASS numbers (Salarie view): the cipher to decrypt them. */
  personalData?: PersonalDataCipher;
  actor: Actor;
  /** Time written in the DEB line. */
  now?: Date;
  pageSize?: number;
  /** Called after each page with the number of rows written so far. */
  onProgress?: (rows: number) => void;
}

export interface ExportFluxiaeResult {
  view: FluxiaeExportView;
  file: string;
  rows: number;
  gzip: boolean;
  personalData: boolean;
}

export async function exportFluxiaeView(handle: DatabaseHandle, options: ExportFluxiaeOptions): Promise<ExportFluxiaeResult> {
  const definition = VIEW_DEFINITIONS[options.view];
  const gzip = options.gzip ?? /\.gz$/i.test(options.out);
  const width = definition.columns.length;
  const partial = `${options.out}.partial`;
  const personalData = definition.personal ? options.personalData : undefined;
  let rows = 0;
  try {
    await handle.withTransaction(async ({ db }) => {
      await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(db);
      async function* lines(): AsyncGenerator<string> {
        yield debLine(definition.view, options.now ?? new Date(), width);
        yield fluxLine(definition.columns);
        for await (const page of definition.pages({ db, pageSize: options.pageSize ?? 5000, ...(personalData ? { personalData } : {}) })) {
          let chunk = "";
          for (const row of page) chunk += fluxLine(row);
          rows += page.length;
          yield chunk;
          options.onProgress?.(rows);
        }
        yield finLine(rows, width);
      }
      const source = Readable.from(lines());
      if (gzip) await pipeline(source, createGzip(), createWriteStream(partial));
      else await pipeline(source, createWriteStream(partial));
    });
    // Recorded after the snapshot's transaction (the audit chain's head is read at commit, which a
    // REPEATABLE READ transaction cannot do once another writer has moved it), before the file is
    // given its name: no personal export without its audit row.
    if (personalData) {
      await recordAudit(handle.db, options.actor, {
        action: "export.fluxiae.personal_data",
        entity: "export",
        entityId: definition.view,
        after: { view: definition.view, rows, file: options.out },
      });
    }
    await rename(partial, options.out);
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  return { view: definition.view, file: options.out, rows, gzip, personalData: personalData !== undefined };
}
