// Part modulée of a département for a year (/departement/{code}/modulation?annee=): for every structure with
// an AF counting in the year, the grid's proposal with its calculation line by line, the percentage decided
// (an override needs a reason) and the modulated amount (computed by the domain, to the cent); below, the grid
// in force, editable by the DDETS (each save is a new version). No national grid is published: the default
// grid is a starting point (docs/ddets-year.md).
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import {
  decideModulation,
  type DepartementModulation,
  getModulation,
  getModulationGrid,
  type ModulationGrid,
  type StructureModulationLine,
  saveModulationGridContract,
} from "../../contracts/financing.js";
import { type CriterionLine, FAMILY_LABELS, MODULATION_MEASURES, type ModulationMeasure } from "../../domain/financing/modulationGrid.js";
import { call } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { DdetsYearHeader, useDdetsYear } from "../components/DdetsYearHeader.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatEuros } from "../format.js";
import { DataTable } from "../components/DataTable.js";
import { num } from "../components/TableHead.js";

const pct = (v: string | number | null) => (v === null ? "—" : `${Number(v).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`);

/** A measure's value in its unit: ratios as percentages, hours, points. */
function measureValue(measure: ModulationMeasure, v: number | null): string {
  if (v === null) return "absente des données";
  const unit = MODULATION_MEASURES[measure].unit;
  if (unit === "ratio") return pct(v * 100);
  if (unit === "hours") return `${v.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} h`;
  return `${v.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} points`;
}

