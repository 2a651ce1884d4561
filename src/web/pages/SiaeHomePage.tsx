// The SIAE's home page: what to do this month, each item a link to the page where it is done. The
// counts come from GET /structures/:id/month, which reads them with the read models of those pages.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { getSiaeMonth, type SiaeMonth } from "../../contracts/siaeMonth.js";
import { call } from "../api/client.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatInt, formatLongDate, formatMonth } from "../format.js";
import { DUE_LABEL, FILE_STATE_LABEL } from "./ControleCampaignsPage.js";

const plural = (n: number, one: string, many: string) => `${formatInt(n)} ${n > 1 ? many : one}`;

function Item({
  id,
  title,
  done,
  children,
  link,
}: {
  id: string;
  title: string;
  done: boolean;
  children: ReactNode;
  link?: { to: string; label: string };
}) {
  return (
    <li className="fr-col-12 fr-col-md-6" data-testid={`todo-${id}`}>
      <div className="fr-card fr-card--no-arrow fr-p-3w passerelle-todo">
        <h2 className="fr-h5 fr-mb-1w">
          {title}{" "}
          {done ? (
            <Badge severity="success" small>
              À jour
            </Badge>
          ) : (
            <Badge severity="warning" small>
              À faire
            </Badge>
          )}
        </h2>
        {children}
        {link && (
          <p className="fr-mt-2w fr-mb-0">
            <Link className="fr-link fr-icon-arrow-right-line fr-link--icon-right" to={link.to} data-testid={`todo-${id}-link`}>
              {link.label}
            </Link>
          </p>
        )}
      </div>
    </li>
  );
}

function Declaration({ m }: { m: SiaeMonth }) {
  const d = m.declaration;
  const base = `/structures/${m.structureId}`;
  if (d.annexes === 0) {
    return (
      <Item id="declaration" title={`Heures de ${formatMonth(d.month)}`} done>
        <p className="fr-mb-0">Aucune annexe financière ne couvre {formatMonth(d.month)} : pas d'heures à déclarer.</p>
      </Item>
    );
  }
  return (
    <Item
      id="declaration"
      title={`Déclarer les heures de ${formatMonth(d.month)}`}
      done={d.undeclaredLines === 0}
      link={{ to: `${base}/declaration?mois=${d.month}`, label: `Déclaration de ${formatMonth(d.month)}` }}
    >
      {d.undeclaredLines === 0 ? (
        <p className="fr-mb-0">Toutes les heures de {formatMonth(d.month)} sont validées.</p>
      ) : (
        <p className="fr-mb-0">
          <strong data-testid="todo-declaration-persons">{plural(d.undeclaredPersons, "salarié", "salariés")}</strong> sans heures validées
          (<span data-testid="todo-declaration-lines">{plural(d.undeclaredLines, "ligne", "lignes")}</span> sur{" "}
          {plural(d.undeclaredAnnexes, "annexe financière", "annexes financières")}),{" "}
          {d.late ? (
            <strong>en retard : échéance du {formatLongDate(d.deadline)}</strong>
          ) : (
            <>à valider d'ici le {formatLongDate(d.deadline)}</>
          )}
          .
        </p>
      )}
    </Item>
  );
}

function Pass({ m }: { m: SiaeMonth }) {
  const base = `/structures/${m.structureId}/salaries`;
  const p = m.pass;
  return (
    <Item
      id="pass"
      title="PASS IAE qui se terminent"
      done={p.within90 === 0}
      link={{ to: `${base}?filtre=pass90&sort=passEndsOn`, label: "Salariés dont le PASS IAE finit sous 90 jours" }}
    >
      <p>
        <Link to={`${base}?filtre=pass30&sort=passEndsOn`} data-testid="todo-pass30">
          {plural(p.within30, "PASS IAE", "PASS IAE")} sous 30 jours
        </Link>
        {" · "}
        <span data-testid="todo-pass90">{plural(p.within90, "PASS IAE", "PASS IAE")} sous 90 jours</span>
      </p>
      {p.people.length > 0 && (
        <ul className="fr-mb-0">
          {p.people.slice(0, 8).map((x) => (
            <li key={x.personId}>
              <Link to={`/salaries/${x.personId}`}>
                {x.lastName} {x.firstName}
              </Link>{" "}
              — fin le {formatDate(x.passEndsOn)} ({plural(x.remainingDays, "jour", "jours")}) :{" "}
              {x.reasons.length === 0 ? (
                "aucun motif de prolongation ouvert"
              ) : (
                <>
                  prolongation possible pour{" "}
                  {x.reasons
                    .map((r) => `${r.label.toLowerCase()}${r.needsPrescriber ? " (avis d'un prescripteur habilité)" : ""}`)
                    .join(" ; ")}
                </>
              )}
            </li>
          ))}
          {p.people.length > 8 && <li>… et {plural(p.people.length - 8, "autre", "autres")}</li>}
        </ul>
      )}
    </Item>
  );
}

