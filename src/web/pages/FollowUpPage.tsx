// The SIAE's follow-up after exit: the month's work list (exits whose situation at 6 or 12 months falls due
// in the month, from GET /structures/:id/follow-ups), a situation entered per line, a CSV import of many
// situations (all or nothing, errors per line), and the structure's own outcome rates of the year (indicators,
// key followUp). Format of the CSV: docs/steering.md.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { Upload } from "@codegouvfr/react-dsfr/Upload.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import {
  type FollowUpItem,
  type FollowUpWorkList,
  getFollowUpWorkList,
  importFollowUps,
  recordFollowUp,
} from "../../contracts/followUp.js";
import { type FollowUpIndicators, getIndicators } from "../../contracts/indicators.js";
import { ApiError, call } from "../api/client.js";
import { EXIT_GROUP_LABELS, FollowUpRatesTable } from "../components/FollowUpRatesTable.js";
import { MonthSelect } from "../components/MonthSelect.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatInt, formatLongDate, formatMonth } from "../format.js";

export function FollowUpPage() {
  const { structureId = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const month = search.get("mois") ?? undefined;
  const list = useQuery({
    queryKey: ["follow-ups", structureId, month ?? ""],
    queryFn: () => call(getFollowUpWorkList, { params: { structureId }, query: month ? { month } : {} }),
  });
  const l = list.data;
  const thisYear = l ? Number(l.today.slice(0, 4)) : null;
  return (
    <>
      <h1>{l ? `${l.structureName} : suivi après sortie` : "Suivi après sortie"}</h1>
      <p className="fr-text--lead">
        Situation des personnes 6 mois et 12 mois après leur sortie : en emploi, en formation, demandeur d'emploi, inactif ou inconnue.
      </p>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {l && thisYear !== null && (
        <>
          <MonthSelect
            label="Mois du suivi"
            value={l.month}
            years={[thisYear, thisYear - 1, thisYear - 2]}
            onChange={(m) => setSearch({ mois: m })}
          />
          <WorkList l={l} />
          <CsvImport structureId={structureId} l={l} />
          <Rates structureId={structureId} year={Math.min(Number(l.month.slice(0, 4)), thisYear - 1)} />
          <p className="fr-mt-4w">
            <Link to={`/structures/${structureId}/accueil`} className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
              À faire ce mois-ci
            </Link>
          </p>
        </>
      )}
    </>
  );
}

function WorkList({ l }: { l: FollowUpWorkList }) {
  return (
    <section className="fr-mt-2w" aria-labelledby="follow-up-list-title">
      <h2 id="follow-up-list-title" className="fr-h4">
        À suivre en {formatMonth(l.month)}
      </h2>
      <p data-testid="follow-up-summary">
        Au {formatLongDate(l.today)} :{" "}
        <strong data-testid="follow-up-to-enter">
          {formatInt(l.toEnter)} situation{l.toEnter > 1 ? "s" : ""} à renseigner
        </strong>{" "}
        sur {formatInt(l.due)} sortie{l.due > 1 ? "s" : ""} à suivre ce mois-là.
      </p>
      {l.due === 0 ? (
        <p>Aucune sortie n'atteint 6 ou 12 mois ce mois-là.</p>
      ) : (
        <div className="fr-table fr-table--sm">
          <table data-testid="follow-up-table">
            <caption className="fr-sr-only">Sorties à suivre en {formatMonth(l.month)}</caption>
            <thead>
              <tr>
                <th scope="col">Salarié</th>
                <th scope="col">N° de sortie</th>
                <th scope="col">Sortie</th>
                <th scope="col">Suivi</th>
                <th scope="col">Situation</th>
              </tr>
            </thead>
            <tbody>
              {l.items.map((i) => (
                <Row key={`${i.exitId}-${i.horizon}`} item={i} l={l} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Row({ item, l }: { item: FollowUpItem; l: FollowUpWorkList }) {
  const client = useQueryClient();
  const [situation, setSituation] = useState<string>(item.situation ?? "");
  const who = [item.lastName, item.firstName].filter(Boolean).join(" ") || `Salarié n° ${item.personId}`;
  const save = useMutation({
    mutationFn: () =>
      call(recordFollowUp, {
        params: { structureId: String(l.structureId) },
        body: { exitId: item.exitId, horizon: item.horizon, situation: situation as NonNullable<FollowUpItem["situation"]> },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["follow-ups"] });
      void client.invalidateQueries({ queryKey: ["siae-month"] });
      void client.invalidateQueries({ queryKey: ["follow-up-rates"] });
    },
  });
  const selectId = `situation-${item.exitId}-${item.horizon}`;
  return (
    <tr data-testid={`follow-up-row-${item.exitId}-${item.horizon}`}>
      <td>
        <Link to={`/salaries/${item.personId}`}>{who}</Link>
      </td>
      <td>{item.exitId}</td>
      <td>
        {formatDate(item.exitOn)} — {item.motifLabel}
        <br />
        <span className="fr-text--xs">{EXIT_GROUP_LABELS[item.exitGroup] ?? item.exitGroup}</span>
      </td>
      <td>
        à {item.horizon} mois, le {formatDate(item.dueOn)}{" "}
        {item.situation === null ? (
          <Badge severity="warning" small>
            À renseigner
          </Badge>
        ) : (
          <Badge severity="success" small>
            Renseignée
          </Badge>
        )}
      </td>
      <td>
        <form
          className="passerelle-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (situation) save.mutate();
          }}
        >
          <Select
            label={<span className="fr-sr-only">{`Situation de ${who} à ${item.horizon} mois`}</span>}
            nativeSelectProps={{ id: selectId, value: situation, onChange: (e) => setSituation(e.target.value), name: selectId }}
          >
            <option value="" disabled>
              Choisir
            </option>
            {l.situations.map((s) => (
              <option key={s.code} value={s.code}>
                {s.label}
              </option>
            ))}
          </Select>
          <Button size="small" type="submit" disabled={!situation || save.isPending || situation === item.situation}>
            Enregistrer
          </Button>
        </form>
        {save.isError && <p className="fr-error-text">{save.error instanceof Error ? save.error.message : "Enregistrement refusé."}</p>}
      </td>
    </tr>
  );
}

/** The month's list as a CSV to fill in (exit numbers only, no name): the situations already entered are kept. */
function templateHref(l: FollowUpWorkList): string {
  const lines = ["sortie;horizon;situation", ...l.items.map((i) => `${i.exitId};${i.horizon};${i.situation ?? ""}`)];
  return `data:text/csv;charset=utf-8,${encodeURIComponent(`${lines.join("\r\n")}\r\n`)}`;
}

function CsvImport({ structureId, l }: { structureId: string; l: FollowUpWorkList }) {
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (f: File) => call(importFollowUps, { params: { structureId }, body: { fileName: f.name, text: await f.text() } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["follow-ups"] });
      void client.invalidateQueries({ queryKey: ["siae-month"] });
      void client.invalidateQueries({ queryKey: ["follow-up-rates"] });
    },
  });
  const errors = upload.error instanceof ApiError ? upload.error.errors : [];
  return (
    <section className="fr-mt-4w" aria-labelledby="follow-up-import-title">
      <h2 id="follow-up-import-title" className="fr-h4">
        Importer des situations (fichier CSV)
      </h2>
      <p>
        Une ligne par sortie et par échéance, séparateur point-virgule, encodage UTF-8, avec l'en-tête <code>sortie;horizon;situation</code>{" "}
        : le n° de sortie (colonne « N° de sortie » ci-dessus), 6 ou 12, et l'un des codes <code>CDI</code>, <code>CDD_6M</code>,{" "}
        <code>CDD_COURT</code>, <code>INTERIM</code>, <code>FORMATION</code>, <code>DEMANDEUR_EMPLOI</code>, <code>INACTIF</code>,{" "}
        <code>INCONNU</code>. Le fichier est enregistré en entier ou pas du tout.
      </p>
      {l.due > 0 && (
        <p>
          <a className="fr-link fr-icon-download-line fr-link--icon-left" href={templateHref(l)} download={`suivi-${l.month}.csv`}>
            Liste de {formatMonth(l.month)} à compléter (CSV, sans nom)
          </a>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate(file);
        }}
      >
        <Upload
          label="Fichier de suivi"
          hint="Format .csv"
          nativeInputProps={{ accept: ".csv,text/csv", onChange: (e) => setFile(e.target.files?.[0] ?? null), name: "fichier-suivi" }}
        />
        <Button type="submit" className="fr-mt-2w" disabled={!file || upload.isPending}>
          Importer
        </Button>
      </form>
      {upload.isSuccess && (
        <Alert
          severity="success"
          small
          className="fr-mt-2w"
          description={`${formatInt(upload.data.lines)} ligne(s) lue(s) : ${formatInt(upload.data.written)} situation(s) enregistrée(s), ${formatInt(upload.data.unchanged)} inchangée(s).`}
        />
      )}
      {upload.isError && (
        <div className="fr-mt-2w" data-testid="follow-up-import-errors">
          <Alert
            severity="error"
            small
            description={`${upload.error instanceof Error ? upload.error.message : "Import refusé."} Rien n'a été enregistré.`}
          />
          {errors.length > 0 && (
            <ul>
              {errors.map((e) => (
                <li key={`${e.file}-${e.line}-${e.field}`}>
                  {e.file}, ligne {e.line}, champ « {e.field} » : {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function Rates({ structureId, year }: { structureId: string; year: number }) {
  const ind = useQuery({
    queryKey: ["follow-up-rates", structureId, year],
    queryFn: () => call(getIndicators, { query: { scope: `structure:${structureId}`, year } }),
  });
  const f: FollowUpIndicators | undefined = ind.data?.followUp;
  return (
    <section className="fr-mt-4w" aria-labelledby="follow-up-rates-title">
      <h2 id="follow-up-rates-title" className="fr-h4">
        Résultats des suivis échus en {year}
      </h2>
      {ind.isPending && <Loading />}
      {ind.isError && <ErrorState error={ind.error} />}
      {f && <FollowUpRatesTable f={f} caption="Situation à 6 et 12 mois des sorties, par catégorie de sortie" testId="follow-up-rates" />}
    </section>
  );
}