/** The grid's calculation for one structure, one line per criterion (also on the dialogue sheet). */
export function CriteriaTable({ criteria, caption }: { criteria: CriterionLine[]; caption: string }) {
  return (
    <DataTable
      caption={caption}
      testId="modulation-criteria"
      className="fr-table--sm"
      columns={["Famille", "Critère", num("Valeur"), num("Points"), num("Poids"), num("Contribution")]}
    >
      {criteria.map((c) => (
        <tr key={c.id}>
          <td>{FAMILY_LABELS[c.family]}</td>
          <td>
            {c.label}
            {c.note ? <span className="fr-hint-text">{c.note}</span> : null}
          </td>
          <td className="numeric">{measureValue(c.measure, c.value)}</td>
          <td className="numeric">{c.points.toLocaleString("fr-FR")}</td>
          <td className="numeric">{c.weight.toLocaleString("fr-FR")}</td>
          <td className="numeric">{pct(c.contribution)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function ModulationPage({ user }: { user: SessionUser }) {
  const { code = "" } = useParams();
  // The part modulée is decided after the year's review: by default, last year.
  const { year, ready } = useDdetsYear(-1);
  const data = useQuery({
    enabled: ready,
    queryKey: ["modulation", code, year],
    queryFn: async () =>
      (await call(getModulation, { params: { departement: code }, query: { year } })) as unknown as DepartementModulation,
  });
  const canEdit = user.role === "departemental" || user.role === "admin";
  return (
    <>
      <DdetsYearHeader code={code} year={year} page="modulation" title="Part modulée" />
      <p>
        De 0 à 10 % du montant socle (5 % en milieu pénitentiaire), selon trois critères : les personnes embauchées, les actions
        d'insertion, les résultats à la sortie. <strong>Aucune grille nationale n'est publiée</strong> : la grille par défaut est un point
        de départ, que la DDETS adapte ci-dessous.
      </p>
      {(data.isPending || !ready) && <Loading label="Calcul de la part modulée…" />}
      {data.isError && <ErrorState error={data.error} />}
      {data.data && data.data.structures.length === 0 && <Empty>Aucune structure n'a d'annexe financière cette année.</Empty>}
      {data.data && data.data.structures.length > 0 && (
        <>
          <p className="fr-text--sm">
            Grille {data.data.gridVersion === null ? "par défaut" : `version ${data.data.gridVersion}`} ; {data.data.structures.length}{" "}
            structures.
          </p>
          <div data-testid="modulation-structures">
            {data.data.structures.map((s) => (
              <StructureModulation key={s.structureId} line={s} year={year} code={code} canEdit={canEdit} />
            ))}
          </div>
        </>
      )}
      {ready && <GridEditor code={code} year={year} canEdit={canEdit} />}
    </>
  );
}

function StructureModulation({
  line: s,
  year,
  code,
  canEdit,
}: {
  line: StructureModulationLine;
  year: number;
  code: string;
  canEdit: boolean;
}) {
  const client = useQueryClient();
  const [decided, setDecided] = useState((s.decidedPercent ?? s.proposedPercent).replace(".", ","));
  const [reason, setReason] = useState(s.overrideReason ?? "");
  const decide = useMutation({
    mutationFn: () =>
      call(decideModulation, {
        params: { structureId: s.structureId },
        body: { year, decidedPercent: decided.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["modulation", code, year] }),
  });
  const id = `modulation-${s.structureId}`;
  return (
    <section className="fr-mb-3w" aria-labelledby={id} data-structure-id={s.structureId}>
      <h2 id={id} className="fr-h6 fr-mb-1w">
        <Link to={`/structures/${s.structureId}/dialogue/${year}`}>{s.name}</Link> ({s.kind}
        {s.penitentiary ? ", milieu pénitentiaire" : ""})
      </h2>
      <p className="fr-mb-1w">
        Socle {formatEuros(s.socleTotal)} · proposée <strong data-testid="proposed-percent">{pct(s.proposedPercent)}</strong> (plafond{" "}
        {pct(s.capPercent)}) · décidée <strong data-testid="decided-percent">{pct(s.decidedPercent)}</strong> · montant modulé{" "}
        <strong data-testid="modulated-amount">{formatEuros(s.amount)}</strong>
        {s.overrideReason ? ` · motif : ${s.overrideReason}` : ""}
      </p>
      <details>
        <summary>Calcul ligne à ligne</summary>
        <CriteriaTable criteria={s.criteria} caption={`Part modulée proposée pour ${s.name}`} />
      </details>
      {canEdit && (
        <form
          className="filters fr-mt-1w"
          onSubmit={(e) => {
            e.preventDefault();
            decide.mutate();
          }}
        >
          <Input
            label={`Pourcentage décidé (${s.name})`}
            nativeInputProps={{ value: decided, onChange: (e) => setDecided(e.target.value), name: "decidedPercent", inputMode: "decimal" }}
          />
          <Input
            label={`Motif si différent de la grille (${s.name})`}
            nativeInputProps={{ value: reason, onChange: (e) => setReason(e.target.value), name: "reason" }}
          />
          <button type="submit" className="fr-btn fr-btn--secondary" disabled={decide.isPending}>
            Décider
          </button>
          {decide.isError && <ErrorState error={decide.error} />}
        </form>
      )}
    </section>
  );
}

/** A threshold's minimum as typed: ratios in percent. */
const toTyped = (measure: ModulationMeasure, min: number) =>
  String(MODULATION_MEASURES[measure].unit === "ratio" ? Math.round(min * 10000) / 100 : min).replace(".", ",");
const fromTyped = (measure: ModulationMeasure, text: string) => {
  const n = Number(text.replace(",", ".").trim());
  return MODULATION_MEASURES[measure].unit === "ratio" ? n / 100 : n;
};

function GridEditor({ code, year, canEdit }: { code: string; year: number; canEdit: boolean }) {
  const client = useQueryClient();
  const grid = useQuery({
    queryKey: ["modulation-grid", code, year],
    queryFn: () => call(getModulationGrid, { params: { departement: code }, query: { year } }),
  });
  const criteria = (grid.data?.criteria ?? []) as unknown as ModulationGrid;
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => {
    const d: Record<string, string> = {};
    for (const c of criteria) {
      d[`${c.id}.weight`] = String(c.weight).replace(".", ",");
      c.thresholds.forEach((t, i) => {
        d[`${c.id}.${i}.min`] = toTyped(c.measure, t.min);
        d[`${c.id}.${i}.points`] = String(t.points).replace(".", ",");
      });
    }
    setDraft(d);
  }, [criteria]);
  const save = useMutation({
    mutationFn: () =>
      call(saveModulationGridContract, {
        params: { departement: code },
        body: {
          year,
          criteria: criteria.map((c) => ({
            id: c.id,
            family: c.family,
            measure: c.measure,
            weight: Number((draft[`${c.id}.weight`] ?? "").replace(",", ".")),
            thresholds: c.thresholds.map((_, i) => ({
              min: fromTyped(c.measure, draft[`${c.id}.${i}.min`] ?? ""),
              points: Number((draft[`${c.id}.${i}.points`] ?? "").replace(",", ".")),
            })),
          })),
        },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["modulation-grid", code, year] });
      void client.invalidateQueries({ queryKey: ["modulation", code, year] });
    },
  });
  const versions = (grid.data?.versions ?? []) as { version: number; createdBy: string; createdAt: string }[];
  const field = (key: string, label: string) => (
    <Input
      label={label}
      nativeInputProps={{
        value: draft[key] ?? "",
        onChange: (e) => setDraft({ ...draft, [key]: e.target.value }),
        name: key,
        inputMode: "decimal",
        readOnly: !canEdit,
      }}
    />
  );
  return (
    <section aria-labelledby="grille" className="fr-mt-6w" data-testid="modulation-grid">
      <h2 id="grille" className="fr-h4">
        Grille {year} {grid.data ? (grid.data.version === null ? "(par défaut)" : `(version ${grid.data.version})`) : ""}
      </h2>
      {grid.isError && <ErrorState error={grid.error} />}
      <p className="fr-text--sm">
        Chaque critère rapporte son poids × les points du plus haut seuil atteint ; la somme des poids ne dépasse pas 10. Seuils des parts
        en %.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {criteria.map((c) => (
          <fieldset key={c.id} className="fr-fieldset">
            <legend className="fr-fieldset__legend">
              {FAMILY_LABELS[c.family]} — {MODULATION_MEASURES[c.measure].label}
            </legend>
            <div className="filters">
              {field(`${c.id}.weight`, `Poids (${c.id})`)}
              {c.thresholds.map((t, i) => (
                <span key={`${c.id}-${t.min}`} className="filters">
                  {field(`${c.id}.${i}.min`, `Seuil ${i + 1} (${c.id})`)}
                  {field(`${c.id}.${i}.points`, `Points du seuil ${i + 1} (${c.id})`)}
                </span>
              ))}
            </div>
          </fieldset>
        ))}
        {save.isError && <ErrorState error={save.error} />}
        {save.isSuccess && (
          <p role="status" className="fr-text--sm">
            Nouvelle version de la grille enregistrée.
          </p>
        )}
        {canEdit && (
          <button type="submit" className="fr-btn fr-btn--secondary" disabled={save.isPending}>
            Enregistrer une nouvelle version de la grille
          </button>
        )}
      </form>
      {versions.length > 0 && (
        <p className="fr-text--sm fr-mt-2w">
          Versions :{" "}
          {versions.map((v) => `${v.version} (${v.createdBy}, ${new Date(v.createdAt).toLocaleDateString("fr-FR")})`).join(" ; ")}.
        </p>
      )}
    </section>
  );
}
