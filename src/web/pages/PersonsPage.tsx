// SIAE staff: their salariés, with the filters of the daily work (present this month — the default —,
// PASS IAE ending within 30/90 days, hours of the month due not declared, exit to record), sort by name
// or PASS end, pagination and export.
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { listPersons } from "../../contracts/persons.js";
import { call, hrefOf } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import { ExportLinks, Pager, withParams } from "../components/Pager.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatInt, formatMonth } from "../format.js";

const PAGE_SIZE = 50;
// The list opens where the work is: the salariés present this month; the other filters are one click away.
// "Undeclared" reads the month whose hours are due (the previous one), the others the current month.
const FILTERS = [
  { value: "present", label: (m: Months) => `Présents en ${formatMonth(m.current)}`, query: { present: "true" }, month: "current" },
  { value: "pass30", label: () => "PASS IAE échu dans 30 jours", query: { passEndingWithin: "30" }, month: "current" },
  { value: "pass90", label: () => "PASS IAE échu dans 90 jours", query: { passEndingWithin: "90" }, month: "current" },
  {
    value: "undeclared",
    label: (m: Months) => `Heures de ${formatMonth(m.due)} non déclarées`,
    query: { undeclared: "true" },
    month: "due",
  },
  { value: "sorties", label: () => "Sortie à enregistrer", query: { toExit: "true" }, month: "current" },
  { value: "tous", label: () => "Tous les salariés", query: {}, month: "current" },
] as const;
const SORTS = [
  { value: "lastName", label: "Nom" },
  { value: "passEndsOn", label: "Fin du PASS IAE (la plus proche d'abord)" },
] as const;
interface Months {
  current: string;
  due: string;
}

export function PersonsPage() {
  const { structureId } = useParams();
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  const filter = params.get("filtre") || "present";
  const chosen = FILTERS.find((f) => f.value === filter) ?? FILTERS[0];
  const months: Months | undefined = calendar.data
    ? { current: calendar.data.currentMonth, due: calendar.data.declarationMonth }
    : undefined;
  const month = params.get("mois") ?? (months ? (chosen.month === "due" ? months.due : months.current) : undefined);
  const query = {
    ...chosen.query,
    month,
    sort: params.get("sort") ?? "lastName",
    page: Number(params.get("page") ?? 1),
    pageSize: PAGE_SIZE,
  };
  const path = { structureId: structureId ?? "" };
  const list = useQuery({
    enabled: month !== undefined,
    queryKey: ["persons", structureId, query],
    queryFn: () => call(listPersons, { params: path, query }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <h1>Salariés</h1>
      <RadioButtons
        legend="Afficher"
        orientation="horizontal"
        name="filtre"
        options={FILTERS.map((f) => ({
          label: months ? f.label(months) : f.value,
          nativeInputProps: {
            value: f.value,
            checked: f.value === chosen.value,
            onChange: () => setParams(withParams(params, { filtre: f.value, mois: "" })),
          },
        }))}
      />
      <Select
        label="Trier par"
        className="fr-mb-2w"
        nativeSelectProps={{ name: "sort", value: query.sort, onChange: (e) => setParams(withParams(params, { sort: e.target.value })) }}
      >
        {SORTS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </Select>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucun salarié ne correspond à ce filtre.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <>
          <p data-testid="persons-total">{formatInt(list.data.total)} salariés</p>
          <div className="fr-table" data-testid="persons-table">
            <table>
              <caption>Salariés de la structure</caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Contrat</th>
                  <th scope="col">Début</th>
                  <th scope="col">Fin prévue / sortie</th>
                  <th scope="col">PASS IAE</th>
                  <th scope="col" className="numeric">
                    Jours restants
                  </th>
                  <th scope="col" className="numeric">
                    Heures de {formatMonth(month)}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/salaries/${p.id}`}>
                        {p.lastName} {p.firstName}
                      </Link>
                      {p.rsa && p.rsa !== "NON" ? <span className="fr-text--xs"> (RSA)</span> : null}
                    </td>
                    <td>{p.contractType ?? "—"}</td>
                    <td>{formatDate(p.contractStart)}</td>
                    <td>{p.exitOn ? `sorti le ${formatDate(p.exitOn)}` : formatDate(p.contractPlannedEnd)}</td>
                    <td>{p.passLast4 ? `…${p.passLast4} jusqu'au ${formatDate(p.passEndsOn)}` : "—"}</td>
                    <td className="numeric">{p.passRemainingDays ?? "—"}</td>
                    <td className="numeric">
                      {p.hoursThisMonth !== null
                        ? formatEtp(p.hoursThisMonth)
                        : months && month && month > months.due
                          ? "—"
                          : "non déclaré"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={list.data.total} pageSize={PAGE_SIZE} />
          <ExportLinks href={(format) => hrefOf(listPersons, { params: path, query: { ...query, format, page: 1 } })} />
        </>
      )}
    </>
  );
}
