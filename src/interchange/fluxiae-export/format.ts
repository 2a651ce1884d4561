// FluxIAE text conventions, written side (iae-reference §7.1): `|` separator without quoting,
// first line `DEB<View><DDMMYYYY>_<HHMMSS>` padded with `|` to the header's width, header line,
// data lines, last line `FIN<n>` (n = data lines) padded the same way; dates `dd/mm/yyyy`,
// timestamps `dd/mm/yyyy HH:MM:SS`, durations `HH:MM`, booleans `true`/`false`, null = empty; decimals with a
// point and two decimals as stored (`8.15`, `1820.00`, as in the ASP's AnnexeFinanciere); monthly hours as whole
// numbers (fluxWholeHours).
// The format has no quoting: a `|` inside a value cannot be written, it becomes `¦` (U+00A6), and
// line breaks inside a value become a space (a reader would otherwise have to guess where the row ends).

import { parisParts } from "../../domain/calendar/parisTime.js";
import { aspWholeHours } from "../../domain/declarations/aspWholeHours.js";

export type FluxValue = string | number | boolean | null | undefined;

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" (or a Date, read in Europe/Paris time, the ASP clock) → "dd/mm/yyyy". */
export function fluxDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    const p = parisParts(value);
    return `${p.day}/${p.month}/${p.year}`;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) throw new RangeError(`date ISO attendue : ${value}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** A timestamp → 'dd/mm/yyyy HH:MM:SS' in Europe/Paris time (the ASP's clock). */
export function fluxDateTime(value: Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  const p = parisParts(value);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** Decimal hours (e.g. 35, '26.5') → 'HH:MM' (35:00, 26:30). */
export function fluxDuration(hours: string | number | null | undefined): string {
  if (hours === null || hours === undefined || hours === "") return "";
  const totalMinutes = Math.round(Number(hours) * 60);
  if (!Number.isFinite(totalMinutes) || totalMinutes < 0) throw new RangeError(`durée invalide : ${hours}`);
  return `${pad2(Math.floor(totalMinutes / 60))}:${pad2(totalMinutes % 60)}`;
}

/** Hours as the ASP writes `emi_nb_heures_travail` / `emi_nb_heures_facturees`: whole hours (src/domain/declarations/aspWholeHours.ts). */
export function fluxWholeHours(hours: string | number | null | undefined): string {
  if (hours === null || hours === undefined || hours === "") return "";
  return String(aspWholeHours(Number(hours)));
}

/** One cell: null → '', booleans → true/false, `|` → `¦`, line breaks → space. */
export function fluxCell(value: FluxValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value)
    .replace(/\|/g, "\u00a6")
    .replace(/\r\n|\r|\n/g, " ");
}

export function fluxLine(cells: readonly FluxValue[]): string {
  return `${cells.map(fluxCell).join("|")}\n`;
}

/** `DEB<View><DDMMYYYY>_<HHMMSS>` padded with `|` to `width` fields. */
export function debLine(view: string, at: Date, width: number): string {
  const p = parisParts(at);
  return `DEB${view}${p.day}${p.month}${p.year}_${p.hour}${p.minute}${p.second}${"|".repeat(Math.max(0, width - 1))}\n`;
}

/** `FIN<n>` padded with `|` to `width` fields. */
export function finLine(rows: number, width: number): string {
  return `FIN${rows}${"|".repeat(Math.max(0, width - 1))}\n`;
}

/** File name used by the ASP for a view: fluxIAE_<View>_<DDMMYYYY>_<HHMMSS>.csv */
export function fluxFileName(view: string, at: Date): string {
  const p = parisParts(at);
  return `fluxIAE_${view}_${p.day}${p.month}${p.year}_${p.hour}${p.minute}${p.second}.csv`;
}
