// Monthly declaration: one grid per AF covering the month, every salarié under contract that month,
// hours pre-filled from the contract (or already declared), live totals in ETP against the AF's
// target, validation of the grid (then a confirmation of what was recorded).
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useParams, useSearchParams } from "react-router-dom";
import { type DeclarationGrid, declareMonth, getDeclarationGrid } from "../../contracts/declarations.js";
import { ApiError, call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import { MonthSelect } from "../components/MonthSelect.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatEtp, formatMonth } from "../format.js";
import { aspWholeHours } from "../../domain/declarations/aspWholeHours.js";
import { num, TableHead } from "../components/TableHead.js";

type AnnexGrid = DeclarationGrid["annexes"][number];

/** French decimal input ("151,67") → number; null when not a valid number of hours. */
export function parseHours(value: string): number | null {
  const v = value.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return null;
  const n = Number(v);
  return n >= 0 && n <= 744 ? n : null;
}

export function hoursError(value: string): string | null {
  if (value.trim() === "") return "Saisissez les heures (0 si aucune).";
  const v = value.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return "Nombre d'heures attendu, 2 décimales au plus (ex. 151,67).";
  if (Number(v) > 744) return "Au plus 744 heures dans un mois.";
  return null;
}

/** What the ASP will receive of a fractional entry (whole hours), shown under the field; null for whole hours. */
export function transmittedHint(value: string): string | null {
  const n = parseHours(value);
  if (n === null || Number.isInteger(n)) return null;
  return `L'ASP reçoit des heures entières : ${aspWholeHours(n)} h seront transmises.`;
}

/**
 * Error of the optional "dont heures mises à disposition en entreprise" field of an AI line: a number of
 * hours, at most the month's hours and at most what the 480 h over 24 months still allow (L.5132-9).
 */
export function companyHoursError(value: string, monthHours: number | null, remaining: number | null): string | null {
  if (value.trim() === "") return null;
  const n = parseHours(value);
  if (n === null) return "Nombre d'heures attendu, 2 décimales au plus (ex. 35,5).";
  if (monthHours !== null && n > monthHours) return "Pas plus que les heures du mois.";
  if (remaining !== null && n > remaining)
    return `Au-delà du plafond de 480 h en entreprise sur 24 mois (art. L5132-9 du code du travail) : ${formatEtp(remaining)} h possibles ce mois-ci.`;
  return null;
}

export function DeclarationPage() {
  const { structureId } = useParams();
  const [params, setParams] = useSearchParams();
  const calendar = useCalendar();
  // By default the month whose hours are due (the previous one), as the server's clock says.
  const month = params.get("mois") ?? calendar.data?.declarationMonth;
  const thisYear = Number((calendar.data?.today ?? month ?? "").slice(0, 4));
  const years = Number.isFinite(thisYear) && thisYear > 0 ? Array.from({ length: 8 }, (_, i) => thisYear - i) : [];
  const grid = useQuery({
    enabled: month !== undefined,
    queryKey: ["declaration", structureId, month],
    queryFn: () => call(getDeclarationGrid, { params: { structureId: structureId ?? "" }, query: { month: month ?? "" } }),
  });
  return (
    <>
      <h1>Déclaration mensuelle</h1>
      {month && <MonthSelect label="Mois déclaré" value={month} years={years} onChange={(m) => setParams({ mois: m })} />}
      {grid.isPending && <Loading />}
      {grid.isError && <ErrorState error={grid.error} />}
      {grid.data && grid.data.annexes.length === 0 && <Empty>Aucune annexe financière ne couvre ce mois.</Empty>}
      {grid.data?.annexes.map((a) => (
        <AnnexDeclaration
          key={`${a.id}-${grid.data.month}`}
          structureId={Number(structureId)}
          month={grid.data.month}
          annex={a}
          companyHours={grid.data.companyHours}
        />
      ))}
    </>
  );
}

function AnnexDeclaration({
  structureId,
  month,
  annex,
  companyHours,
}: {
  structureId: number;
  month: string;
  annex: AnnexGrid;
  companyHours: DeclarationGrid["companyHours"];
}) {
  const client = useQueryClient();
  const [values, setValues] = useState<Record<number, string>>(() =>
    Object.fromEntries(annex.lines.map((l) => [l.contractId, String(l.declaredHours ?? l.prefilledHours).replace(".", ",")])),
  );
  // Association intermédiaire: the part of each line's hours placed with companies (optional, capped).
  const [company, setCompany] = useState<Record<number, string>>(() =>
    Object.fromEntries(annex.lines.map((l) => [l.contractId, l.companyHours === null ? "" : String(l.companyHours).replace(".", ",")])),
  );
  const total = annex.lines.reduce((sum, l) => sum + (parseHours(values[l.contractId] ?? "") ?? 0), 0);
  // Rule: monthly ETP = hours ÷ (annual hours of the AF ÷ 12) — iae-reference §3 (same as the API).
  const etp = annex.annualHours > 0 ? total / (annex.annualHours / 12) : 0;
  const errors = annex.lines.map((l) => hoursError(values[l.contractId] ?? ""));
  const companyErrors = annex.lines.map((l) =>
    companyHours === null
      ? null
      : companyHoursError(company[l.contractId] ?? "", parseHours(values[l.contractId] ?? ""), l.companyHoursRemaining),
  );
  const hasErrors = errors.some((e) => e !== null) || companyErrors.some((e) => e !== null);
  const save = useMutation({
    mutationFn: () =>
      call(declareMonth, {
        params: { structureId },
        body: {
          annexId: annex.id,
          month,
          state: "VALIDE",
          lines: annex.lines.map((l) => ({
            contractId: l.contractId,
            hours: parseHours(values[l.contractId] ?? "") ?? 0,
            ...(companyHours === null ? {} : { companyHours: parseHours(company[l.contractId] ?? "") }),
          })),
        },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["persons"] });
      void client.invalidateQueries({ queryKey: ["siae-month"] });
      // The grid's "État" column and recorded totals come back from the API.
      void client.invalidateQueries({ queryKey: ["declaration", String(structureId), month] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!hasErrors) {
      save.mutate();
      return;
    }
    // Keyboard: Enter with an invalid line takes the focus to the first one (its message is shown).
    e.currentTarget.querySelector<HTMLInputElement>(".fr-input-group--error input")?.focus();
  };
  // The server's refusal of a company-hours field ("lines.<i>.companyHours") is shown under that field too.
  const serverCompanyError = (i: number): string | null =>
    save.error instanceof ApiError ? (save.error.errors.find((e) => e.field === `lines.${i}.companyHours`)?.message ?? null) : null;
  const captionId = `af-${annex.id}`;
  return (
    <form onSubmit={submit} noValidate className="fr-mt-4w" aria-labelledby={captionId} data-testid={`grid-${annex.number}`}>
      <h2 className="fr-h5" id={captionId}>
        Annexe {annex.number} ({annex.mesure})
      </h2>
      <p data-testid="grid-totals">
        Total : <strong>{formatEtp(total)} h</strong>, soit <strong data-testid="grid-etp">{formatEtp(etp)} ETP</strong> pour{" "}
        {formatEtp(annex.etpTarget)} ETP conventionnés ({annex.etpTarget > 0 ? Math.round((etp / annex.etpTarget) * 100) : 0} %).
      </p>
      {companyHours !== null && (
        <p className="fr-text--sm" data-testid="company-hours-rule">
          {companyHours.derogation
            ? "Dérogation préfectorale en cours : les heures mises à disposition en entreprise ne sont pas plafonnées ce mois-ci."
            : "Association intermédiaire : les mises à disposition d'une même personne en entreprise sont limitées à 480 heures sur 24 mois à compter de la première (art. L5132-9 du code du travail) ; les heures chez des particuliers, des associations ou des collectivités ne comptent pas. Indiquez pour chaque salarié la part des heures du mois faite en entreprise."}
        </p>
      )}
      <p className="fr-text--sm">
        Passerelle garde les heures saisies (2 décimales) pour ses indicateurs ; l'état mensuel transmis à l'ASP ne compte que des heures
        entières : une fraction est arrondie à l'heure la plus proche (une demi-heure exacte à l'heure paire : 110,5 h → 110 h).
      </p>
      {annex.lines.length === 0 ? (
        <Empty>Aucun salarié sous contrat ce mois-ci sur cette annexe.</Empty>
      ) : (
        <div className="fr-table fr-table--sm">
          <table>
            <caption>Heures travaillées en {formatMonth(month)}</caption>
            <TableHead
              columns={
                companyHours === null
                  ? ["Salarié", "Contrat", num("Heures / semaine"), "Heures du mois", "État"]
                  : [
                      "Salarié",
                      "Contrat",
                      num("Heures / semaine"),
                      "Heures du mois",
                      "Dont heures mises à disposition en entreprise",
                      "État",
                    ]
              }
            />
            <tbody>
              {annex.lines.map((l, i) => (
                <tr key={l.contractId}>
                  <td>
                    {l.lastName} {l.firstName}
                  </td>
                  <td>{l.contractType}</td>
                  <td className="numeric">{l.weeklyHours ?? "—"}</td>
                  <td>
                    <Input
                      label={`Heures de ${l.lastName ?? ""} ${l.firstName ?? ""}`}
                      hideLabel
                      state={errors[i] ? "error" : transmittedHint(values[l.contractId] ?? "") ? "info" : "default"}
                      stateRelatedMessage={errors[i] ?? transmittedHint(values[l.contractId] ?? "") ?? undefined}
                      nativeInputProps={{
                        inputMode: "decimal",
                        value: values[l.contractId] ?? "",
                        onChange: (e) => setValues((v) => ({ ...v, [l.contractId]: e.target.value })),
                      }}
                    />
                  </td>
                  {companyHours !== null && (
                    <td>
                      <Input
                        label={`Dont heures en entreprise de ${l.lastName ?? ""} ${l.firstName ?? ""} (facultatif)`}
                        hideLabel
                        hintText={l.companyHoursRemaining === null ? undefined : `Reste ${formatEtp(l.companyHoursRemaining)} h sur 480 h`}
                        state={companyErrors[i] || serverCompanyError(i) ? "error" : "default"}
                        stateRelatedMessage={companyErrors[i] ?? serverCompanyError(i) ?? undefined}
                        nativeInputProps={{
                          inputMode: "decimal",
                          value: company[l.contractId] ?? "",
                          onChange: (e) => setCompany((v) => ({ ...v, [l.contractId]: e.target.value })),
                        }}
                      />
                    </td>
                  )}
                  <td>{l.declarationState === "VALIDE" ? "Validée" : l.declarationState === "BROUILLON" ? "Brouillon" : "À déclarer"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div role="status" aria-live="polite">
        {save.isSuccess && (
          <Alert
            severity="success"
            title="Déclaration validée"
            description={
              <span data-testid="declaration-confirmation">
                {save.data.upserted} salarié(s) déclaré(s) pour {formatMonth(month)} sur l'annexe {annex.number}. Enregistré pour le mois :{" "}
                <strong data-testid="confirmed-hours">{formatEtp(save.data.declaredHours)} h</strong>, soit{" "}
                <strong data-testid="confirmed-etp">{formatEtp(save.data.declaredEtp)} ETP</strong>.
              </span>
            }
            className="fr-mb-2w"
          />
        )}
      </div>
      {save.isError && (
        <Alert
          severity="error"
          title="Déclaration refusée"
          description={
            save.error instanceof ApiError && save.error.errors.length > 0
              ? save.error.errors.map((e) => e.message).join(" ; ")
              : save.error.message
          }
          className="fr-mb-2w"
        />
      )}
      {annex.lines.length > 5 && (
        // Long grids: the running total is repeated next to the button.
        <p className="fr-mb-1w">
          Total saisi : {formatEtp(total)} h, soit {formatEtp(etp)} ETP pour {formatEtp(annex.etpTarget)} ETP conventionnés.
        </p>
      )}
      {annex.lines.length > 0 && (
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Validation…" : `Valider la déclaration de ${formatMonth(month)}`}
        </Button>
      )}
    </form>
  );
}
