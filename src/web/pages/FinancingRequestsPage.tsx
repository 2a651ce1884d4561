// A structure's financing requests, all years (/structures/{id}/demandes), and the way to prepare the next
// one: the SIAE chooses the year and lands on the request page, where the draft is created pre-filled.
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { listFinancingRequests } from "../../contracts/financing.js";
import { getStructure } from "../../contracts/structures.js";
import { call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { DataTable } from "../components/DataTable.js";
import { REQUEST_FIGURE_COLUMNS, RequestFigureCells } from "../components/RequestFigures.js";
import { RequestStateBadge } from "../components/RequestStateBadge.js";
import { Empty, ErrorState, Loading } from "../components/States.js";

export function FinancingRequestsPage({ user }: { user: SessionUser }) {
  const { structureId = "" } = useParams();
  const navigate = useNavigate();
  const calendar = useCalendar();
  const structure = useQuery({ queryKey: ["structure", structureId], queryFn: () => call(getStructure, { params: { structureId } }) });
  const list = useQuery({
    queryKey: ["financing-requests", structureId],
    queryFn: () => call(listFinancingRequests, { params: { structureId } }),
  });
  const current = Number(calendar.data?.today.slice(0, 4) ?? 0);
  const taken = new Set((list.data ?? []).map((r) => r.year));
  const candidates = current ? [current, current + 1, current + 2].filter((y) => !taken.has(y)) : [];
  const [chosen, setChosen] = useState("");
  // The usual case: next year's request, prepared in the autumn.
  const year = chosen || String(candidates.includes(current + 1) ? current + 1 : (candidates[0] ?? ""));
  return (
    <>
      <h1>Demandes de financement{structure.data ? ` — ${structure.data.name}` : ""}</h1>
      <p>
        Chaque automne, la structure demande ses postes d'insertion pour l'année suivante ; la DDETS instruit la demande, la présente au
        CDIAE et la décision du préfet devient l'annexe financière de l'année.
      </p>
      {user.role === "siae" && candidates.length > 0 && (
        <form
          className="filters fr-mb-4w"
          onSubmit={(e) => {
            e.preventDefault();
            if (year) navigate(`/structures/${structureId}/demandes/${year}`);
          }}
        >
          <Select label="Année demandée" nativeSelectProps={{ value: year, onChange: (e) => setChosen(e.target.value), name: "annee" }}>
            {candidates.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </Select>
          <button type="submit" className="fr-btn">
            Préparer la demande
          </button>
        </form>
      )}
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && list.data.length === 0 && <Empty>Aucune demande pour le moment.</Empty>}
      {list.data && list.data.length > 0 && (
        <DataTable caption="Demandes par année" testId="structure-requests" columns={["Année", "État", ...REQUEST_FIGURE_COLUMNS]}>
          {list.data.map((r) => (
            <tr key={r.id} data-year={r.year}>
              <td>
                <Link to={`/structures/${structureId}/demandes/${r.year}`}>Demande {r.year}</Link>
              </td>
              <td>
                <RequestStateBadge state={r.state} decision={r.decision} />
              </td>
              <RequestFigureCells r={r} />
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
