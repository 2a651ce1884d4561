// Complement of one hiring's fiche salarié (SIAE journey): the fields only the ASP needs — commune of birth,
// address in the ASP's parts, situation before the hiring, the seven situation flags required since
// November 2025 and, for an EITI, the self-employment fields — with the ASP's code lists and labels
// (src/interchange/fiche-salarie/aspCodeLists.ts). An empty choice erases the stored value.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { type FicheComplementFields, getFicheComplement, saveFicheComplement } from "../../contracts/fichesSalarie.js";
import {
  ADDRESS_EXTENSIONS,
  DURATION_CODES,
  EITI_CONTRIBUTION_CODES,
  EITI_FIELDS,
  EMPLOYER_TYPES,
  SITUATION_FLAGS,
} from "../../interchange/fiche-salarie/aspCodeLists.js";
import { ApiError, call } from "../api/client.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate } from "../format.js";

type FieldName = keyof FicheComplementFields;
type Values = Partial<Record<FieldName, string>>;

interface FieldSpec {
  name: FieldName;
  label: string;
  /** A code list (value → label), "yesno" for a boolean, or free text with its hint. */
  kind: Record<string, string> | "yesno" | { hint: string };
}

const YES_NO = { true: "Oui", false: "Non" };
const text = (hint: string) => ({ hint });

const SECTIONS: { title: string; fields: FieldSpec[]; eitiOnly?: boolean }[] = [
  {
    title: "Naissance",
    fields: [
      {
        name: "birthCommuneCode",
        label: "Commune de naissance (code INSEE)",
        kind: text("5 caractères, ex. 62178 ; pour une naissance à l'étranger, laisser vide"),
      },
    ],
  },
  {
    title: "Adresse, découpée comme l'ASP la demande",
    fields: [
      { name: "adrNumeroVoie", label: "Numéro de voie", kind: text("1 à 5 chiffres") },
      { name: "codeextensionvoie", label: "Extension", kind: ADDRESS_EXTENSIONS },
      { name: "codetypevoie", label: "Type de voie (code ASP)", kind: text("ex. RUE, AV, BD, CHE") },
      { name: "adrLibelleVoie", label: "Libellé de la voie", kind: text("sans le numéro ni le type de voie") },
      { name: "adrCpltDistribution", label: "Complément d'adresse", kind: text("32 caractères au plus, sans accent") },
    ],
  },
  {
    title: "Situation avant l'embauche",
    fields: [
      { name: "salarieEnEmploi", label: "En emploi", kind: "yesno" },
      { name: "salarieTypeEmployeur", label: "Type d'employeur (si en emploi)", kind: EMPLOYER_TYPES },
      { name: "salarieSansEmploiDepuis", label: "Sans emploi depuis (sinon)", kind: DURATION_CODES },
      { name: "salarieSansRessource", label: "Sans ressource", kind: "yesno" },
      { name: "inscritPoleEmploi", label: "Inscrit à France Travail", kind: "yesno" },
      { name: "inscritPoleEmploiDepuis", label: "Inscrit à France Travail depuis", kind: DURATION_CODES },
      { name: "numeroIDE", label: "Identifiant France Travail", kind: text("11 caractères au plus") },
      { name: "salarieOETH", label: "Bénéficiaire de l'obligation d'emploi (OETH)", kind: "yesno" },
      { name: "salarieAideSociale", label: "Bénéficiaire de l'aide sociale", kind: "yesno" },
      { name: "salarieBenefRSADepuis", label: "Bénéficiaire du RSA depuis", kind: DURATION_CODES },
      { name: "salarieBenefASS", label: "Bénéficiaire de l'ASS", kind: "yesno" },
      { name: "salarieBenefASSDepuis", label: "Bénéficiaire de l'ASS depuis", kind: DURATION_CODES },
      { name: "salarieBenefAAH", label: "Bénéficiaire de l'AAH", kind: "yesno" },
      { name: "salarieBenefAAHDepuis", label: "Bénéficiaire de l'AAH depuis", kind: DURATION_CODES },
    ],
  },
  {
    title: "Situations demandées par l'ASP depuis novembre 2025",
    fields: (Object.entries(SITUATION_FLAGS) as [FieldName, string][]).map(([name, label]) => ({ name, label, kind: "yesno" as const })),
  },
  {
    title: "Entreprise d'insertion par le travail indépendant (EITI)",
    eitiOnly: true,
    fields: (Object.entries(EITI_FIELDS) as [FieldName, string][]).map(([name, label]) => ({
      name,
      label,
      kind: name.endsWith("Depuis")
        ? DURATION_CODES
        : name === "cotisationsTI"
          ? EITI_CONTRIBUTION_CODES
          : name === "nomActeurCreationEntr"
            ? text("lettres, espaces et tirets")
            : name === "revenuMensuelMoyenTI"
              ? text("en euros, ex. 850,50")
              : ("yesno" as const),
    })),
  },
];

