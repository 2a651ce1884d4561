// Fiches salarié of a structure (SIAE journey): pre-send validation with the errors per salarié and
// per field, then the export of the valid fiches (file RIAE_FS_….json, zip when several batches) as the
// CLI `passerelle export fiches-salarie` writes them, run by the job queue: progress, then the download
// link (components/JobProgress.tsx). The export records the fiches as sent.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { enqueueFichesSalarieExport, validateFichesSalarie } from "../../contracts/fichesSalarie.js";
import { call } from "../api/client.js";
import { FileJobStatus, useFileJob } from "../components/JobProgress.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatInt } from "../format.js";
import { TableHead } from "../components/TableHead.js";

/** French names of the ASP fields (iae-reference §7.2); unknown ones are shown as sent to the ASP. */
const FIELD_LABELS: Record<string, string> = {
  siret: "SIRET de la structure",
  "personnePhysique.passIae": "Numéro de PASS IAE",
  "personnePhysique.passDateFin": "Dates du PASS IAE",
  "personnePhysique.civilite": "Civilité",
  "personnePhysique.nomUsage": "Nom d'usage",
  "personnePhysique.nomNaissance": "Nom de naissance",
  "personnePhysique.prenom": "Prénom",
  "personnePhysique.dateNaissance": "Date de naissance",
  "personnePhysique.salarieNIR": "NIR / NTT",
  "personnePhysique.codeInseePays": "Pays de naissance",
  "personnePhysique.codeComInsee": "Commune de naissance",
  "adresse.adrNumeroVoie": "Numéro de voie",
  "adresse.codeextensionvoie": "Extension de voie (bis, ter…)",
  "adresse.codetypevoie": "Type de voie",
  "adresse.adrLibelleVoie": "Libellé de voie",
  "adresse.adrCpltDistribution": "Complément d'adresse",
  "adresse.codeinseecom": "Commune de résidence",
  "adresse.codepostalcedex": "Code postal",
  "situationSalarie.orienteur": "Orienteur",
  "situationSalarie.niveauFormation": "Niveau de formation",
  "situationSalarie.salarieEnEmploi": "En emploi avant l'embauche",
  "situationSalarie.salarieTypeEmployeur": "Type d'employeur précédent",
  "situationSalarie.salarieSansEmploiDepuis": "Sans emploi depuis",
  "situationSalarie.salarieSansRessource": "Sans ressource",
  "situationSalarie.inscritPoleEmploi": "Inscrit à France Travail",
  "situationSalarie.inscritPoleEmploiDepuis": "Inscrit à France Travail depuis",
  "situationSalarie.numeroIDE": "Identifiant France Travail",
  "situationSalarie.salarieBenefRSA": "Bénéficiaire du RSA",
  "situationSalarie.salarieBenefRSADepuis": "Bénéficiaire du RSA depuis",
  "situationSalarie.salarieAideSociale": "Bénéficiaire de l'aide sociale",
  "situationSalarie.salarieOETH": "Bénéficiaire de l'obligation d'emploi (OETH)",
};

