// Bounds on what an imported file may become once read: a decompression bomb or a file without line
// breaks must be refused quickly with memory bounded, never read to exhaustion. The defaults come from the
// largest real delivery: the ASP's EtatMensuelIndiv view holds ~7 M rows (iae-reference §7, 2021 sizes),
// about 1 GiB of text once decompressed; 4× that is the default cap per file. Real CSV compresses 5–20×:
// past the first 16 MiB, a ratio over 200 (bytes out ÷ bytes read so far) is a bomb, not data.
export interface InputLimits {
  /** Decompressed bytes allowed per file or archive entry. */
  maxDecompressedBytes: number;
  /** Decompressed ÷ compressed bytes read so far, checked once the first 16 MiB are out. */
  maxCompressionRatio: number;
  /** Characters allowed in one physical line. */
  maxLineChars: number;
}

const GIB = 1024 ** 3;
export const RATIO_CHECK_AFTER_BYTES = 16 * 1024 ** 2;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} invalide : « ${raw} » (nombre positif attendu)`);
  return n;
}

/** PASSERELLE_IMPORT_MAX_BYTES, PASSERELLE_IMPORT_MAX_RATIO, PASSERELLE_IMPORT_MAX_LINE_CHARS. */
export function inputLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): InputLimits {
  return {
    maxDecompressedBytes: positive(env, "PASSERELLE_IMPORT_MAX_BYTES", 4 * GIB),
    maxCompressionRatio: positive(env, "PASSERELLE_IMPORT_MAX_RATIO", 200),
    maxLineChars: positive(env, "PASSERELLE_IMPORT_MAX_LINE_CHARS", 1024 * 1024),
  };
}

export function formatBytes(n: number): string {
  if (n >= GIB) return `${(n / GIB).toFixed(1).replace(".", ",")} Gio`;
  return `${Math.round(n / 1024 ** 2)} Mio`;
}
