// The dialogue de gestion sheet of a structure for a year (/structures/{id}/dialogue/{année}): the figures of
// GET /api/v1/structures/{id}/dialogue (the indicators' own figures, the people served, support, exits against
// the AF's objectives and the national targets, peers, the last three years, the part modulée line by line),
// the DDETS's conclusions and the objectives agreed for the next year (which pre-fill its request), PDF and XLSX.
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { type DialogueSheet, getDialogue, getDialogueDocument, saveDialogue } from "../../contracts/financing.js";
import { call, hrefOf } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { Chart } from "../components/Chart.js";
import { DocumentDownloads } from "../components/DocumentDownloads.js";
import { KpiTile } from "../components/KpiTile.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatEtp, formatInt, formatMonth, formatRate } from "../format.js";
import { CriteriaTable } from "./ModulationPage.js";
import { DataTable } from "../components/DataTable.js";
import { num } from "../components/TableHead.js";

const SHARES = [
  ["rsa", "Bénéficiaires du RSA"],
  ["deld", "Demandeurs d'emploi de longue durée (DELD)"],
  ["detld", "Demandeurs d'emploi de très longue durée (DETLD)"],
  ["young", "Jeunes de moins de 26 ans"],
  ["senior", "Seniors de 50 ans et plus"],
  ["rqth", "Travailleurs handicapés (RQTH)"],
  ["qpv", "Résidents d'un QPV"],
  ["zrr", "Résidents d'une ZRR"],
  ["priorityLevel1", "Critère de niveau 1 au diagnostic"],
] as const;

const NEXT = [
  ["etp", "ETP d'insertion"],
  ["dynamicRate", "Taux de sorties dynamiques (%)"],
  ["durableRate", "Taux de sorties vers l'emploi durable (%)"],
  ["transitionRate", "Taux de sorties vers l'emploi de transition (%)"],
  ["positiveRate", "Taux de sorties positives (%)"],
] as const;

export function DialoguePage({ user }: { user: SessionUser }) {
  const { structureId = "", year: yearText = "" } = useParams();
  const year = Number(yearText);
  const sheet = useQuery({
    queryKey: ["dialogue", structureId, year],
    queryFn: async () => (await call(getDialogue, { params: { structureId }, query: { year } })) as unknown as DialogueSheet,
  });
  const s = sheet.data;
  const canEdit = user.role === "departemental" || user.role === "admin";
  const doc = (format: "pdf" | "xlsx") => hrefOf(getDialogueDocument, { params: { structureId }, query: { year, format } });
  return (
    <>
      <h1>
        Dialogue de gestion {year}
        {s ? ` — ${s.structure.name}` : ""}
      </h1>
      <DocumentDownloads label="Télécharger la fiche" href={doc} testIdPrefix="dialogue">
        <li>
          <Link className="fr-btn fr-btn--tertiary" to={`/structures/${structureId}/demandes/${year + 1}`}>
            Demande {year + 1}
          </Link>
        </li>
      </DocumentDownloads>
      {sheet.isPending && <Loading label="Calcul de la fiche (quelques secondes)…" />}
      {sheet.isError && <ErrorState error={sheet.error} />}
      {s && <SheetFigures s={s} />}
      {s && <AgentSection s={s} structureId={structureId} year={year} canEdit={canEdit} />}
    </>
  );
}

