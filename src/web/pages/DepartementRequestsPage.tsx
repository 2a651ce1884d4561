// The financing requests of a département for a year, by state (/departement/{code}/demandes?annee=&etat=):
// the DDETS's work list. The rows are the CDIAE pack's (the same read model: drafts are the SIAE's own and
// are not listed).
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { type CdiaePack, getCdiaePack } from "../../contracts/financing.js";
import { REQUEST_STATE_LABELS, REQUEST_STATES } from "../../domain/financing/requestStates.js";
import { call } from "../api/client.js";
import { DataTable } from "../components/DataTable.js";
import { DdetsYearHeader, useDdetsYear } from "../components/DdetsYearHeader.js";
import { OPINION_LABELS, RequestStateBadge } from "../components/RequestStateBadge.js";
import { REQUEST_FIGURE_COLUMNS, RequestFigureCells } from "../components/RequestFigures.js";
import { Empty, ErrorState, Loading } from "../components/States.js";

export function DepartementRequestsPage() {
  const { code = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const { year, ready } = useDdetsYear();
  const state = params.get("etat") ?? "";
  const pack = useQuery({
    enabled: ready,
    queryKey: ["cdiae", code, year],
    queryFn: async () => (await call(getCdiaePack, { params: { departement: code }, query: { year } })) as unknown as CdiaePack,
  });
  const rows = (pack.data?.requests ?? []).filter((r) => !state || r.state === state);
  return (
    <>
      <DdetsYearHeader code={code} year={year} page="demandes" title="Demandes de financement" />
      <div className="filters fr-mb-3w">
        <Select
          label="État"
          nativeSelectProps={{
            value: state,
            name: "etat",
            onChange: (e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set("etat", e.target.value);
              else next.delete("etat");
              next.set("annee", String(year));
              setParams(next);
            },
          }}
        >
          <option value="">Tous ({pack.data?.requests.length ?? 0})</option>
          {REQUEST_STATES.filter((s) => s !== "brouillon").map((s) => (
            <option key={s} value={s}>
              {REQUEST_STATE_LABELS[s]} ({pack.data?.totals.byState[s] ?? 0})
            </option>
          ))}
        </Select>
      </div>
      {(pack.isPending || !ready) && <Loading />}
      {pack.isError && <ErrorState error={pack.error} />}
      {pack.data && rows.length === 0 && <Empty>Aucune demande déposée dans cet état.</Empty>}
      {rows.length > 0 && (
        <DataTable
          caption={`Demandes déposées pour ${year}`}
          testId="departement-requests"
          columns={["Structure", "Type", "État", ...REQUEST_FIGURE_COLUMNS, "Avis du CDIAE", "Fiche de dialogue"]}
        >
          {rows.map((r) => (
            <tr key={r.requestId} data-structure-id={r.structureId}>
              <td>
                <Link to={`/structures/${r.structureId}/demandes/${year}`}>{r.name}</Link>
              </td>
              <td>{r.kind}</td>
              <td>
                <RequestStateBadge state={r.state} decision={r.decision} />
              </td>
              <RequestFigureCells r={r} />
              <td>{r.cdiaeOpinion ? (OPINION_LABELS[r.cdiaeOpinion] ?? r.cdiaeOpinion) : "—"}</td>
              <td>
                <Link to={`/structures/${r.structureId}/dialogue/${year - 1}`}>Fiche {year - 1}</Link>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
