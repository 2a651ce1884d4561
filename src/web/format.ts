// French number formats for the screens.
const nf = (digits: number) => new Intl.NumberFormat("fr-FR", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 });

export const formatInt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : int.format(n));
export const formatEtp = (n: number | string | null | undefined) => (n === null || n === undefined ? "—" : nf(2).format(Number(n)));
export const formatEuros = (n: number | string | null | undefined) => (n === null || n === undefined ? "—" : euro.format(Number(n)));
export const formatRate = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${nf(1).format(n * 100)} %`);
export const formatDate = (iso: string | null | undefined) => (iso ? iso.split("-").reverse().join("/") : "—");