function SheetFigures({ s }: { s: DialogueSheet }) {
  const etpChart: EChartsOption = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: s.etp.byMonth.map((m) => formatMonth(m.month).split(" ")[0] ?? m.month) },
      yAxis: { type: "value", name: "ETP" },
      series: [
        { name: "ETP conventionnés", type: "line", data: s.etp.byMonth.map((m) => m.conventionnes) },
        { name: "ETP réalisés", type: "bar", data: s.etp.byMonth.map((m) => m.realises) },
      ],
    }),
    [s],
  );
  const p = s.public;
  return (
    <>
      <h2 className="fr-h4">Chiffres de l'année</h2>
      <div className="kpi-grid" data-testid="dialogue-tiles">
        <KpiTile indicator="etpConventionnes" value={formatEtp(s.etp.conventionnes)} testId="dlg-conventionnes" />
        <KpiTile indicator="etpRealises" value={formatEtp(s.etp.realises)} testId="dlg-realises" />
        <KpiTile indicator="tauxRealisation" value={formatRate(s.etp.tauxRealisation)} testId="dlg-taux" />
        <KpiTile indicator="peopleEntered" value={formatInt(s.people.entered)} testId="dlg-entered" />
        <KpiTile indicator="peoplePresent" value={formatInt(s.people.present)} testId="dlg-present" />
        <KpiTile indicator="exitsExamined" value={formatInt(s.exits.examined)} testId="dlg-examined" />
        <KpiTile indicator="dynamicRate" value={formatRate(s.exits.dynamicRate)} testId="dlg-dynamic" />
        <KpiTile indicator="durableRate" value={formatRate(s.exits.durableRate)} testId="dlg-durable" />
      </div>
      <p className="fr-mt-2w">
        Durée médiane des parcours des sortants :{" "}
        {s.people.medianParcoursMonths === null
          ? "—"
          : `${s.people.medianParcoursMonths.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} mois`}
        .
      </p>
      <div className="chart-grid fr-my-3w">
        <Chart title={`ETP conventionnés et réalisés par mois, ${s.year}`} option={etpChart} testId="dialogue-etp-chart" />
      </div>

      <h2 className="fr-h4 fr-mt-4w">Sorties, objectifs et cibles</h2>
      <DataTable
        caption={`Sorties examinées (${formatInt(s.exits.examined)}) face aux objectifs de l'annexe financière et aux cibles nationales`}
        testId="dialogue-exits"
        columns={["Taux", num("Réalisé"), num("Objectif de l'AF"), num("Cible nationale"), num("Médiane des pairs")]}
      >
        {(
          [
            [
              "Sorties dynamiques",
              s.exits.dynamicRate,
              s.objectives.dynamicRate,
              s.nationalTargets.dynamicRate,
              s.peers.dynamicRate.median,
            ],
            ["Emploi durable", s.exits.durableRate, s.objectives.durableRate, s.nationalTargets.durableRate, s.peers.durableRate.median],
            // No national target nor peer figure for these two rates.
            ["Emploi de transition", s.exits.transitionRate, s.objectives.transitionRate, null, null],
            ["Sorties positives", s.exits.positiveRate, s.objectives.positiveRate, null, null],
          ] as const
        ).map(([label, ...rates]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            {rates.map((rate, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
              <td key={i} className="numeric">
                {formatRate(rate)}
              </td>
            ))}
          </tr>
        ))}
      </DataTable>

      <h2 className="fr-h4 fr-mt-4w">Personnes accueillies</h2>
      <DataTable
        caption={`Parmi les ${formatInt(p.entered)} personnes entrées dans l'année`}
        testId="dialogue-public"
        columns={["Public", num("Personnes"), num("Part"), num("Donnée connue pour")]}
      >
        {SHARES.map(([k, label]) => (
          <tr key={k}>
            <th scope="row">{label}</th>
            <td className="numeric">{formatInt(p[k].count)}</td>
            <td className="numeric">{formatRate(p[k].share)}</td>
            <td className="numeric">{formatInt(p[k].known)}</td>
          </tr>
        ))}
      </DataTable>
      {p.missing.length > 0 && <p className="fr-text--sm">Absent des données pour toutes les entrées : {p.missing.join(", ")}.</p>}

      <h2 className="fr-h4 fr-mt-4w">Accompagnement et formation</h2>
      <p>
        {formatInt(s.support.actions)} actions d'accompagnement, {formatInt(s.support.hours)} heures pour{" "}
        {formatInt(s.support.peopleSupported)} salariés (
        {s.support.hoursPerPerson === null ? "—" : s.support.hoursPerPerson.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} h par
        salarié présent) ; {formatInt(s.support.trainings)} formations, {formatInt(s.support.peopleTrained)} salariés formés (
        {formatRate(s.support.trainingShare)} des présents).
      </p>
      {s.support.barriers.length > 0 && (
        <p className="fr-text--sm">Freins traités : {s.support.barriers.map((b) => `${b.label} (${formatInt(b.actions)})`).join(", ")}.</p>
      )}

      <h2 className="fr-h4 fr-mt-4w">Pairs et années précédentes</h2>
      <DataTable
        caption={`Structures du même type (${s.peers.kind}) du département ${s.peers.departement} : ${formatInt(s.peers.count)}`}
        testId="dialogue-peers"
        columns={["Indicateur", num("La structure"), num("1er quartile"), num("Médiane"), num("3e quartile")]}
      >
        {(
          [
            ["Taux de réalisation", s.etp.tauxRealisation, s.peers.tauxRealisation, formatRate],
            ["Taux de sorties dynamiques", s.exits.dynamicRate, s.peers.dynamicRate, formatRate],
            ["Taux de sorties durables", s.exits.durableRate, s.peers.durableRate, formatRate],
            ["ETP conventionnés", s.etp.conventionnes, s.peers.etpConventionnes, formatEtp],
          ] as const
        ).map(([label, own, q, f]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="numeric">{f(own)}</td>
            <td className="numeric">{f(q.q1)}</td>
            <td className="numeric">{f(q.median)}</td>
            <td className="numeric">{f(q.q3)}</td>
          </tr>
        ))}
      </DataTable>
      <DataTable
        caption="Les dernières années"
        testId="dialogue-history"
        columns={[
          "Année",
          num("ETP conventionnés"),
          num("ETP réalisés"),
          num("Taux de réalisation"),
          num("Entrées"),
          num("Sorties examinées"),
          num("Sorties dynamiques"),
          num("Emploi durable"),
        ]}
      >
        {s.history.map((h) => (
          <tr key={h.year}>
            <th scope="row">{h.year}</th>
            <td className="numeric">{formatEtp(h.etpConventionnes)}</td>
            <td className="numeric">{formatEtp(h.etpRealises)}</td>
            <td className="numeric">{formatRate(h.tauxRealisation)}</td>
            <td className="numeric">{formatInt(h.entered)}</td>
            <td className="numeric">{formatInt(h.examined)}</td>
            <td className="numeric">{formatRate(h.dynamicRate)}</td>
            <td className="numeric">{formatRate(h.durableRate)}</td>
          </tr>
        ))}
      </DataTable>

      <h2 className="fr-h4 fr-mt-4w">Part modulée</h2>
      <p>
        Proposée par la grille{s.modulation.gridVersion === null ? " par défaut" : ` (version ${s.modulation.gridVersion})`} :{" "}
        <strong data-testid="dialogue-modulation-proposed">{s.modulation.proposedPercent.replace(".", ",")} %</strong> (plafond{" "}
        {s.modulation.capPercent} %) ; décidée :{" "}
        {s.modulation.decidedPercent === null ? "—" : `${s.modulation.decidedPercent.replace(".", ",")} %`}.
      </p>
      <CriteriaTable criteria={s.modulation.criteria} caption="Calcul de la part modulée proposée, critère par critère" />
    </>
  );
}

