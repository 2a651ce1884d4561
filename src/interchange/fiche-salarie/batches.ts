// Batch files of fiches salarié (iae-reference §7.2): named exactly RIAE_FS_<YYYYMMDDHHMMSS>.json,
// at most 700 lines and 2 MB each; envelope { msgInformatif, telId, lignesTelechargement } with
// numLigne counted from 1 in each file.
import { parisParts } from "../../domain/calendar/parisTime.js";
import type { AspLine } from "./buildRecord.js";

export const MAX_LINES_PER_BATCH = 700;
export const MAX_BYTES_PER_BATCH = 2 * 1024 * 1024;

export interface Batch {
  fileName: string;
  lines: AspLine[];
  json: string;
}

/** RIAE_FS_<YYYYMMDDHHMMSS>.json (27 characters), in Europe/Paris time. */
export function batchFileName(at: Date): string {
  const p = parisParts(at);
  return `RIAE_FS_${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}.json`;
}

export function envelope(lines: readonly AspLine[]): string {
  return JSON.stringify({ msgInformatif: null, telId: null, lignesTelechargement: lines });
}

/**
 * Split lines into batches of ≤ maxLines and ≤ maxBytes (UTF-8, whole file), numbering lines from 1
 * in each file. Names come from `nameAt(i)` (one second apart, the ASP keys files by their name).
 */
export function splitIntoBatches(
  lines: readonly AspLine[],
  nameAt: (index: number) => string,
  maxLines = MAX_LINES_PER_BATCH,
  maxBytes = MAX_BYTES_PER_BATCH,
): Batch[] {
  const batches: Batch[] = [];
  const overhead = Buffer.byteLength(envelope([]));
  let current: AspLine[] = [];
  let bytes = overhead;
  const flush = () => {
    if (current.length === 0) return;
    batches.push({ fileName: nameAt(batches.length), lines: current, json: envelope(current) });
    current = [];
    bytes = overhead;
  };
  for (const source of lines) {
    const size = Buffer.byteLength(JSON.stringify({ ...source, numLigne: maxLines })) + 1;
    if (overhead + size > maxBytes) throw new RangeError("une fiche salarié dépasse à elle seule la taille maximale d'un fichier");
    if (current.length >= maxLines || bytes + size > maxBytes) flush();
    current.push({ ...source, numLigne: current.length + 1 });
    bytes += size;
  }
  flush();
  for (const b of batches) if (Buffer.byteLength(b.json) > maxBytes) throw new RangeError(`lot ${b.fileName} trop gros`);
  return batches;
}

/**
 * Creation (C) and modification (M) lines in separate files, creations first: les-emplois sends modifications by a
 * separate command with its own batches (itou/employee_record/management/commands/transfer_employee_records_updates.py).
 * The lines come back in the order of the files (callers pair them with their sources in that order).
 */
export function splitByMovement(
  lines: readonly AspLine[],
  nameAt: (index: number) => string,
  maxLines = MAX_LINES_PER_BATCH,
  maxBytes = MAX_BYTES_PER_BATCH,
): Batch[] {
  const out: Batch[] = [];
  for (const movement of ["C", "M"] as const) {
    const offset = out.length;
    out.push(
      ...splitIntoBatches(
        lines.filter((l) => l.typeMouvement === movement),
        (i) => nameAt(offset + i),
        maxLines,
        maxBytes,
      ),
    );
  }
  return out;
}
