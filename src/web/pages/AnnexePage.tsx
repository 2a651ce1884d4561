import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { getAnnex } from "../../contracts/annexes.js";
import { call } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { StructureBreadcrumb } from "../components/StructureBreadcrumb.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatEuros } from "../format.js";
import { AnnexStateBadge } from "../components/AnnexStateBadge.js";
import { num, TableHead } from "../components/TableHead.js";

export function useAnnexDetail(structureId: string | undefined, annexId: string | undefined) {
  return useQuery({
    queryKey: ["annex", structureId, annexId],
    queryFn: () => call(getAnnex, { params: { structureId: structureId ?? "", annexId: annexId ?? "" } }),
  });
}

/** State services of the territory write AFs (policy structure:write); the API checks the territory. */
export function canWriteAnnexes(user: SessionUser): boolean {
  return ["national", "regional", "departemental", "admin"].includes(user.role);
}

export function AnnexePage({ user }: { user: SessionUser }) {
  const { structureId, annexId } = useParams();
  const detail = useAnnexDetail(structureId, annexId);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} />;
  const a = detail.data;
  const structure = { id: a.structureId, name: a.structureName };
  const current = a.versions.find((v) => v.state !== "HISTORISE" && v.state !== "ANNULE" && v.state !== "REJETE");
  const base = `/structures/${a.structureId}/annexes/${a.id}`;
  return (
    <>
      <StructureBreadcrumb structure={structure} current={{ label: `Annexe ${a.number}`, href: base }} />
      <h1>
        Annexe financière {a.number} <AnnexStateBadge state={a.state} />
      </h1>
      {a.state === "HISTORISE" && current && (
        <p>
          Cette version est historisée. Version en cours :{" "}
          <Link to={`/structures/${a.structureId}/annexes/${current.id}`}>{current.number}</Link>
        </p>
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <dl data-testid="annex-figures">
            <dt className="fr-text--bold">Structure</dt>
            <dd>
              {a.structureName} ({a.kind}, mesure {a.mesure}
              {a.penitentiary ? ", milieu pénitentiaire" : ""})
            </dd>
            <dt className="fr-text--bold">Période</dt>
            <dd>
              du {formatDate(a.startsOn)} au {formatDate(a.endsOn)}
            </dd>
            <dt className="fr-text--bold">ETP conventionnés</dt>
            <dd data-testid="annex-etp">{formatEtp(a.etp)}</dd>
            <dt className="fr-text--bold">Montant unitaire</dt>
            <dd>{formatEuros(a.unitAmount)}</dd>
            <dt className="fr-text--bold">Aide au poste (montant total)</dt>
            <dd data-testid="annex-total">{formatEuros(a.totalAmount)}</dd>
            <dt className="fr-text--bold">Part modulée</dt>
            <dd>{a.modulationPercent === null ? "—" : `${formatEtp(a.modulationPercent)} % — ${formatEuros(a.modulatedAmount)}`}</dd>
          </dl>
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <div className="fr-table fr-table--sm">
            <table>
              <caption>Financements</caption>
              <TableHead columns={["Ligne de financement", num("Montant")]} />
              <tbody>
                {a.funding.map((f) => (
                  <tr key={f.code}>
                    <td>{f.label}</td>
                    <td className="numeric">{formatEuros(f.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        {canWriteAnnexes(user) && a.state !== "HISTORISE" && (
          <li>
            <Link className="fr-btn fr-icon-edit-line fr-btn--icon-left" to={`${base}/avenant`}>
              Modifier (nouvelle version)
            </Link>
          </li>
        )}
        <li>
          <Link className="fr-btn fr-btn--secondary fr-icon-calculator-line fr-btn--icon-left" to={`${base}/simulation`}>
            Simuler l'année suivante
          </Link>
        </li>
      </ul>
      <h2 className="fr-h4 fr-mt-4w">Versions de l'annexe</h2>
      <div className="fr-table" data-testid="annex-versions">
        <table>
          <caption>Versions (avenants) de l'annexe {a.numberPrefix}</caption>
          <TableHead
            columns={["Numéro", "État", "Période", num("ETP"), num("Montant unitaire"), num("Montant total"), num("Part modulée")]}
          />
          <tbody>
            {a.versions.map((v) => (
              <tr key={v.id}>
                <td>
                  {v.id === a.id ? (
                    <strong>{v.number}</strong>
                  ) : (
                    <Link to={`/structures/${a.structureId}/annexes/${v.id}`}>{v.number}</Link>
                  )}
                </td>
                <td>
                  <AnnexStateBadge state={v.state} />
                </td>
                <td>
                  {formatDate(v.startsOn)} – {formatDate(v.endsOn)}
                </td>
                <td className="numeric">{formatEtp(v.etp)}</td>
                <td className="numeric">{formatEuros(v.unitAmount)}</td>
                <td className="numeric">{formatEuros(v.totalAmount)}</td>
                <td className="numeric">{formatEuros(v.modulatedAmount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
