// French number formatting for the report and the CLI (non-breaking spaces as thousands separators).
const nf = (digits: number) => new Intl.NumberFormat("fr-FR", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatNumber(value: number | null, digits = 0): string {
  return value === null ? "—" : nf(digits).format(value);
}

export function formatEuros(value: number | null, digits = 0): string {
  return value === null ? "—" : `${nf(digits).format(value)} €`;
}

/** Millions of euros with one decimal ("38,2 M€"). */
export function formatMillions(value: number | null): string {
  return value === null ? "—" : `${nf(1).format(value / 1_000_000)} M€`;
}

/** A fraction as a percentage ("62 %"). */
export function formatPercent(value: number | null, digits = 0): string {
  return value === null ? "—" : `${nf(digits).format(value * 100)} %`;
}

/** Signed relative change ("+7,1 %"), or "—". */
export function formatChange(value: number | null, digits = 1): string {
  if (value === null) return "—";
  const s = nf(digits).format(Math.abs(value) * 100);
  return `${value < 0 ? "−" : "+"}${s} %`;
}
