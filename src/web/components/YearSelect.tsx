// The "Année" filter of the territory pages (dashboard, report, RSA, envelope, DDETS year): a DSFR select
// whose value is the year; `onChange` receives the chosen year as text, as the URL keeps it.
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useSearchParams } from "react-router-dom";

export function YearSelect({
  years,
  value,
  onChange,
  name = "annee",
}: {
  years: readonly number[];
  value: number;
  onChange: (year: string) => void;
  name?: string;
}) {
  return (
    <Select label="Année" nativeSelectProps={{ value: String(value), name, onChange: (e) => onChange(e.target.value) }}>
      {years.map((y) => (
        <option key={y} value={y}>
          {y}
        </option>
      ))}
    </Select>
  );
}

/** The year select of a page that keeps its year in the URL (?annee=); choosing a year drops `resets`, the
 * parameters that only make sense within the previous year (e.g. a date). */
export function UrlYearSelect({ years, value, resets = [] }: { years: readonly number[]; value: number; resets?: readonly string[] }) {
  const [params, setParams] = useSearchParams();
  return (
    <YearSelect
      years={years}
      value={value}
      onChange={(year) => {
        const next = new URLSearchParams(params);
        next.set("annee", year);
        for (const key of resets) next.delete(key);
        setParams(next);
      }}
    />
  );
}