function Diagnoses({ m }: { m: SiaeMonth }) {
  const d = m.diagnoses;
  return (
    <Item id="diagnoses" title="Diagnostics expirés avant l'embauche" done={d.count === 0}>
      {d.count === 0 ? (
        <p className="fr-mb-0">Aucune embauche prévue sans diagnostic d'éligibilité ni PASS IAE valable le premier jour.</p>
      ) : (
        <ul className="fr-mb-0" data-testid="todo-diagnoses-list">
          {d.people.map((x) => (
            <li key={`${x.personId}-${x.contractStart}`}>
              <Link to={`/salaries/${x.personId}`}>
                {x.lastName} {x.firstName}
              </Link>{" "}
              — embauche le {formatDate(x.contractStart)}, diagnostic{" "}
              {x.diagnosisExpiresOn ? `expiré le ${formatDate(x.diagnosisExpiresOn)}` : "absent"}
            </li>
          ))}
        </ul>
      )}
    </Item>
  );
}

function FollowUps({ m }: { m: SiaeMonth }) {
  const f = m.followUps;
  return (
    <Item
      id="follow-ups"
      title="Suivis après la sortie"
      done={f.toEnter === 0}
      link={{ to: `/structures/${m.structureId}/suivi`, label: `Suivi après sortie de ${formatMonth(f.month)}` }}
    >
      <p className="fr-mb-0">
        {f.due === 0 ? (
          `Aucune sortie à suivre en ${formatMonth(f.month)} (6 ou 12 mois après la sortie).`
        ) : (
          <>
            <strong data-testid="todo-follow-ups-count">{plural(f.toEnter, "situation à renseigner", "situations à renseigner")}</strong>{" "}
            sur {plural(f.due, "sortie à suivre", "sorties à suivre")} ce mois-ci (6 ou 12 mois après la sortie).
          </>
        )}
      </p>
    </Item>
  );
}

