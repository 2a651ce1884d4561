// The "Année" filter of the territory pages (dashboard, report, RSA, envelope, DDETS year): a DSFR select
// whose value is the year; `onChange` receives the chosen year as text, as the URL keeps it.
import { Select } from "@codegouvfr/react-dsfr/Select.js";

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
