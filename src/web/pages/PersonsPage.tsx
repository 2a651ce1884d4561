// SIAE staff: their salariés, with the filters of the daily work (present this month, PASS IAE
// ending within 30/90 days, no declaration this month), sort, pagination and export.
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons.js";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { listPersons } from "../../contracts/persons.js";
import { call, hrefOf } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import { ExportLinks, Pager, withParams } from "../components/Pager.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp } from "../format.js";

const PAGE_SIZE = 50;
const FILTERS = [
  { value: "", label: "Tous les salariés", query: {} },
  { value: "present", label: "Présents ce mois-ci", query: { present: "true" } },
  { value: "pass30", label: "PASS IAE échu dans 30 jours", query: { passEndingWithin: "30" } },
  { value: "pass90", label: "PASS IAE échu dans 90 jours", query: { passEndingWithin: "90" } },
  { value: "undeclared", label: "Sans déclaration ce mois-ci", query: { undeclared: "true" } },
] as const;

export function PersonsPage() {
  const { structureId } = useParams();
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  const filter = params.get("filtre") ?? "";
  const month = params.get("mois") ?? calendar.data?.currentMonth;
  const chosen = FILTERS.find((f) => f.value === filter) ?? FILTERS[0];
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
        legend={`Filtrer (mois de référence : ${month ?? "…"})`}
        orientation="horizontal"
        name="filtre"
        options={FILTERS.map((f) => ({
          label: f.label,
          nativeInputProps: {
            value: f.value,
            checked: f.value === filter,
            onChange: () => setParams(withParams(params, { filtre: f.value })),
          },
        }))}
      />
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucun salarié ne correspond à ce filtre.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <>
          <p data-testid="persons-total">{list.data.total} salariés</p>
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
                  <th scope="col" className="numeric">Jours restants</th>
                  <th scope="col" className="numeric">Heures du mois</th>
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
                    <td className="numeric">{p.hoursThisMonth === null ? "non déclaré" : formatEtp(p.hoursThisMonth)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={list.data.total} pageSize={PAGE_SIZE} />
          <ExportLinks
            href={(format) => hrefOf(listPersons, { params: path, query: { ...query, format, page: 1 } })}
          />
        </>
      )}
    </>
  );
}