/** Open contrôle a posteriori files: the reminder of what the SIAE must send, and by when (in-app, no e-mail). */
function Controle({ m }: { m: SiaeMonth }) {
  if (m.controle.length === 0) return null;
  const first = m.controle[0];
  return (
    <Item
      id="controle"
      title="Contrôle a posteriori"
      done={m.controle.every((f) => f.due?.party !== "siae")}
      link={
        m.controle.length === 1 && first
          ? { to: `/structures/${m.structureId}/controle/${first.campaignId}`, label: "Dossier de contrôle" }
          : { to: `/structures/${m.structureId}/controle`, label: "Mes contrôles" }
      }
    >
      <ul className="fr-mb-0" data-testid="todo-controle-list">
        {m.controle.map((f) => (
          <li key={f.campaignId} data-campaign-id={f.campaignId}>
            Embauches du {formatDate(f.from)} au {formatDate(f.to)} : <strong>{FILE_STATE_LABEL[f.state]}</strong>
            {f.due && (
              <>
                {" "}
                — {DUE_LABEL[f.due.what as keyof typeof DUE_LABEL] ?? f.due.what} avant le{" "}
                <span data-testid="todo-controle-due">{formatDate(f.due.dueOn)}</span>
                {f.due.party === "siae" && f.state === "contradictoire" && " (phase contradictoire : justificatifs des critères refusés)"}
                {f.due.overdue && (
                  <>
                    {" "}
                    <Badge severity="error" small noIcon>
                      En retard
                    </Badge>
                  </>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </Item>
  );
}

function Exits({ m }: { m: SiaeMonth }) {
  const n = m.exits.toRecord;
  return (
    <Item
      id="exits"
      title="Sorties à enregistrer"
      done={n === 0}
      link={
        n > 0
          ? { to: `/structures/${m.structureId}/salaries?filtre=sorties`, label: "Salariés dont la sortie est à enregistrer" }
          : undefined
      }
    >
      <p className="fr-mb-0">
        {n === 0 ? (
          "Aucun contrat terminé sans sortie."
        ) : (
          <>
            <strong data-testid="todo-exits-count">{plural(n, "contrat terminé", "contrats terminés")}</strong> sans sortie enregistrée (fin
            prévue passée, ni renouvellement ni sortie).
          </>
        )}
      </p>
    </Item>
  );
}

function Fiches({ m }: { m: SiaeMonth }) {
  const f = m.fiches;
  const todo = f.toSend + f.toCorrect + f.rejected;
  return (
    <Item
      id="fiches"
      title="Fiches salarié (ASP)"
      done={todo === 0}
      link={{ to: `/structures/${m.structureId}/fiches-salarie`, label: "Fiches salarié" }}
    >
      <p className="fr-mb-0">
        <span data-testid="todo-fiches-send">{plural(f.toSend, "fiche à envoyer", "fiches à envoyer")}</span>,{" "}
        {plural(f.toCorrect, "fiche à corriger", "fiches à corriger")}, dont {plural(f.rejected, "rejetée", "rejetées")} par l'ASP ;{" "}
        {plural(f.awaitingReturn, "fiche en attente", "fiches en attente")} du retour de l'ASP.
      </p>
    </Item>
  );
}

function Consumption({ m }: { m: SiaeMonth }) {
  const c = m.consumption;
  if (!c) {
    return (
      <Item id="consumption" title="Consommation de l'annexe financière" done>
        <p className="fr-mb-0">Aucune annexe financière en vigueur en {formatMonth(m.declaration.month)}.</p>
      </Item>
    );
  }
  return (
    <Item
      id="consumption"
      title={`Consommation de l'annexe financière ${c.year}`}
      done
      link={{ to: `/structures/${m.structureId}?year=${c.year}`, label: "Réalisation mois par mois" }}
    >
      <p>
        <strong>{formatEtp(c.etpRealisesToDate)}</strong> ETP réalisés en moyenne sur les mois déclarés, pour{" "}
        <strong>{formatEtp(c.etpConventionnes)}</strong> ETP conventionnés. Prévision : pas encore disponible dans Passerelle.
      </p>
      <div className="fr-table fr-table--sm fr-mb-0">
        <table data-testid="todo-consumption-table">
          <caption className="fr-sr-only">ETP réalisés et conventionnés par mois</caption>
          <thead>
            <tr>
              <th scope="col">Mois</th>
              <th scope="col" className="numeric">
                ETP réalisés
              </th>
              <th scope="col" className="numeric">
                ETP conventionnés
              </th>
            </tr>
          </thead>
          <tbody>
            {c.months.map((x) => (
              <tr key={x.month}>
                <td>{formatMonth(x.month)}</td>
                <td className="numeric">{x.declared ? formatEtp(x.etpRealises) : "non déclaré"}</td>
                <td className="numeric">{formatEtp(x.etpConventionnes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Item>
  );
}

export function SiaeHomePage() {
  const { structureId } = useParams();
  const month = useQuery({
    queryKey: ["siae-month", structureId],
    queryFn: () => call(getSiaeMonth, { params: { structureId: structureId ?? "" } }),
  });
  const m = month.data;
  return (
    <>
      <h1>{m ? `${m.structureName} : à faire ce mois-ci` : "À faire ce mois-ci"}</h1>
      {month.isPending && <Loading />}
      {month.isError && <ErrorState error={month.error} />}
      {m && (
        <>
          <p className="fr-text--lead" data-testid="todo-today">
            Au {formatLongDate(m.today)}
          </p>
          <ul className="fr-grid-row fr-grid-row--gutters passerelle-todo-list">
            <Declaration m={m} />
            <Pass m={m} />
            <Exits m={m} />
            <Diagnoses m={m} />
            <Fiches m={m} />
            <Consumption m={m} />
            <FollowUps m={m} />
            <Controle m={m} />
          </ul>
        </>
      )}
    </>
  );
}