function AgentSection({ s, structureId, year, canEdit }: { s: DialogueSheet; structureId: string; year: number; canEdit: boolean }) {
  const client = useQueryClient();
  const [conclusions, setConclusions] = useState(s.agent.conclusions);
  const [next, setNext] = useState<Record<string, string>>(
    Object.fromEntries(NEXT.map(([k]) => [k, (s.agent.nextObjectives[k] ?? "").replace(".", ",")])),
  );
  useEffect(() => setConclusions(s.agent.conclusions), [s.agent.conclusions]);
  const save = useMutation({
    mutationFn: () =>
      call(saveDialogue, {
        params: { structureId },
        body: {
          year,
          conclusions,
          nextObjectives: Object.fromEntries(NEXT.flatMap(([k]) => ((next[k] ?? "").trim() ? [[k, (next[k] ?? "").trim()]] : []))),
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["dialogue", structureId, year] }),
  });
  return (
    <section aria-labelledby="conclusions" className="fr-mt-4w">
      <h2 id="conclusions" className="fr-h4">
        Conclusions et objectifs pour {year + 1}
      </h2>
      {s.agent.updatedBy && (
        <p className="fr-text--sm">
          Écrit par {s.agent.updatedBy}
          {s.agent.updatedAt ? `, le ${new Date(s.agent.updatedAt).toLocaleDateString("fr-FR")}` : ""}.
        </p>
      )}
      {canEdit ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Input
            label="Conclusions du dialogue de gestion"
            textArea
            nativeTextAreaProps={{ value: conclusions, onChange: (e) => setConclusions(e.target.value), name: "conclusions", rows: 5 }}
          />
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Objectifs convenus pour {year + 1} (pré-remplissent la demande)</legend>
            {NEXT.map(([k, label]) => (
              <Input
                key={k}
                label={label}
                nativeInputProps={{
                  value: next[k] ?? "",
                  onChange: (e) => setNext({ ...next, [k]: e.target.value }),
                  name: `next-${k}`,
                  inputMode: "decimal",
                }}
              />
            ))}
          </fieldset>
          {save.isError && <ErrorState error={save.error} />}
          {save.isSuccess && (
            <p role="status" className="fr-text--sm">
              Fiche enregistrée.
            </p>
          )}
          <button type="submit" className="fr-btn" disabled={save.isPending}>
            Enregistrer la fiche
          </button>
        </form>
      ) : (
        <>
          <p style={{ whiteSpace: "pre-wrap" }}>{s.agent.conclusions || "Pas encore de conclusions."}</p>
          <ul>
            {NEXT.map(([k, label]) => (
              <li key={k}>
                {label} : {s.agent.nextObjectives[k]?.replace(".", ",") ?? "—"}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
