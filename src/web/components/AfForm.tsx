// Form of an annexe financière (new AF or new version of one): period, ETP conventionnés, milieu
// pénitentiaire, modulated part with its three criteria, funding lines. Checked as you type (French
// messages); the aide au poste is computed live by the API from the barème (AfSimulationView) and
// the first funding line takes what the other lines leave of the total. Confirms what was written.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError, call } from "../api/client.js";
import { type AnnexBody, createAnnex, createAnnexVersion, simulateAnnex } from "../../contracts/annexes.js";
import { listFundingLines } from "../../contracts/referentials.js";
import { formatDate, formatEuros } from "../format.js";
import { AfSimulationView } from "./AfSimulationView.js";
import { ErrorState, Loading } from "./States.js";
import { useDebounced } from "./useDebounced.js";
import { maxModulationPercent } from "../../domain/aid/modulation.js";
import { baremeTerritory } from "../../domain/aid/territory.js";
import { annexPeriodError } from "../../domain/conventions/annexPeriod.js";
import { FrenchDateInput } from "./FrenchDateInput.js";
import { DecimalField } from "./TextField.js";

export interface AfFormValues {
  startsOn: string;
  endsOn: string;
  etp: string;
  penitentiary: boolean;
  modulation: string;
  /** Funding line that receives the remainder of the total (State droit commun by default). */
  mainLine: string;
  /** The other funding lines, with the amounts typed by the agent. */
  otherLines: { code: string; amount: string }[];
  /** Convention the AF belongs to ("" = none); a new version keeps the one of the version it replaces. */
  conventionId: string;
}

const DECIMAL = /^\d+([.,]\d{1,2})?$/;

/** "12,5" → 1250 hundredths; null when not a positive decimal with 2 digits at most. */
export function toHundredths(value: string): number | null {
  const v = value.trim();
  if (!DECIMAL.test(v)) return null;
  const [int = "0", frac = ""] = v.replace(",", ".").split(".");
  return Number(int) * 100 + Number(frac.padEnd(2, "0"));
}

