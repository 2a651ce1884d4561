// Conseil départemental: RSA beneficiaries in IAE in the département for a year. Aggregates only,
// from GET /api/v1/departements/{code}/rsa; the year is in the URL (?annee=) so the page can be shared.
import { useQuery } from "@tanstack/react-query";
import { Navigate, useParams, useSearchParams } from "react-router-dom";
import { type DepartementRsa, getDepartementRsa, listDepartementRsaStructures } from "../../contracts/departements.js";
import { call, hrefOf } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import type { SessionUser } from "../auth/session.js";
import { ExportLinks } from "../components/Pager.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatEtp, formatEuros, formatInt, formatRate } from "../format.js";
import { UrlYearSelect } from "../components/YearSelect.js";
import { num } from "../components/TableHead.js";
import { DataTable } from "../components/DataTable.js";
import { FigureTile } from "../components/KpiTile.js";

/** /rsa: the conseil départemental's own département (others pick one on the dashboard). */
export function RsaHomeRedirect({ user }: { user: SessionUser }) {
  const [params] = useSearchParams();
  if (!user.departementCode) return <Navigate to="/tableau-de-bord" replace />;
  return <Navigate to={`/departement/${user.departementCode}/rsa${params.toString() ? `?${params}` : ""}`} replace />;
}

export function DepartementRsaPage() {
  const { code = "" } = useParams();
  const [params] = useSearchParams();
  const calendar = useCalendar();
  // The server's today (the demo's date on a demo database), never the browser's clock.
  const currentYear = Number(calendar.data?.today.slice(0, 4) ?? params.get("annee") ?? 0);
  const year = Number(params.get("annee") ?? calendar.data?.latestYear ?? currentYear);
  const ready = calendar.isSuccess || calendar.isError;
  const data = useQuery({
    enabled: ready,
    queryKey: ["departement-rsa", code, year],
    queryFn: () => call(getDepartementRsa, { params: { departement: code }, query: { year } }),
  });
  const years = Array.from({ length: Math.max(8, currentYear - 2014) }, (_, i) => currentYear - i);
  const d = data.data;

  return (
    <>
      <h1>Bénéficiaires du RSA en insertion par l'activité économique</h1>
      <p className="fr-text--lg">{d ? d.departementLabel : `Département ${code}`}</p>
      <div className="filters fr-mb-4w">
        <UrlYearSelect years={years} value={year} />
      </div>
      {(data.isPending || !ready) && <Loading label="Calcul des chiffres du département…" />}
      {data.isError && <ErrorState error={data.error} />}
      {d && <RsaFigures d={d} year={year} />}
    </>
  );
}

