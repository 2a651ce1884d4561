// What is inside a FluxIAE delivery, sniffed by its bytes, never by its name (iae-reference §7.1:
// the ASP names its ZIP archives `.tar.gz`, and each view inside is a `.csv.gz`):
//  - a folder: every file in it (sorted by name), each sniffed like below;
//  - a ZIP archive (`PK\x03\x04`): every entry (stored or deflated), each entry gunzipped when it is gzip;
//  - a gzip file (`\x1f\x8b`): one view, decompressed on the fly;
//  - anything else: a plain text view.
// Everything is streamed: an entry is opened only when read, and decompressed chunk by chunk.
import { createReadStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline, Readable, type Transform } from "node:stream";
import { createGunzip, createInflateRaw } from "node:zlib";
import { ImportInputError } from "../importReport.js";
import { formatBytes, type InputLimits, inputLimitsFromEnv, RATIO_CHECK_AFTER_BYTES } from "../inputLimits.js";

export type ContainerKind = "folder" | "zip" | "gzip" | "plain";

export interface FluxIaeEntry {
  /** Name shown in reports: `archive.tar.gz:fluxIAE_Structure_….csv.gz`, or the file name. */
  name: string;
  /** Bytes of the entry, decompressed (gzip inside ZIP included). */
  open(): AsyncIterable<Buffer>;
}

export async function sniffContainer(pathOnDisk: string): Promise<ContainerKind> {
  const info = await stat(pathOnDisk);
  if (info.isDirectory()) return "folder";
  const head = await readHead(pathOnDisk, 4);
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06))
    return "zip";
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  return "plain";
}

/** The first `n` bytes of a file (fewer when it is shorter). */
export async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The entries (views) of a file, folder or archive. */
export async function listEntries(
  pathOnDisk: string,
  displayName = path.basename(pathOnDisk),
  limits: InputLimits = inputLimitsFromEnv(),
): Promise<FluxIaeEntry[]> {
  const kind = await sniffContainer(pathOnDisk);
  if (kind === "folder") {
    const names = (await readdir(pathOnDisk, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith("."))
      .map((d) => d.name);
    names.sort();
    const entries: FluxIaeEntry[] = [];
    for (const name of names) entries.push(...(await listEntries(path.join(pathOnDisk, name), name, limits)));
    return entries;
  }
  if (kind === "zip") return zipEntries(pathOnDisk, displayName, limits);
  return [
    {
      name: displayName,
      open: () => {
        const read = { bytes: 0 };
        return bounded(gunzipIfNeeded(counted(fileChunks(pathOnDisk), read), displayName), displayName, read, limits);
      },
    },
  ];
}

/** Counts the bytes read from disk (before any decompression). */
async function* counted(source: AsyncIterable<Buffer>, read: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    read.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * Counts the decompressed bytes of an entry and stops at the first chunk past the cap, or past the ratio of
 * bytes out to bytes read so far (read: the counter of the stored bytes consumed).
 */
export async function* bounded(
  source: AsyncIterable<Buffer>,
  name: string,
  read: { bytes: number },
  limits: InputLimits,
): AsyncGenerator<Buffer> {
  let out = 0;
  for await (const chunk of source) {
    out += chunk.length;
    if (out > limits.maxDecompressedBytes) {
      const reason = `plus de ${formatBytes(limits.maxDecompressedBytes)} une fois décompressé (limite PASSERELLE_IMPORT_MAX_BYTES) : fichier refusé`;
      throw new ImportInputError(`${name} : ${reason}`, [{ file: name, line: null, column: null, reason }]);
    }
    if (out > RATIO_CHECK_AFTER_BYTES && read.bytes > 0 && out / read.bytes > limits.maxCompressionRatio) {
      const reason = `taux de compression supérieur à ${limits.maxCompressionRatio} (limite PASSERELLE_IMPORT_MAX_RATIO) : bombe de décompression probable, fichier refusé`;
      throw new ImportInputError(`${name} : ${reason}`, [{ file: name, line: null, column: null, reason }]);
    }
    yield chunk;
  }
}

async function* fileChunks(file: string, start?: number, end?: number): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(file, { start, end, highWaterMark: 256 * 1024 })) yield chunk as Buffer;
}