const asText = (v: string | boolean | undefined): string => (v === undefined ? "" : String(v));

/** The body of the PATCH: every field of the form, "" erasing (null), yes/no as booleans. */
function bodyOf(values: Values, visible: readonly FieldSpec[]): FicheComplementFields {
  const body: Record<string, string | boolean | null> = {};
  for (const f of visible) {
    const v = (values[f.name] ?? "").trim();
    body[f.name] = v === "" ? null : f.kind === "yesno" ? v === "true" : v;
  }
  return body as FicheComplementFields;
}

export function FicheComplementPage() {
  const { structureId = "", contractId = "" } = useParams();
  const queryClient = useQueryClient();
  const params = { structureId, contractId };
  const complement = useQuery({
    queryKey: ["fiche-complement", structureId, contractId],
    queryFn: () => call(getFicheComplement, { params }),
  });
  const [values, setValues] = useState<Values>({});
  useEffect(() => {
    if (complement.data) setValues(Object.fromEntries(Object.entries(complement.data.data).map(([k, v]) => [k, asText(v)])) as Values);
  }, [complement.data]);
  const c = complement.data;
  const sections = SECTIONS.filter((s) => !s.eitiOnly || c?.structureKind === "EITI");
  const save = useMutation({
    mutationFn: () =>
      call(saveFicheComplement, {
        params,
        body: bodyOf(
          values,
          sections.flatMap((s) => s.fields),
        ),
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(["fiche-complement", structureId, contractId], saved);
      void queryClient.invalidateQueries({ queryKey: ["fiches-validation", structureId] });
    },
  });
  const errorOf = (name: FieldName): string | undefined => {
    const e = save.error;
    if (!(e instanceof ApiError)) return undefined;
    return e.errors.find((f) => f.field === name || f.field === `fields.${name}`)?.message;
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <>
      <h1>Compléter la fiche salarié</h1>
      {complement.isPending && <Loading label="Chargement de la fiche…" />}
      {complement.isError && <ErrorState error={complement.error} />}
      {c && (
        <form onSubmit={onSubmit} noValidate data-testid="fiche-complement-form">
          <p>
            {c.salarie} — embauche du {formatDate(c.startsOn)} (contrat n° {c.contractId}). Ces informations ne servent qu'à la fiche
            salarié envoyée à l'ASP ; les données du salarié (nom, NIR, adresse complète) se corrigent sur{" "}
            <Link to={`/salaries/${c.personId}`}>sa fiche</Link>.
          </p>
          {sections.map((section) => (
            <fieldset key={section.title} className="fr-fieldset fr-mb-2w">
              <legend className="fr-fieldset__legend fr-h6">{section.title}</legend>
              <div className="fr-grid-row fr-grid-row--gutters" style={{ width: "100%" }}>
                {section.fields.map((f) => {
                  const id = `fc-${f.name}`;
                  const value = values[f.name] ?? "";
                  const set = (v: string) => setValues((prev) => ({ ...prev, [f.name]: v }));
                  const message = errorOf(f.name);
                  const state = message ? ("error" as const) : ("default" as const);
                  return (
                    <div key={f.name} className="fr-col-12 fr-col-md-6">
                      {typeof f.kind === "object" && "hint" in f.kind ? (
                        <Input
                          label={f.label}
                          hintText={f.kind.hint}
                          state={state}
                          stateRelatedMessage={message}
                          nativeInputProps={{ id, name: f.name, value, onChange: (e) => set(e.target.value) }}
                        />
                      ) : (
                        <Select
                          label={f.label}
                          state={state}
                          stateRelatedMessage={message}
                          nativeSelectProps={{ id, name: f.name, value, onChange: (e) => set(e.target.value) }}
                        >
                          <option value="">Non renseigné</option>
                          {Object.entries(f.kind === "yesno" ? YES_NO : f.kind).map(([code, label]) => (
                            <option key={code} value={code}>
                              {f.kind === "yesno" ? label : `${label} (${code})`}
                            </option>
                          ))}
                        </Select>
                      )}
                    </div>
                  );
                })}
              </div>
            </fieldset>
          ))}
          {save.isError && <ErrorState error={save.error} />}
          {save.isSuccess && (
            <Alert
              severity="success"
              small
              className="fr-mb-2w"
              description={<span data-testid="fiche-complement-saved">Fiche complétée : elle sera contrôlée avant l'envoi.</span>}
            />
          )}
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Enregistrement…" : "Enregistrer"}
          </Button>{" "}
          <Link className="fr-link fr-ml-2w" to={`/structures/${structureId}/fiches-salarie`}>
            Retour au contrôle des fiches salarié
          </Link>
        </form>
      )}
    </>
  );
}