export function FichesSalariePage() {
  const { structureId = "" } = useParams();
  const queryClient = useQueryClient();
  const validation = useQuery({
    queryKey: ["fiches-validation", structureId],
    queryFn: () => call(validateFichesSalarie, { params: { structureId } }),
  });
  // The export records the fiches as sent: the validation is read again once it has ended.
  const exporting = useFileJob(() => void queryClient.invalidateQueries({ queryKey: ["fiches-validation", structureId] }));
  const v = validation.data;

  return (
    <>
      <h1>Fiches salarié</h1>
      <p>
        Contrôle avant envoi à l'ASP des fiches salarié de la structure (une fiche par PASS IAE et par mesure), puis export du fichier à
        déposer. Les fiches en erreur ne sont pas exportées. Les champs propres à l'ASP (commune de naissance, situation à l'embauche…) se
        complètent par le lien « Compléter » de chaque embauche ; les données du salarié se corrigent sur sa fiche.
      </p>
      {validation.isPending && <Loading label="Contrôle des fiches salarié…" />}
      {validation.isError && <ErrorState error={validation.error} />}
      {v && (
        <>
          <ul className="fr-mb-3w" data-testid="fiches-summary">
            <li>
              <strong data-testid="fiches-valid">{formatInt(v.valid)}</strong> fiche(s) prête(s) à l'envoi ({formatInt(v.creations)}{" "}
              création(s), {formatInt(v.modifications)} modification(s))
            </li>
            <li>
              <strong data-testid="fiches-invalid">{formatInt(v.invalid.length)}</strong> fiche(s) en erreur
            </li>
            <li>
              {formatInt(v.awaitingReturn)} en attente du fichier retour de l'ASP, {formatInt(v.upToDate)} à jour
            </li>
          </ul>
          {v.invalid.length === 0 ? (
            <Alert
              severity="success"
              small
              description="Aucune erreur : toutes les fiches à envoyer sont valides."
              className="fr-mb-3w"
              data-testid="fiches-no-error"
            />
          ) : (
            <div className="fr-table" data-testid="fiches-errors">
              <table>
                <caption>Erreurs par salarié et par champ</caption>
                <TableHead columns={["Salarié", "Contrat", "Mouvement", "Champ", "Erreur"]} />
                <tbody>
                  {v.invalid.flatMap((fiche) =>
                    fiche.errors.map((e, i) => (
                      <tr key={`${fiche.contractId}-${e.field}-${e.message}`} data-person-id={fiche.personId}>
                        {i === 0 && (
                          <th scope="rowgroup" rowSpan={fiche.errors.length} style={{ verticalAlign: "top" }}>
                            <Link to={`/salaries/${fiche.personId}`}>{fiche.salarie}</Link>
                          </th>
                        )}
                        {i === 0 && (
                          <td rowSpan={fiche.errors.length} style={{ verticalAlign: "top" }}>
                            n° {fiche.contractId}
                            <br />
                            <Link
                              to={`/structures/${structureId}/fiches-salarie/${fiche.contractId}`}
                              data-testid={`fiche-complete-${fiche.contractId}`}
                            >
                              Compléter<span className="fr-sr-only"> la fiche de {fiche.salarie}</span>
                            </Link>
                          </td>
                        )}
                        {i === 0 && (
                          <td rowSpan={fiche.errors.length} style={{ verticalAlign: "top" }}>
                            {fiche.movement === "C" ? "Création" : "Modification"}
                          </td>
                        )}
                        <td>
                          {FIELD_LABELS[e.field] ?? e.field}
                          <span className="fr-text--xs fr-ml-1w">({e.field})</span>
                        </td>
                        <td>{e.message}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )}
          <Button
            iconId="fr-icon-download-line"
            disabled={v.valid === 0 || exporting.busy}
            onClick={() =>
              void exporting.start(() =>
                call<typeof enqueueFichesSalarieExport, 202>(enqueueFichesSalarieExport, { params: { structureId } }),
              )
            }
            nativeButtonProps={{ "data-testid": "fiches-export" } as Record<string, string>}
          >
            {exporting.busy ? "Export en cours…" : `Exporter les ${formatInt(v.valid)} fiche(s) valide(s)`}
          </Button>
          {v.valid === 0 && <p className="fr-text--sm fr-mt-1w">Aucune fiche valide à exporter pour le moment.</p>}
        </>
      )}
      <FileJobStatus
        state={exporting.state}
        testId="fiches-export"
        done={(job) => (
          <>
            {formatInt(job.result?.fiches?.sent ?? 0)} fiche(s) exportée(s) et enregistrée(s) comme envoyée(s) ; le fichier est à déposer
            sur le site de l'ASP.{" "}
          </>
        )}
      />
    </>
  );
}