/** Decompress when the bytes start with the gzip magic number; errors name the entry. */
export async function* gunzipIfNeeded(source: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 2) {
    const next = await it.next();
    if (next.done) break;
    first = { done: false, value: Buffer.concat([first.value, next.value]) };
  }
  if (first.done) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all();
    return;
  }
  try {
    for await (const chunk of piped(all(), createGunzip())) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    throw new ImportInputError(`${name} : fichier gzip tronqué ou corrompu (${(error as Error).message})`, [
      { file: name, line: null, column: null, reason: "fichier gzip tronqué ou corrompu" },
    ]);
  }
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

function zipError(archive: string, reason: string): ImportInputError {
  return new ImportInputError(`${archive} : ${reason}`, [{ file: archive, line: null, column: null, reason }]);
}

/** Minimal ZIP reader (central directory, stored/deflate entries; no ZIP64, no encryption). */
async function zipEntries(file: string, archive: string, limits: InputLimits): Promise<FluxIaeEntry[]> {
  const size = (await stat(file)).size;
  const fh = await open(file, "r");
  try {
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await fh.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw zipError(archive, "archive ZIP tronquée ou illisible (répertoire central introuvable)");
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw zipError(archive, "archive ZIP64 non prise en charge : recompressez l'archive");
    if (cdOffset + cdSize > size) throw zipError(archive, "archive ZIP tronquée (répertoire central hors du fichier)");
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: FluxIaeEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN_SIG) throw zipError(archive, "archive ZIP corrompue (répertoire central)");
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name.endsWith("/")) continue;
      // Nothing is written to disk from an archive, but a name that climbs out of it is a hostile archive.
      if (name.split(/[\\/]/).includes("..") || name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.includes("\0")) {
        throw zipError(
          `${archive}:${name.replace(/[^\x20-\x7e]/g, "?")}`,
          "nom d'entrée refusé (chemin absolu ou « .. ») : archive non conforme",
        );
      }
      const base = name.split("/").pop() ?? name;
      if (base.startsWith(".") || name.startsWith("__MACOSX/")) continue;
      const entryName = `${archive}:${name}`;
      if (flags & 1) throw zipError(entryName, "entrée chiffrée : déchiffrez l'archive ASP (mot de passe) avant l'import");
      if (method !== 0 && method !== 8) throw zipError(entryName, `méthode de compression ZIP ${method} non prise en charge`);
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, localOffset);
      if (local.readUInt32LE(0) !== LOC_SIG) throw zipError(entryName, "archive ZIP corrompue (en-tête local)");
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (dataStart + compressedSize > size) throw zipError(entryName, "archive ZIP tronquée");
      entries.push({
        name: entryName,
        open: () => {
          const read = { bytes: 0 };
          const raw = compressedSize === 0 ? emptyChunks() : counted(fileChunks(file, dataStart, dataStart + compressedSize - 1), read);
          return bounded(gunzipIfNeeded(method === 8 ? inflate(raw, entryName) : raw, entryName), entryName, read, limits);
        },
      });
    }
    return entries;
  } finally {
    await fh.close();
  }
}

async function* emptyChunks(): AsyncGenerator<Buffer> {}

async function* inflate(source: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of piped(source, createInflateRaw())) yield chunk as Buffer;
  } catch (error) {
    throw zipError(name, `données ZIP corrompues (${(error as Error).message})`);
  }
}

/** source → transform, with errors of either side surfacing when the result is iterated. */
function piped(source: AsyncIterable<Buffer>, transform: Transform): Transform {
  return pipeline(Readable.from(source), transform, () => undefined);
}