/** 1250 → "12.50" (API decimal string), sign kept. */
export function fromHundredths(n: number): string {
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

export function etpError(value: string): string | null {
  if (value.trim() === "") return "Indiquez le nombre d'ETP conventionnés.";
  const h = toHundredths(value);
  if (h === null) return "Nombre attendu, 2 décimales au plus (ex. 12,5).";
  if (h <= 0) return "Le nombre d'ETP conventionnés doit être supérieur à 0.";
  return null;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function startError(startsOn: string): string | null {
  if (startsOn === "") return "Indiquez la date de début.";
  if (!ISO.test(startsOn)) return "Date attendue au format JJ/MM/AAAA.";
  return null;
}

// AF period: src/domain/conventions/annexPeriod.ts (iae-reference §2.1).
export function endError(startsOn: string, endsOn: string): string | null {
  if (endsOn === "") return "Indiquez la date de fin.";
  if (!ISO.test(endsOn)) return "Date attendue au format JJ/MM/AAAA.";
  if (!ISO.test(startsOn)) return null;
  return annexPeriodError(startsOn, endsOn);
}

// Modulated part bound: src/domain/aid/modulation.ts (iae-reference §2.2).
export function modulationError(value: string, penitentiary: boolean): string | null {
  if (value.trim() === "") return null;
  const h = toHundredths(value);
  const max = maxModulationPercent(penitentiary ? "penitentiaire" : "droit_commun");
  if (h === null || h > max * 100) return `Part modulée entre 0 et ${max} % attendue${penitentiary ? " en milieu pénitentiaire" : ""}.`;
  return null;
}

/** The "Part modulée (%)" field of the AF form and of the simulations; the hint gives the bound by default. */
export function ModulationPercentField({
  penitentiary,
  value,
  onChange,
  error,
  hint,
}: {
  penitentiary: boolean;
  value: string;
  onChange: (value: string) => void;
  error: string | null | undefined;
  hint?: string;
}) {
  const max = maxModulationPercent(penitentiary ? "penitentiaire" : "droit_commun");
  return (
    <DecimalField
      label="Part modulée (%)"
      hint={hint ?? `De 0 à ${max} %, vide si aucune`}
      error={error}
      name="modulation"
      value={value}
      onChange={onChange}
    />
  );
}

const FIELD_LABELS: Record<string, string> = {
  "/etp": "ETP conventionnés",
  etp: "ETP conventionnés",
  "/startsOn": "Date de début",
  startsOn: "Date de début",
  "/endsOn": "Date de fin",
  endsOn: "Date de fin",
  "/modulationPercent": "Part modulée",
  modulationPercent: "Part modulée",
  funding: "Financements",
  penitentiary: "Milieu pénitentiaire",
  unitAmount: "Montant unitaire",
};

export function AfForm({
  structureId,
  kind,
  departement,
  initial,
  annexId,
  mode,
  conventions = [],
}: {
  structureId: number;
  kind: string;
  /** Département of the structure's address: Mayotte (976) has its own barème. */
  departement: string;
  /** Conventions of the structure the agent may attach a new AF to. */
  conventions?: { id: number; number: string; startsOn: string; endsOn: string }[];
  initial: AfFormValues;
  /** The AF version an avenant replaces (mode "version"). */
  annexId?: number;
  mode: "create" | "version";
}) {
  const client = useQueryClient();
  const [v, setV] = useState<AfFormValues>(initial);
  const [touched, setTouched] = useState(false);
  const set = (patch: Partial<AfFormValues>) => setV((prev) => ({ ...prev, ...patch }));
  const penitentiaryAllowed = kind === "ACI" || kind === "EI";
  const lines = useQuery({
    queryKey: ["funding-lines"],
    queryFn: () => call(listFundingLines),
    staleTime: Number.POSITIVE_INFINITY,
  });

  const errors = {
    etp: etpError(v.etp),
    startsOn: startError(v.startsOn),
    endsOn: endError(v.startsOn, v.endsOn),
    modulation: modulationError(v.modulation, v.penitentiary),
  };
  const show = (field: keyof typeof errors, value: string) => (touched || value !== "" ? errors[field] : null);
  const inputsValid = !errors.etp && !errors.startsOn && !errors.endsOn && !errors.modulation;

  // Debounced on the serialized inputs (a new object each render would never settle).
  const typedKey = JSON.stringify({
    kind,
    etp: v.etp.trim().replace(",", "."),
    from: v.startsOn,
    to: v.endsOn,
    modulation: v.modulation.trim() === "" ? undefined : v.modulation.trim().replace(",", "."),
    territory: baremeTerritory({ departementCode: departement, penitentiary: v.penitentiary }),
  });
  const simKey = useDebounced(typedKey, 250);
  const simInput = JSON.parse(simKey);
  const simulation = useQuery({
    enabled: inputsValid,
    queryKey: ["simulation-af", simKey],
    queryFn: () => call(simulateAnnex, { query: simInput }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const sim = inputsValid ? simulation.data : undefined;
  // The funding split must follow the figures of what is typed, not those of a previous computation.
  const computing = inputsValid && (simKey !== typedKey || simulation.isPlaceholderData || simulation.isFetching);

  // Funding: the main line takes the remainder of the total.
  const totalCents = sim ? toHundredths(sim.total) : null;
  const otherErrors = v.otherLines.map((l, i) => {
    if (l.code === "") return "Choisissez la ligne de financement.";
    if (l.code === v.mainLine || v.otherLines.findIndex((o) => o.code === l.code) !== i) return "Ligne de financement en double.";
    if (l.amount.trim() === "") return "Indiquez le montant.";
    if (toHundredths(l.amount) === null) return "Montant attendu en euros, 2 décimales au plus (ex. 20000,50).";
    return null;
  });
  const othersCents = v.otherLines.reduce((sum, l) => sum + (toHundredths(l.amount) ?? 0), 0);
  const remainder = totalCents === null ? null : totalCents - othersCents;
  const fundingError =
    remainder !== null && remainder < 0 ? `Les autres financements dépassent le total de l'annexe (${formatEuros(sim?.total)}).` : null;

  const save = useMutation({
    mutationFn: () => {
      const body: AnnexBody = {
        startsOn: v.startsOn,
        endsOn: v.endsOn,
        etp: v.etp.trim().replace(",", "."),
        penitentiary: v.penitentiary,
        ...(v.conventionId !== "" ? { conventionId: Number(v.conventionId) } : {}),
        ...(v.modulation.trim() !== "" ? { modulationPercent: v.modulation.trim().replace(",", ".") } : {}),
        funding: [
          { code: v.mainLine, amount: fromHundredths(remainder ?? 0) },
          ...v.otherLines.map((l) => ({ code: l.code, amount: fromHundredths(toHundredths(l.amount) ?? 0) })),
        ],
      };
      return mode === "version" && annexId !== undefined
        ? call<typeof createAnnexVersion, 201>(createAnnexVersion, { params: { structureId, annexId }, body })
        : call<typeof createAnnex, 201>(createAnnex, { params: { structureId }, body });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["structure", String(structureId)] });
      // Marked stale without refetching: the page showing this form must keep its confirmation.
      void client.invalidateQueries({ queryKey: ["annex"], refetchType: "none" });
    },
  });

  if (save.isSuccess) {
    const c = save.data;
    return (
      <div data-testid="af-created">
        <Alert
          severity="success"
          title={mode === "create" ? "Annexe financière créée" : "Nouvelle version enregistrée"}
          description={`Annexe financière n° ${c.number} enregistrée : ${c.months} mois, montant unitaire ${formatEuros(c.unitAmount)}, aide au poste ${formatEuros(c.total)}.${c.historisedId !== null ? " La version précédente est historisée." : ""}`}
          className="fr-mb-2w"
        />
        <p>
          <Link className="fr-btn fr-mr-2w" to={`/structures/${structureId}/annexes/${c.id}`}>
            Voir l'annexe {c.number}
          </Link>
          <Link className="fr-btn fr-btn--secondary" to={`/structures/${structureId}`}>
            Retour à la structure
          </Link>
        </p>
      </div>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!inputsValid || !sim || remainder === null || fundingError || otherErrors.some(Boolean)) return;
    if (computing) return;
    save.mutate();
  };
  const saveError = save.error instanceof ApiError ? save.error : null;

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={mode === "create" ? "Nouvelle annexe financière" : "Nouvelle version de l'annexe financière"}
    >
      {save.isError && (
        <Alert
          severity="error"
          title={mode === "create" ? "Annexe non créée" : "Version non enregistrée"}
          description={
            <>
              {saveError ? saveError.message : "Erreur inattendue."}
              {saveError && saveError.errors.length > 0 && (
                <ul>
                  {saveError.errors.map((err) => (
                    <li key={`${err.field}-${err.message}`}>
                      {FIELD_LABELS[err.field] ?? err.field} : {err.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          }
          className="fr-mb-2w"
        />
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-6">
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Période et postes</legend>
            <div className="fr-fieldset__element">
              <p className="fr-mb-1w">
                Type de structure : <strong>{kind}</strong> (aide au poste selon le barème {kind} en vigueur à la date de début)
              </p>
            </div>
            {mode === "create" && conventions.length > 0 && (
              <div className="fr-fieldset__element">
                <Select
                  label="Convention"
                  nativeSelectProps={{
                    name: "conventionId",
                    value: v.conventionId,
                    onChange: (e) => set({ conventionId: e.target.value }),
                  }}
                >
                  <option value="">Aucune convention</option>
                  {conventions.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.number} (du {formatDate(c.startsOn)} au {formatDate(c.endsOn)})
                    </option>
                  ))}
                </Select>
              </div>
            )}
            <div className="fr-fieldset__element">
              <FrenchDateInput
                label="Date de début"
                name="startsOn"
                value={v.startsOn}
                onChange={(iso) => set({ startsOn: iso })}
                error={show("startsOn", v.startsOn)}
              />
            </div>
            <div className="fr-fieldset__element">
              <FrenchDateInput
                label="Date de fin (dans la même année civile que la date de début)"
                name="endsOn"
                value={v.endsOn}
                onChange={(iso) => set({ endsOn: iso })}
                error={show("endsOn", v.endsOn)}
              />
            </div>
            <div className="fr-fieldset__element">
              <DecimalField
                label="ETP conventionnés"
                hint="Nombre d'équivalents temps plein, ex. 12,5"
                error={show("etp", v.etp)}
                name="etp"
                value={v.etp}
                onChange={(value) => set({ etp: value })}
              />
            </div>
            {penitentiaryAllowed && (
              <div className="fr-fieldset__element">
                <Checkbox
                  options={[
                    {
                      label: "Milieu pénitentiaire",
                      hintText: "Barème pénitentiaire, part modulée de 5 % au plus",
                      nativeInputProps: {
                        name: "penitentiary",
                        checked: v.penitentiary,
                        onChange: (e) => set({ penitentiary: e.target.checked }),
                      },
                    },
                  ]}
                />
              </div>
            )}
          </fieldset>
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Part modulée (facultative)</legend>
            <div className="fr-fieldset__element">
              <p className="fr-text--sm fr-mb-1w">
                De 0 à {v.penitentiary ? 5 : 10} % du montant socle, fixée chaque année par le préfet selon trois critères : les
                caractéristiques des personnes embauchées, les actions et moyens d'insertion mis en œuvre, les résultats constatés à la
                sortie. Versée en une fois après le bilan annuel.
              </p>
              <ModulationPercentField
                penitentiary={v.penitentiary}
                hint="Laisser vide si aucune part modulée"
                error={show("modulation", v.modulation)}
                value={v.modulation}
                onChange={(value) => set({ modulation: value })}
              />
            </div>
          </fieldset>
          <fieldset className="fr-fieldset" aria-describedby="funding-help">
            <legend className="fr-fieldset__legend">Financements</legend>
            <div className="fr-fieldset__element">
              <p id="funding-help" className="fr-text--sm fr-mb-1w">
                La première ligne reçoit ce que les autres lignes laissent du total de l'aide au poste.
              </p>
              {lines.isPending && <Loading label="Chargement des lignes de financement…" />}
              {lines.isError && <ErrorState error={lines.error} />}
              <Select
                label="Ligne principale"
                nativeSelectProps={{ name: "mainLine", value: v.mainLine, onChange: (e) => set({ mainLine: e.target.value }) }}
              >
                {(lines.data ?? [{ code: v.mainLine, label: v.mainLine, financer: "etat" }]).map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.label}
                  </option>
                ))}
              </Select>
              <p data-testid="af-main-line-amount" aria-live="polite">
                Montant de la ligne principale : <strong>{remainder === null ? "—" : formatEuros(fromHundredths(remainder))}</strong>
              </p>
              {fundingError && (
                <p className="fr-error-text" role="alert">
                  {fundingError}
                </p>
              )}
            </div>
            {v.otherLines.map((l, i) => {
              const error = touched || l.amount !== "" ? otherErrors[i] : null;
              const update = (patch: Partial<{ code: string; amount: string }>) =>
                set({ otherLines: v.otherLines.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity before being saved
                <div className="fr-fieldset__element fr-grid-row fr-grid-row--gutters" key={i}>
                  <div className="fr-col-12 fr-col-md-6">
                    <Select
                      label={`Autre financement ${i + 1}`}
                      nativeSelectProps={{ name: `funding-${i}-code`, value: l.code, onChange: (e) => update({ code: e.target.value }) }}
                    >
                      <option value="" disabled>
                        Choisir une ligne
                      </option>
                      {(lines.data ?? []).map((f) => (
                        <option key={f.code} value={f.code}>
                          {f.label}
                        </option>
                      ))}
                    </Select>
                  </div>
                  <div className="fr-col-12 fr-col-md-4">
                    <DecimalField
                      label={`Montant ${i + 1} (€)`}
                      error={error}
                      name={`funding-${i}-amount`}
                      value={l.amount}
                      onChange={(value) => update({ amount: value })}
                    />
                  </div>
                  <div className="fr-col-12 fr-col-md-2">
                    <Button
                      type="button"
                      priority="tertiary"
                      size="small"
                      className="fr-mt-4w"
                      nativeButtonProps={{ "aria-label": `Retirer la ligne ${i + 1}` }}
                      onClick={() => set({ otherLines: v.otherLines.filter((_, j) => j !== i) })}
                    >
                      Retirer
                    </Button>
                  </div>
                </div>
              );
            })}
            <div className="fr-fieldset__element">
              <Button
                type="button"
                priority="secondary"
                size="small"
                onClick={() => set({ otherLines: [...v.otherLines, { code: "", amount: "" }] })}
              >
                Ajouter un financement
              </Button>
            </div>
          </fieldset>
          <Button type="submit" disabled={save.isPending || computing}>
            {save.isPending
              ? "Enregistrement…"
              : computing
                ? "Calcul en cours…"
                : mode === "create"
                  ? "Créer l'annexe financière"
                  : "Enregistrer la nouvelle version"}
          </Button>
        </div>
        <div className="fr-col-12 fr-col-lg-6">
          <h2 className="fr-h5">Aide au poste calculée</h2>
          {!inputsValid && <p>Complétez la période et les ETP pour calculer l'aide au poste.</p>}
          {inputsValid && simulation.isPending && <Loading label="Calcul de l'aide au poste…" />}
          {inputsValid && simulation.isError && <ErrorState error={simulation.error} />}
          {sim && !simulation.isError && (
            <AfSimulationView simulation={sim} stale={simulation.isPlaceholderData || simulation.isFetching} />
          )}
        </div>
      </div>
    </form>
  );
}
