// French number formats for the screens.
const nf = (digits: number) => new Intl.NumberFormat("fr-FR", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 });

export const formatInt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : int.format(n));
export const formatEtp = (n: number | string | null | undefined) => (n === null || n === undefined ? "—" : nf(2).format(Number(n)));
export const formatEuros = (n: number | string | null | undefined) => (n === null || n === undefined ? "—" : euro.format(Number(n)));
export const formatRate = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${nf(1).format(n * 100)} %`);
export const formatDate = (iso: string | null | undefined) => (iso ? iso.split("-").reverse().join("/") : "—");

const MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
] as const;
/** French month names, January first (month selects, month labels). */
export const FRENCH_MONTHS: readonly string[] = MONTHS;
/** "2019-12" → "décembre 2019". */
export const formatMonth = (key: string | null | undefined) =>
  key ? `${MONTHS[Number(key.slice(5, 7)) - 1] ?? "?"} ${key.slice(0, 4)}` : "—";
/** "2020-01-15" → "15 janvier 2020" (1 → "1er"). */
export const formatLongDate = (iso: string | null | undefined) => {
  if (!iso) return "—";
  const day = Number(iso.slice(8, 10));
  return `${day === 1 ? "1er" : day} ${formatMonth(iso.slice(0, 7))}`;
};