function RsaFigures({ d, year }: { d: DepartementRsa; year: number }) {
  const exportHref = (format: "csv" | "xlsx") =>
    hrefOf(listDepartementRsaStructures, { params: { departement: d.departement }, query: { year, format } });
  return (
    <>
      <h2 className="fr-h4">Chiffres {year}</h2>
      <div className="kpi-grid" data-testid="rsa-tiles">
        <FigureTile
          testId="rsa-present"
          label="Bénéficiaires du RSA présents"
          value={formatInt(d.people.presentRsa)}
          definition="Salariés ayant au moins une heure déclarée dans l'année sur une annexe financière du département et, dans la structure, un contrat en cours dans l'année signé alors qu'ils étaient bénéficiaires du RSA (majoré ou non)."
        />
        <FigureTile
          testId="rsa-share"
          label="Part des bénéficiaires du RSA"
          value={formatRate(d.people.rsaShare)}
          definition={`Bénéficiaires du RSA présents / salariés présents (${formatInt(d.people.present)} salariés présents dans l'année).`}
        />
        <FigureTile
          testId="rsa-entered"
          label="Bénéficiaires du RSA entrés"
          value={formatInt(d.people.enteredRsa)}
          definition={`Personnes embauchées dans l'année (contrat initial) bénéficiaires du RSA à l'embauche, sur ${formatInt(d.people.entered)} entrées (${formatRate(d.people.rsaShareEntered)}).`}
        />
        <FigureTile
          testId="rsa-etp-cd"
          label="ETP cofinancés par le département"
          value={formatEtp(d.etp.cofinances)}
          definition={`ETP conventionnés × part du montant de l'annexe financière financée par le conseil départemental (lignes de financement du département), sur ${formatEtp(d.etp.conventionnes)} ETP conventionnés. Montant du département : ${formatEuros(d.montantDepartement)}.`}
        />
        <FigureTile
          testId="rsa-dynamic"
          label="Sorties dynamiques des bénéficiaires du RSA"
          value={formatRate(d.exits.dynamicRate)}
          definition={`(Emploi durable + emploi de transition + sorties positives) / sorties examinées des salariés bénéficiaires du RSA à l'embauche (${formatInt(d.exits.examined)} sorties examinées ; retraits exclus).`}
        />
      </div>

      <h2 className="fr-h4 fr-mt-6w">Sorties des bénéficiaires du RSA</h2>
      <DataTable caption={`Sorties examinées par catégorie (${year})`} testId="rsa-exits" columns={["Catégorie", num("Sorties")]}>
        {(
          [
            ["Emploi durable", d.exits.byCategory.durable],
            ["Emploi de transition", d.exits.byCategory.transition],
            ["Sorties positives", d.exits.byCategory.positive],
            ["Autres sorties", d.exits.byCategory.other],
            ["Total examiné", d.exits.examined],
          ] as const
        ).map(([label, n]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="numeric">{formatInt(n)}</td>
          </tr>
        ))}
      </DataTable>

      <h2 className="fr-h4 fr-mt-6w">Par type de structure</h2>
      {d.byKind.length === 0 ? (
        <Empty>Aucune structure du département sur l'année.</Empty>
      ) : (
        <DataTable
          caption={`Bénéficiaires du RSA par type de structure (${year})`}
          testId="rsa-by-kind"
          columns={[
            "Type",
            num("Structures"),
            num("Présents"),
            num("dont RSA"),
            num("Part RSA"),
            num("ETP cofinancés"),
            num("Sorties examinées (RSA)"),
            num("Sorties dynamiques (RSA)"),
          ]}
        >
          {d.byKind.map((k) => (
            <tr key={k.kind}>
              <th scope="row">{k.kind}</th>
              <td className="numeric">{formatInt(k.structures)}</td>
              <td className="numeric">{formatInt(k.present)}</td>
              <td className="numeric">{formatInt(k.presentRsa)}</td>
              <td className="numeric">{formatRate(k.rsaShare)}</td>
              <td className="numeric">{formatEtp(k.etpCofinances)}</td>
              <td className="numeric">{formatInt(k.exitsExamined)}</td>
              <td className="numeric">{formatRate(k.dynamicRate)}</td>
            </tr>
          ))}
        </DataTable>
      )}

      <h2 className="fr-h4 fr-mt-6w">Par structure</h2>
      {d.structures.length === 0 ? (
        <Empty>Aucune structure du département sur l'année.</Empty>
      ) : (
        <>
          <DataTable
            caption={`Bénéficiaires du RSA par structure (${year})`}
            testId="rsa-structures"
            columns={[
              "Structure",
              "Type",
              num("Présents"),
              num("dont RSA"),
              num("Entrés RSA"),
              num("ETP cofinancés"),
              num("Montant du département"),
              num("Sorties examinées (RSA)"),
              num("Sorties dynamiques (RSA)"),
            ]}
          >
            {d.structures.map((s) => (
              <tr key={s.id} data-structure-id={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.kind}</td>
                <td className="numeric">{formatInt(s.present)}</td>
                <td className="numeric">{formatInt(s.presentRsa)}</td>
                <td className="numeric">{formatInt(s.enteredRsa)}</td>
                <td className="numeric">{formatEtp(s.etpCofinances)}</td>
                <td className="numeric">{formatEuros(s.montantDepartement)}</td>
                <td className="numeric">{formatInt(s.exitsExamined)}</td>
                <td className="numeric">{formatRate(s.dynamicRate)}</td>
              </tr>
            ))}
          </DataTable>
          <ExportLinks href={exportHref} label={(format) => `Exporter le tableau en ${format}`} className="" />
        </>
      )}
      <p className="fr-text--xs fr-mt-2w">
        Agrégats uniquement : aucune donnée personnelle n'est affichée ni exportée. Le statut RSA est celui déclaré à l'embauche sur le
        contrat (contrat_salarie_rsa).
      </p>
    </>
  );
}
