// A salarié's page: eligibility diagnosis and criteria, PASS IAE timeline (suspensions, prolongations,
// remaining days), contract chains, monthly hours, support actions and barriers, trainings, exit —
// and the exit form for a running recruitment.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useParams } from "react-router-dom";
import { getPerson } from "../../contracts/persons.js";
import { call } from "../api/client.js";
import { ExitForm } from "../components/ExitForm.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp } from "../format.js";
import { num, TableHead } from "../components/TableHead.js";

const STATUS: Record<string, { label: string; severity: "success" | "warning" | "error" | "info" }> = {
  VALID: { label: "Valide", severity: "success" },
  FUTURE: { label: "À venir", severity: "info" },
  SUSPENDED: { label: "Suspendu", severity: "warning" },
  EXPIRED: { label: "Expiré", severity: "error" },
};

const DECLARATION_STATE: Record<string, string> = { VALIDE: "Validée", BROUILLON: "Brouillon" };

export function PersonPage() {
  const { personId } = useParams();
  // Confirmation of an exit just recorded, kept once the refreshed page replaces the form.
  const [recorded, setRecorded] = useState<{ recruitmentId: number; text: string } | null>(null);
  const page = useQuery({
    queryKey: ["person", personId],
    queryFn: () => call(getPerson, { params: { personId: personId ?? "" } }),
  });
  if (page.isPending) return <Loading />;
  if (page.isError) return <ErrorState error={page.error} />;
  const p = page.data;
  return (
    <>
      <h1>
        {p.lastName} {p.firstName}
      </h1>
      <p>
        Né(e) en {p.birthYear ?? "—"} · NIR {p.hasNir ? "enregistré (chiffré)" : "non renseigné"}
      </p>

      {!p.limited && (
        <section>
          <h2 className="fr-h4">Éligibilité</h2>
          {p.diagnoses.length === 0 && <Empty>Aucun diagnostic d'éligibilité.</Empty>}
          {p.diagnoses.map((d) => (
            <div key={d.id} className="fr-mb-2w">
              <p className="fr-mb-1w">
                Diagnostic {d.authorKind === "prescriber" ? "d'un prescripteur" : "de la SIAE"} du {formatDate(d.madeOn)}, valable jusqu'au{" "}
                {formatDate(d.expiresOn)}{" "}
                <Badge severity={d.valid ? "success" : "warning"} small>
                  {d.valid ? "En cours" : "Échu"}
                </Badge>
              </p>
              <ul>
                {d.criteria.map((c) => (
                  <li key={c.code}>
                    Niveau {c.level} — {c.label}
                    {c.certified ? " (certifié)" : ""}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}

      <section>
        <h2 className="fr-h4">PASS IAE</h2>
        {p.approvals.length === 0 && <Empty>Aucun PASS IAE.</Empty>}
        {p.approvals.map((a) => (
          <div key={a.id} className="fr-mb-3w" data-testid="pass">
            <p className="fr-mb-1w">
              PASS IAE …{a.numberLast4 ?? "????"} du {formatDate(a.startsOn)} au {formatDate(a.endsOn)}{" "}
              <Badge severity={STATUS[a.status]?.severity ?? "info"} small>
                {STATUS[a.status]?.label ?? a.status}
              </Badge>{" "}
              <span data-testid="pass-remaining">{a.remainingDays} jours restants</span>
            </p>
            <ol className="fr-mb-1w" aria-label="Chronologie du PASS IAE">
              <li>{formatDate(a.startsOn)} : début</li>
              {[
                ...a.suspensions.map((s) => ({ at: s.startsOn, text: `suspension jusqu'au ${formatDate(s.endsOn)} (${s.reason})` })),
                ...a.prolongations.map((s) => ({ at: s.startsOn, text: `prolongation jusqu'au ${formatDate(s.endsOn)} (${s.reason})` })),
              ]
                .sort((x, y) => x.at.localeCompare(y.at))
                .map((e) => (
                  <li key={`${e.at}-${e.text}`}>
                    {formatDate(e.at)} : {e.text}
                  </li>
                ))}
              <li>{formatDate(a.endsOn)} : fin</li>
            </ol>
          </div>
        ))}
      </section>

      <section>
        <h2 className="fr-h4">Parcours et contrats</h2>
        {p.recruitments.length === 0 && <Empty>Aucun contrat.</Empty>}
        {p.recruitments.map((r) => {
          const last = r.contracts[r.contracts.length - 1];
          return (
            <div key={r.id} className="fr-mb-3w">
              <h3 className="fr-h6">{r.structureName}</h3>
              <div className="fr-table fr-table--sm">
                <table>
                  <caption>Contrats du parcours</caption>
                  <TableHead columns={["Rang", "Type", "Début", "Fin prévue", "Sortie", num("Heures / semaine"), "RSA"]} />
                  <tbody>
                    {r.contracts.map((c) => (
                      <tr key={c.id}>
                        <td>{c.rank === 0 ? "Initial" : `Renouvellement ${c.rank}`}</td>
                        <td>{c.type}</td>
                        <td>{formatDate(c.startsOn)}</td>
                        <td>{formatDate(c.plannedEndOn)}</td>
                        <td>{formatDate(c.exitOn)}</td>
                        <td className="numeric">{c.weeklyHours ?? "—"}</td>
                        <td>{c.rsa}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div role="status" aria-live="polite">
                {recorded?.recruitmentId === r.id && r.exit && (
                  <Alert severity="success" title="Sortie enregistrée" description={recorded.text} className="fr-mb-2w" />
                )}
              </div>
              {r.exit ? (
                <p data-testid="exit-recorded">
                  Sortie le {formatDate(r.exit.exitOn)} : {r.exit.motifLabel} — catégorie <strong>{r.exit.categoryLabel}</strong>
                </p>
              ) : (
                !p.limited &&
                last && (
                  <ExitForm
                    structureId={r.structureId}
                    contractId={last.id}
                    minDate={last.startsOn}
                    personId={p.id}
                    onRecorded={(text) => setRecorded({ recruitmentId: r.id, text })}
                  />
                )
              )}
            </div>
          );
        })}
      </section>

      <section>
        <h2 className="fr-h4">Heures mensuelles</h2>
        {p.monthlyHours.length === 0 ? (
          <Empty>Aucune heure déclarée.</Empty>
        ) : (
          <div className="fr-table fr-table--sm">
            <table>
              <caption>Heures déclarées par mois</caption>
              <TableHead columns={["Mois", num("Heures"), "Annexe financière", "État"]} />
              <tbody>
                {p.monthlyHours.map((h) => (
                  <tr key={`${h.month}-${h.annexNumber}`}>
                    <td>{h.month}</td>
                    <td className="numeric">{formatEtp(h.hours)}</td>
                    <td>{h.annexNumber}</td>
                    <td>{DECLARATION_STATE[h.state] ?? h.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {!p.limited && (
        <>
          <section>
            <h2 className="fr-h4">Accompagnement et freins</h2>
            {p.supportActions.length === 0 ? (
              <Empty>Aucune action d'accompagnement.</Empty>
            ) : (
              <ul>
                {p.supportActions.map((a) => (
                  <li key={a.id}>
                    {formatDate(a.startsOn)} — accompagnement {a.kind}
                    {a.hours !== null ? ` (${formatEtp(a.hours)} h)` : ""}
                    {a.barriers.length > 0 ? ` : ${a.barriers.join(", ")}` : ""}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section>
            <h2 className="fr-h4">Formations</h2>
            {p.trainings.length === 0 ? (
              <Empty>Aucune formation.</Empty>
            ) : (
              <ul>
                {p.trainings.map((t) => (
                  <li key={t.id}>
                    {formatDate(t.startsOn)} — {t.title}
                    {t.hours !== null ? ` (${formatEtp(t.hours)} h)` : ""}
                    {t.qualifying ? " — qualifiante" : ""}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}
