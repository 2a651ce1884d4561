// A structure's contrôle a posteriori file (docs/steering.md), for its SIAE (adds proofs per criterion of each
// sampled hiring, transmits) and for the DDETS (downloads the proofs, accepts or refuses each criterion with a
// reason, closes the review, decides). What each one may do is decided by the API; the page offers the actions of
// the user's role at the file's step. Also /structures/{id}/controle: the structure's campaigns.
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link, useParams } from "react-router-dom";
import {
  addControleProof,
  closeControleReview,
  type ControleFile,
  decideControleFile,
  extendControleDeadline,
  getControleFile,
  listStructureControles,
  reviewControleCriterion,
  submitControleFile,
} from "../../contracts/controle.js";
import { call } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { TextField } from "../components/TextField.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatInt } from "../format.js";
import { DecisionBadge, DueBadge, FILE_STATE_LABEL } from "./ControleCampaignsPage.js";

type Criterion = ControleFile["hirings"][number]["criteria"][number];

const REVIEW_LABEL: Record<Criterion["review"], { text: string; severity: "info" | "success" | "error" | "warning" }> = {
  en_attente: { text: "À examiner", severity: "info" },
  acceptee: { text: "Accepté", severity: "success" },
  refusee: { text: "Refusé", severity: "warning" },
  refusee_2: { text: "Refusé après contradictoire", severity: "error" },
};

const REASON_LABEL = {
  delai: "Non-respect des délais",
  piece_incorrecte: "Pièce justificative incorrecte",
  piece_manquante: "Pièce justificative manquante",
  autre: "Autre",
} as const;

const isDdets = (user: SessionUser) => user.role === "departemental" || user.role === "admin";

