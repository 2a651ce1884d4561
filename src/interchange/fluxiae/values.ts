// FluxIAE value formats (iae-reference §7.1): empty = null, dates `dd/mm/yyyy` (some columns
// `dd/mm/yyyy HH:MM:SS`), durations `HH:MM`, booleans `true`/`false`, decimal point `.`.
// Each parser throws FluxValueError (a French reason) on a malformed value; callers turn it into a
// rejection naming the file, line and column.

export class FluxValueError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "FluxValueError";
  }
}

const DATE = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last && y >= 1900 && y <= 2100;
}

/** `dd/mm/yyyy` (a time part is accepted and dropped) → `YYYY-MM-DD`. */
export function parseFluxDate(value: string): string {
  const m = DATE.exec(value.trim());
  if (!m) throw new FluxValueError(`date invalide « ${value} » (attendu jj/mm/aaaa)`);
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) throw new FluxValueError(`date inexistante « ${value} »`);
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** `dd/mm/yyyy HH:MM:SS` → ISO timestamp (Europe/Paris wall time kept as written, no zone). */
export function parseFluxTimestamp(value: string): string {
  const m = DATE.exec(value.trim());
  if (!m) throw new FluxValueError(`date-heure invalide « ${value} » (attendu jj/mm/aaaa HH:MM:SS)`);
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) throw new FluxValueError(`date inexistante « ${value} »`);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || s > 59) throw new FluxValueError(`heure invalide « ${value} »`);
  return `${m[3]}-${m[2]}-${m[1]}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** `HH:MM` (or a plain number of hours, `35` / `35.5`) → decimal hours as a string with 2 decimals. */
export function parseFluxDuration(value: string): string {
  const v = value.trim();
  const m = /^(\d{1,4}):(\d{2})$/.exec(v);
  if (m) {
    const minutes = Number(m[2]);
    if (minutes > 59) throw new FluxValueError(`durée invalide « ${value} » (minutes > 59)`);
    return (Number(m[1]) + minutes / 60).toFixed(2);
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v).toFixed(2);
  throw new FluxValueError(`durée invalide « ${value} » (attendu HH:MM)`);
}

/** `true` / `false` (also `1`/`0`, `oui`/`non`, case-insensitive). */
export function parseFluxBoolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "oui" || v === "o") return true;
  if (v === "false" || v === "0" || v === "non" || v === "n") return false;
  throw new FluxValueError(`booléen invalide « ${value} » (attendu true/false)`);
}

/** Decimal with a point (a comma is tolerated) → normalized string with `scale` decimals. */
export function parseFluxDecimal(value: string, scale = 2): string {
  const v = value.trim().replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw new FluxValueError(`nombre invalide « ${value} »`);
  return roundDecimalString(v, scale);
}

/** Exact rounding (half away from zero) of a decimal string, without floating point. */
export function roundDecimalString(v: string, scale: number): string {
  const negative = v.startsWith("-");
  const [intPart = "0", frac = ""] = (negative ? v.slice(1) : v).split(".");
  const padded = (frac + "0".repeat(scale + 1)).slice(0, scale + 1);
  let digits = BigInt(intPart + padded.slice(0, scale));
  if (Number(padded[scale]) >= 5) digits += 1n;
  const s = digits.toString().padStart(scale + 1, "0");
  const out = scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  return negative && digits !== 0n ? `-${out}` : out;
}

export function parseFluxInteger(value: string): number {
  const v = value.trim();
  if (!/^-?\d+$/.test(v)) throw new FluxValueError(`entier invalide « ${value} »`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new FluxValueError(`entier hors limites « ${value} »`);
  return n;
}

/** Back to FluxIAE text: `YYYY-MM-DD` → `dd/mm/yyyy`. */
export function formatFluxDate(iso: string | null): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}