/** /structures/{id}/controle: the campaigns in which the structure is selected. */
export function StructureControlesPage() {
  const { structureId = "" } = useParams();
  const list = useQuery({
    queryKey: ["structure-controles", structureId],
    queryFn: () => call(listStructureControles, { params: { structureId: Number(structureId) } }),
  });
  return (
    <>
      <h1>Contrôle a posteriori</h1>
      <p>
        Les embauches réalisées sur votre propre diagnostic d'éligibilité peuvent être contrôlées par la DDETS : pour chaque embauche tirée,
        vous transmettez un justificatif de chaque critère retenu.
      </p>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && list.data.campaigns.length === 0 && <p>Votre structure ne fait l'objet d'aucun contrôle.</p>}
      {list.data && list.data.campaigns.length > 0 && (
        <ul data-testid="structure-controles">
          {list.data.campaigns.map((c) => (
            <li key={c.id}>
              <Link to={`/structures/${structureId}/controle/${c.id}`}>
                Contrôle des embauches du {formatDate(c.from)} au {formatDate(c.to)}
              </Link>{" "}
              — {FILE_STATE_LABEL[c.file.state]} ; <DueBadge due={c.file.due} /> <DecisionBadge decision={c.file.decision} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ControleFilePage({ user }: { user: SessionUser }) {
  const { structureId = "", campaignId = "" } = useParams();
  const queryClient = useQueryClient();
  const params = { structureId: Number(structureId), campaignId: Number(campaignId) };
  const key = ["controle-file", structureId, campaignId];
  const file = useQuery({ queryKey: key, queryFn: () => call(getControleFile, { params }) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const submit = useMutation({ mutationFn: () => call(submitControleFile, { params, body: {} }), onSuccess: refresh });
  const close = useMutation({ mutationFn: () => call(closeControleReview, { params, body: {} }), onSuccess: refresh });
  const d = file.data;
  const member = user.role === "siae" || user.role === "admin";
  const state = d?.file.state;
  return (
    <>
      <p className="fr-mb-1w">
        {isDdets(user) && d ? (
          <Link to={`/departement/${d.campaign.departement}/controle/${d.campaign.id}`}>Retour à la campagne</Link>
        ) : (
          <Link to={`/structures/${structureId}/controle`}>Mes contrôles</Link>
        )}
      </p>
      <h1>{d ? `Contrôle a posteriori — ${d.file.name}` : "Contrôle a posteriori"}</h1>
      {file.isPending && <Loading label="Chargement du dossier…" />}
      {file.isError && <ErrorState error={file.error} />}
      {d && (
        <>
          <ul data-testid="controle-file-summary">
            <li>
              Embauches du {formatDate(d.campaign.from)} au {formatDate(d.campaign.to)} : {formatInt(d.file.sampledHirings)} tirées sur{" "}
              {formatInt(d.file.eligibleHirings)} réalisées sur votre propre diagnostic.
            </li>
            <li>
              Étape : <strong data-testid="controle-file-state">{FILE_STATE_LABEL[d.file.state]}</strong>{" "}
              <DecisionBadge decision={d.file.decision} />
            </li>
            <li>
              Attendu : <DueBadge due={d.file.due} />
            </li>
            <li>
              Échéances{d.file.extended ? " (prolongées par la DDETS)" : ""} : justificatifs le{" "}
              <span data-testid="controle-file-proofs-due">{formatDate(d.file.deadlines.proofsDueOn)}</span>, examen le{" "}
              {formatDate(d.file.deadlines.reviewDueOn)}, phase contradictoire le {formatDate(d.file.deadlines.adversarialDueOn)}.
            </li>
          </ul>
          {d.file.decision !== null && <DecisionSummary d={d} />}
          {d.hirings.map((h, i) => (
            <section key={h.contractId} className="fr-mt-4w" data-contract-id={h.contractId}>
              <h2 className="fr-h5">
                Embauche {i + 1} du {formatDate(h.startsOn)}
                {user.role === "siae" && (
                  <>
                    {" "}
                    — <Link to={`/salaries/${h.personId}`}>fiche du salarié</Link>
                  </>
                )}
              </h2>
              {h.criteria.length === 0 && <p>Aucun critère à justifier.</p>}
              {h.criteria.map((c) => (
                <CriterionBlock
                  key={c.id}
                  c={c}
                  hiring={i + 1}
                  state={d.file.state}
                  structureId={params.structureId}
                  campaignId={params.campaignId}
                  canUpload={member && (state === "pieces" || (state === "contradictoire" && c.review === "refusee")) && !c.certified}
                  canReview={
                    isDdets(user) && (state === "soumis" || (state === "soumis_contradictoire" && c.review !== "acceptee")) && !c.certified
                  }
                  onChange={refresh}
                />
              ))}
            </section>
          ))}
          {member && (state === "pieces" || state === "contradictoire") && (
            <div className="fr-mt-4w">
              {submit.isError && <ErrorState error={submit.error} />}
              <button type="button" className="fr-btn" disabled={submit.isPending} onClick={() => submit.mutate()}>
                Transmettre le dossier à la DDETS
              </button>
            </div>
          )}
          {isDdets(user) && state === "soumis" && d.file.criteria.refused + d.file.criteria.pending > 0 && (
            <div className="fr-mt-4w">
              {close.isError && <ErrorState error={close.error} />}
              <button type="button" className="fr-btn" disabled={close.isPending} onClick={() => close.mutate()}>
                Clore l'examen et ouvrir la phase contradictoire
              </button>
            </div>
          )}
          {isDdets(user) && state !== "decide" && d.file.due?.what === "decider" && <DecisionForm params={params} onDone={refresh} />}
          {isDdets(user) && state !== "decide" && <ExtendForm params={params} onDone={refresh} />}
        </>
      )}
    </>
  );
}

function DecisionSummary({ d }: { d: ControleFile }) {
  const f = d.file;
  return (
    <div className="fr-callout" data-testid="controle-decision">
      <h2 className="fr-callout__title fr-h5">Décision du {formatDate(f.decidedAt?.slice(0, 10))}</h2>
      <p className="fr-callout__text">
        {f.decision === "conforme"
          ? "Contrôle conforme."
          : `Contrôle non conforme : ${REASON_LABEL[f.decisionReason as keyof typeof REASON_LABEL] ?? ""}.`}
        {f.decisionComment && ` ${f.decisionComment}`}
      </p>
      {f.decision === "non_conforme" && (
        <ul>
          {f.trainingRequired && <li>Participation à une session de présentation de l'auto-prescription.</li>}
          {f.suspendedFrom && (
            <li>
              Retrait de la capacité d'auto-prescription du {formatDate(f.suspendedFrom)} au {formatDate(f.suspendedTo)}.
            </li>
          )}
          {f.aidCorrection && <li>Correction de l'aide au poste : {f.aidCorrection}</li>}
          {!f.trainingRequired && !f.suspendedFrom && !f.aidCorrection && <li>Aucune sanction.</li>}
        </ul>
      )}
    </div>
  );
}

function CriterionBlock({
  c,
  hiring,
  state,
  structureId,
  campaignId,
  canUpload,
  canReview,
  onChange,
}: {
  c: Criterion;
  hiring: number;
  state: ControleFile["file"]["state"];
  structureId: number;
  campaignId: number;
  canUpload: boolean;
  canReview: boolean;
  onChange: () => void;
}) {
  const inputId = useId();
  const [picked, setPicked] = useState<File | null>(null);
  const [comment, setComment] = useState(c.reviewComment);
  const params = { structureId, campaignId };
  const upload = useMutation({
    mutationFn: async () => {
      if (!picked) throw new Error("Choisissez un fichier.");
      return call<typeof addControleProof, 201>(addControleProof, {
        params,
        body: { criterionId: c.id, fileName: picked.name, contentBase64: await readBase64(picked) },
      });
    },
    onSuccess: () => {
      setPicked(null);
      onChange();
    },
  });
  const review = useMutation({
    mutationFn: (verdict: "acceptee" | "refusee") =>
      call(reviewControleCriterion, {
        params,
        body: { criterionId: c.id, verdict, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      }),
    onSuccess: onChange,
  });
  const label = REVIEW_LABEL[c.review];
  const name = `${c.label} (embauche ${hiring})`;
  return (
    <div className="fr-card fr-card--no-arrow fr-p-2w fr-mb-2w" data-criterion-id={c.id} data-testid="controle-criterion">
      <h3 className="fr-h6 fr-mb-1w">
        {c.label}{" "}
        <Badge severity={label.severity} small noIcon>
          {c.certified ? "Certifié (sans justificatif)" : label.text}
        </Badge>
      </h3>
      {c.expectedProof && <p className="fr-text--sm fr-mb-1w">Pièce attendue : {c.expectedProof}</p>}
      {c.reviewComment && <p className="fr-text--sm fr-mb-1w">Motif de la DDETS : {c.reviewComment}</p>}
      {c.proofs.length > 0 && (
        <ul className="fr-text--sm">
          {c.proofs.map((p) => (
            <li key={p.id}>
              <a href={`/api/v1/structures/${structureId}/controle-campaigns/${campaignId}/proofs/${p.id}`} download={p.fileName}>
                {p.fileName}
              </a>{" "}
              ({formatInt(Math.ceil(p.sizeBytes / 1024))} ko, {p.phase === "contradictoire" ? "phase contradictoire, " : ""}déposé le{" "}
              {formatDate(p.createdAt.slice(0, 10))})
            </li>
          ))}
        </ul>
      )}
      {canUpload && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            upload.mutate();
          }}
        >
          <div className="fr-upload-group fr-mb-1w">
            <label className="fr-label" htmlFor={inputId}>
              Justificatif : {name}
              <span className="fr-hint-text">PDF, PNG ou JPEG, 5 Mo au plus.</span>
            </label>
            <input
              id={inputId}
              className="fr-upload"
              type="file"
              accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
              onChange={(e) => setPicked(e.target.files?.[0] ?? null)}
            />
          </div>
          {upload.isError && <ErrorState error={upload.error} />}
          <button
            type="submit"
            className="fr-btn fr-btn--secondary fr-btn--sm"
            disabled={!picked || upload.isPending}
            title={`Joindre le justificatif : ${name}`}
          >
            Joindre
          </button>
        </form>
      )}
      {canReview && (
        <div>
          <Input
            label={`Motif en cas de refus : ${name}`}
            textArea
            nativeTextAreaProps={{ value: comment, onChange: (e) => setComment(e.target.value), rows: 2 }}
          />
          {review.isError && <ErrorState error={review.error} />}
          <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--sm"
                onClick={() => review.mutate("acceptee")}
                disabled={review.isPending}
                aria-label={`Accepter : ${name}`}
              >
                Accepter
              </button>
            </li>
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--secondary fr-btn--sm"
                onClick={() => review.mutate("refusee")}
                disabled={review.isPending}
                aria-label={`Refuser : ${name}`}
              >
                Refuser
              </button>
            </li>
          </ul>
          {state === "soumis_contradictoire" && <p className="fr-hint-text">Un refus en phase contradictoire est définitif.</p>}
        </div>
      )}
    </div>
  );
}

/** The DDETS extends the file's current deadline (the later ones move as much), with its reason (audited). */
function ExtendForm({ params, onDone }: { params: { structureId: number; campaignId: number }; onDone: () => void }) {
  const [dueOn, setDueOn] = useState("");
  const [reason, setReason] = useState("");
  const extend = useMutation({
    mutationFn: () => call(extendControleDeadline, { params, body: { dueOn, reason: reason.trim() } }),
    onSuccess: () => {
      setDueOn("");
      setReason("");
      onDone();
    },
  });
  return (
    <form
      className="fr-mt-6w"
      aria-label="Prolonger l'échéance"
      onSubmit={(e) => {
        e.preventDefault();
        extend.mutate();
      }}
    >
      <h2 className="fr-h4">Prolonger l'échéance en cours</h2>
      <p className="fr-text--sm">Les échéances suivantes sont décalées d'autant. La prolongation et son motif sont journalisés.</p>
      <FrenchDateInput label="Nouvelle échéance" name="dueOn" value={dueOn} onChange={setDueOn} />
      <TextField label="Motif" name="extendReason" value={reason} onChange={setReason} />
      {extend.isError && <ErrorState error={extend.error} />}
      <button type="submit" className="fr-btn fr-btn--secondary" disabled={extend.isPending || dueOn === "" || reason.trim() === ""}>
        Prolonger
      </button>
    </form>
  );
}

function DecisionForm({ params, onDone }: { params: { structureId: number; campaignId: number }; onDone: () => void }) {
  const [decision, setDecision] = useState<"conforme" | "non_conforme">("non_conforme");
  const [reason, setReason] = useState<keyof typeof REASON_LABEL>("piece_incorrecte");
  const [comment, setComment] = useState("");
  const [training, setTraining] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [correction, setCorrection] = useState("");
  const decide = useMutation({
    mutationFn: () =>
      call(decideControleFile, {
        params,
        body:
          decision === "conforme"
            ? { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) }
            : {
                decision,
                reason,
                ...(comment.trim() ? { comment: comment.trim() } : {}),
                trainingRequired: training,
                ...(from && to ? { suspendedFrom: from, suspendedTo: to } : {}),
                ...(correction.trim() ? { aidCorrection: correction.trim() } : {}),
              },
      }),
    onSuccess: onDone,
  });
  return (
    <form
      className="fr-mt-6w"
      aria-label="Décision finale"
      onSubmit={(e) => {
        e.preventDefault();
        decide.mutate();
      }}
    >
      <h2 className="fr-h4">Décision finale</h2>
      <Select
        label="Décision"
        nativeSelectProps={{ value: decision, name: "decision", onChange: (e) => setDecision(e.target.value as typeof decision) }}
      >
        <option value="conforme">Conforme</option>
        <option value="non_conforme">Non conforme</option>
      </Select>
      {decision === "non_conforme" && (
        <>
          <Select
            label="Motif"
            nativeSelectProps={{ value: reason, name: "reason", onChange: (e) => setReason(e.target.value as typeof reason) }}
          >
            {Object.entries(REASON_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
          <Checkbox
            options={[
              {
                label: "Session de présentation de l'auto-prescription",
                nativeInputProps: { checked: training, onChange: (e) => setTraining(e.target.checked), name: "training" },
              },
            ]}
          />
          <div className="filters">
            <FrenchDateInput label="Retrait de l'auto-prescription : du" name="suspendedFrom" value={from} onChange={setFrom} />
            <FrenchDateInput label="au" name="suspendedTo" value={to} onChange={setTo} />
          </div>
          <Input
            label="Correction de l'aide au poste (facultatif)"
            nativeInputProps={{ value: correction, onChange: (e) => setCorrection(e.target.value) }}
          />
        </>
      )}
      <Input label="Commentaire" textArea nativeTextAreaProps={{ value: comment, onChange: (e) => setComment(e.target.value), rows: 3 }} />
      {decide.isError && <ErrorState error={decide.error} />}
      <button type="submit" className="fr-btn" disabled={decide.isPending}>
        Enregistrer la décision
      </button>
    </form>
  );
}
