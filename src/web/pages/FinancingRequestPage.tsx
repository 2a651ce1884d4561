// A structure's financing request (demande de conventionnement / renouvellement) for a year, at
// /structures/{id}/demandes/{année} (docs/ddets-year.md). The SIAE drafts it (ETP per mesure, co-financing,
// the four forecast exit rates, the project), attaches PDFs and files it; the DDETS of the département
// instructs it, proposes ETP and part modulée (the amount is the domain's), records the CDIAE's opinion and the
// préfet's decision, which creates the AF of the year. The API decides who may do what; the page only shows
// each person the actions of their role.
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router-dom";
import {
  addFinancingAttachment,
  fileFinancingRequest,
  getFinancingAttachment,
  getFinancingRequest,
  saveFinancingRequest,
  stepFinancingRequest,
} from "../../contracts/financing.js";
import { getStructure } from "../../contracts/structures.js";
import { CDIAE_OPINIONS, REQUEST_DECISION_LABELS, REQUEST_DECISIONS, type RequestDecision } from "../../domain/financing/requestStates.js";
import { call, hrefOf } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { OPINION_LABELS, RequestStateBadge } from "../components/RequestStateBadge.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatEtp, formatEuros } from "../format.js";
import { DecimalField, TextField } from "../components/TextField.js";

type RequestView = {
  state: string;
  requestedEtp: string | null;
  cofinancingDeclared?: string | null;
  cofinancer?: string | null;
  forecast?: Record<string, string | null>;
  project?: Record<string, string | null>;
  proposedEtp: string | null;
  proposedModulationPercent?: string | null;
  proposedAmount: string | null;
  cdiaeOpinion?: string | null;
  cdiaeSessionOn?: string | null;
  decision: string | null;
  decidedEtp?: string | null;
  decidedAmount?: string | null;
  annexId: number | null;
};
type EventView = { at: string; actor: string; from: string | null; to: string; comment: string };
type AttachmentView = { id: number; fileName: string; sizeBytes: number };

const RATES = [
  ["dynamicRate", "Taux de sorties dynamiques prévu (%)"],
  ["durableRate", "Taux de sorties vers l'emploi durable prévu (%)"],
  ["transitionRate", "Taux de sorties vers l'emploi de transition prévu (%)"],
  ["positiveRate", "Taux de sorties positives prévu (%)"],
] as const;
const PROJECT = [
  ["public", "Public accueilli"],
  ["support", "Accompagnement socioprofessionnel"],
  ["training", "Formation"],
  ["activity", "Activité économique (supports d'activité)"],
] as const;

/** "12.50" → "12,5" for a French input; "" when absent. */
const toInput = (v: string | null | undefined) => (v === null || v === undefined ? "" : String(Number(v)).replace(".", ","));
const orUndefined = (v: string) => (v.trim() === "" ? undefined : v.trim());

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error);
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.readAsDataURL(file);
  });
}

export function FinancingRequestPage({ user }: { user: SessionUser }) {
  const { structureId = "", year: yearText = "" } = useParams();
  const year = Number(yearText);
  const params = { structureId };
  const structure = useQuery({ queryKey: ["structure", structureId], queryFn: () => call(getStructure, { params }) });
  const data = useQuery({
    queryKey: ["financing-request", structureId, year],
    queryFn: () => call(getFinancingRequest, { params, query: { year } }),
  });
  const request = data.data?.request as RequestView | null | undefined;
  const isSiae = user.role === "siae";
  const isDdets = user.role === "departemental" || user.role === "admin";
  const canReadFiles = isSiae || isDdets;
  return (
    <>
      <nav className="fr-mb-2w">
        <Link to={`/structures/${structureId}/demandes`} className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Demandes de la structure
        </Link>
      </nav>
      <h1>
        Demande de financement {year}
        {structure.data ? ` — ${structure.data.name}` : ""}
      </h1>
      {data.isPending && <Loading />}
      {data.isError && <ErrorState error={data.error} />}
      {data.isSuccess && !request && <NoRequest structureId={structureId} year={year} canCreate={isSiae} />}
      {request && (
        <>
          <p>
            État : <RequestStateBadge state={request.state} decision={request.decision} testId="request-state" />{" "}
            <Link to={`/structures/${structureId}/dialogue/${year - 1}`} className="fr-ml-2w">
              Fiche de dialogue de gestion {year - 1}
            </Link>
          </p>
          {isSiae && request.state === "brouillon" ? (
            <DraftForm structureId={structureId} year={year} request={request} />
          ) : (
            <RequestSummary request={request} />
          )}
          <Attachments
            structureId={structureId}
            year={year}
            items={(data.data?.attachments ?? []) as AttachmentView[]}
            canAdd={isSiae && ["brouillon", "deposee"].includes(request.state)}
            canRead={canReadFiles}
          />
          {isDdets && <InstructionActions key={request.state} structureId={structureId} year={year} request={request} />}
          <History events={(data.data?.events ?? []) as EventView[]} />
        </>
      )}
    </>
  );
}

function useRefresh(structureId: string, year: number) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ["financing-request", structureId, year] });
    void client.invalidateQueries({ queryKey: ["financing-requests", structureId] });
  };
}

function NoRequest({ structureId, year, canCreate }: { structureId: string; year: number; canCreate: boolean }) {
  const refresh = useRefresh(structureId, year);
  const create = useMutation({
    mutationFn: () => call(saveFinancingRequest, { params: { structureId }, body: { year } }),
    onSuccess: refresh,
  });
  if (!canCreate) return <p>Aucune demande n'a été préparée pour {year}.</p>;
  return (
    <>
      <p>
        Aucune demande pour {year}. Le brouillon est pré-rempli avec les objectifs convenus au dialogue de gestion de l'année précédente.
      </p>
      {create.isError && <ErrorState error={create.error} />}
      <button type="button" className="fr-btn" onClick={() => create.mutate()} disabled={create.isPending}>
        Préparer la demande {year}
      </button>
    </>
  );
}

function DraftForm({ structureId, year, request }: { structureId: string; year: number; request: RequestView }) {
  const refresh = useRefresh(structureId, year);
  const [etp, setEtp] = useState(toInput(request.requestedEtp));
  const [cofinancing, setCofinancing] = useState(toInput(request.cofinancingDeclared));
  const [cofinancer, setCofinancer] = useState(request.cofinancer ?? "");
  const [rates, setRates] = useState<Record<string, string>>(Object.fromEntries(RATES.map(([k]) => [k, toInput(request.forecast?.[k])])));
  const [project, setProject] = useState<Record<string, string>>(Object.fromEntries(PROJECT.map(([k]) => [k, request.project?.[k] ?? ""])));
  const [comment, setComment] = useState("");
  const body = () => ({
    year,
    requestedEtp: orUndefined(etp),
    cofinancingDeclared: orUndefined(cofinancing),
    cofinancer: orUndefined(cofinancer),
    forecast: Object.fromEntries(RATES.map(([k]) => [k, orUndefined(rates[k] ?? "")])),
    project: Object.fromEntries(PROJECT.map(([k]) => [k, project[k] ?? ""])),
  });
  const save = useMutation({ mutationFn: () => call(saveFinancingRequest, { params: { structureId }, body: body() }), onSuccess: refresh });
  const file = useMutation({
    mutationFn: async () => {
      await call(saveFinancingRequest, { params: { structureId }, body: body() });
      return call(fileFinancingRequest, {
        params: { structureId },
        body: { year, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
    },
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="fr-mb-4w" aria-labelledby="demande-brouillon">
      <h2 id="demande-brouillon" className="fr-h4">
        Brouillon de la demande
      </h2>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Postes et cofinancement</legend>
        <DecimalField
          label="ETP d'insertion demandés"
          hint="Nombre d'ETP, 2 décimales au plus (ex. 12,5)"
          value={etp}
          onChange={setEtp}
          name="requestedEtp"
        />
        <DecimalField
          label="Cofinancement déclaré (€)"
          hint="Montant attendu du conseil départemental ou d'un autre cofinanceur"
          value={cofinancing}
          onChange={setCofinancing}
          name="cofinancingDeclared"
        />
        <TextField label="Cofinanceur" value={cofinancer} onChange={setCofinancer} name="cofinancer" />
      </fieldset>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Objectifs de sorties prévus (comme dans l'annexe financière)</legend>
        {RATES.map(([k, label]) => (
          <DecimalField key={k} label={label} value={rates[k] ?? ""} onChange={(value) => setRates({ ...rates, [k]: value })} name={k} />
        ))}
      </fieldset>
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Projet</legend>
        {PROJECT.map(([k, label]) => (
          <Input
            key={k}
            label={label}
            textArea
            nativeTextAreaProps={{
              value: project[k] ?? "",
              onChange: (e) => setProject({ ...project, [k]: e.target.value }),
              name: `project-${k}`,
              rows: 3,
            }}
          />
        ))}
      </fieldset>
      <TextField label="Commentaire joint au dépôt (facultatif)" value={comment} onChange={setComment} name="comment" />
      {save.isError && <ErrorState error={save.error} />}
      {file.isError && <ErrorState error={file.error} />}
      {save.isSuccess && (
        <p role="status" className="fr-text--sm">
          Brouillon enregistré.
        </p>
      )}
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <button type="submit" className="fr-btn fr-btn--secondary" disabled={save.isPending}>
            Enregistrer le brouillon
          </button>
        </li>
        <li>
          <button type="button" className="fr-btn" onClick={() => file.mutate()} disabled={file.isPending}>
            Déposer la demande
          </button>
        </li>
      </ul>
    </form>
  );
}

function RequestSummary({ request: r }: { request: RequestView }) {
  const rows: [string, string][] = [
    ["ETP demandés", formatEtp(r.requestedEtp)],
    ["Cofinancement déclaré", `${formatEuros(r.cofinancingDeclared ?? null)}${r.cofinancer ? ` (${r.cofinancer})` : ""}`],
    ...RATES.map(([k, label]): [string, string] => [label, r.forecast?.[k] ? `${toInput(r.forecast[k])} %` : "—"]),
    ["ETP proposés", formatEtp(r.proposedEtp)],
    ["Part modulée proposée", r.proposedModulationPercent ? `${toInput(r.proposedModulationPercent)} %` : "—"],
    ["Montant proposé (aide au poste, socle)", formatEuros(r.proposedAmount)],
    ["Avis du CDIAE", r.cdiaeOpinion ? `${OPINION_LABELS[r.cdiaeOpinion] ?? r.cdiaeOpinion} (${formatDate(r.cdiaeSessionOn)})` : "—"],
    ["Décision", r.decision ? (REQUEST_DECISION_LABELS[r.decision as RequestDecision] ?? r.decision) : "—"],
    ["ETP accordés", formatEtp(r.decidedEtp ?? null)],
    ["Montant accordé", formatEuros(r.decidedAmount ?? null)],
  ];
  return (
    <section aria-labelledby="demande-resume" className="fr-mb-4w">
      <h2 id="demande-resume" className="fr-h4">
        La demande
      </h2>
      <div className="fr-table" data-testid="request-summary">
        <table>
          <caption className="fr-sr-only">Chiffres de la demande</caption>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td className="numeric">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.annexId !== null && (
        <p>
          <Link to={`/structures/${(r as { structureId?: number }).structureId}/annexes/${r.annexId}`} data-testid="decided-annex">
            Annexe financière créée par la décision
          </Link>
        </p>
      )}
      {PROJECT.map(([k, label]) =>
        r.project?.[k] ? (
          <div key={k}>
            <h3 className="fr-h6 fr-mb-1w">{label}</h3>
            <p style={{ whiteSpace: "pre-wrap" }}>{r.project[k]}</p>
          </div>
        ) : null,
      )}
    </section>
  );
}

function Attachments({
  structureId,
  year,
  items,
  canAdd,
  canRead,
}: {
  structureId: string;
  year: number;
  items: AttachmentView[];
  canAdd: boolean;
  canRead: boolean;
}) {
  const refresh = useRefresh(structureId, year);
  const [file, setFile] = useState<File | null>(null);
  const add = useMutation({
    mutationFn: async (f: File) =>
      call<typeof addFinancingAttachment, 201>(addFinancingAttachment, {
        params: { structureId },
        body: { year, fileName: f.name, contentBase64: await readBase64(f) },
      }),
    onSuccess: () => {
      setFile(null);
      refresh();
    },
  });
  return (
    <section aria-labelledby="pieces-jointes" className="fr-mb-4w">
      <h2 id="pieces-jointes" className="fr-h4">
        Pièces jointes
      </h2>
      {items.length === 0 ? (
        <p>Aucune pièce jointe.</p>
      ) : (
        <ul data-testid="attachments">
          {items.map((a) => (
            <li key={a.id}>
              {canRead ? (
                <a href={hrefOf(getFinancingAttachment, { params: { structureId, attachmentId: a.id } })} download={a.fileName}>
                  {a.fileName}
                </a>
              ) : (
                a.fileName
              )}{" "}
              ({(a.sizeBytes / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 0 })} Ko)
            </li>
          ))}
        </ul>
      )}
      {canAdd && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (file) add.mutate(file);
          }}
        >
          <div className="fr-upload-group fr-mb-2w">
            <label className="fr-label" htmlFor="attachment-file">
              Joindre un PDF
              <span className="fr-hint-text">PDF seulement, 5 Mo au plus.</span>
            </label>
            <input
              className="fr-upload"
              type="file"
              id="attachment-file"
              name="attachment"
              accept="application/pdf,.pdf"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </div>
          {add.isError && <ErrorState error={add.error} />}
          <button type="submit" className="fr-btn fr-btn--secondary" disabled={!file || add.isPending}>
            Envoyer la pièce jointe
          </button>
        </form>
      )}
    </section>
  );
}

type Step = "return" | "instruct" | "propose" | "cdiae" | "decide";

function InstructionActions({ structureId, year, request }: { structureId: string; year: number; request: RequestView }) {
  const refresh = useRefresh(structureId, year);
  const [comment, setComment] = useState("");
  const [proposedEtp, setProposedEtp] = useState(toInput(request.proposedEtp ?? request.requestedEtp));
  const [modulation, setModulation] = useState(toInput(request.proposedModulationPercent));
  const [opinion, setOpinion] = useState<string>("favorable");
  const [sessionOn, setSessionOn] = useState("");
  const [decision, setDecision] = useState<RequestDecision>("accordee");
  const [decidedEtp, setDecidedEtp] = useState(toInput(request.proposedEtp));
  const step = useMutation({
    mutationFn: (action: Step) =>
      call(stepFinancingRequest, {
        params: { structureId },
        body: {
          year,
          action,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          ...(action === "propose"
            ? { proposedEtp: proposedEtp.trim(), ...(modulation.trim() ? { modulationPercent: modulation.trim() } : {}) }
            : {}),
          ...(action === "cdiae" ? { opinion: opinion as (typeof CDIAE_OPINIONS)[number], ...(sessionOn ? { sessionOn } : {}) } : {}),
          ...(action === "decide"
            ? { decision, ...(decidedEtp.trim() && decision !== "refusee" ? { decidedEtp: decidedEtp.trim() } : {}) }
            : {}),
        },
      }),
    onSuccess: refresh,
  });
  const s = request.state;
  if (s === "brouillon" || s === "decidee") return null;
  const button = (action: Step, label: string, secondary = false) => (
    <li>
      <button
        type="button"
        className={`fr-btn${secondary ? " fr-btn--secondary" : ""}`}
        onClick={() => step.mutate(action)}
        disabled={step.isPending}
      >
        {label}
      </button>
    </li>
  );
  return (
    <section aria-labelledby="instruction" className="fr-mb-4w" data-testid="instruction">
      <h2 id="instruction" className="fr-h4">
        Instruction (DDETS)
      </h2>
      {(s === "en_instruction" || s === "proposee") && (
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Proposition</legend>
          <DecimalField label="ETP proposés" value={proposedEtp} onChange={setProposedEtp} name="proposedEtp" />
          <DecimalField
            label="Part modulée proposée (% du socle)"
            hint="0 à 10 % (5 % en milieu pénitentiaire) ; la page Part modulée donne la proposition de la grille"
            value={modulation}
            onChange={setModulation}
            name="modulationPercent"
          />
          <p className="fr-text--sm">
            Le montant est calculé par Passerelle (barème de l'année, territoire de la structure), jamais saisi.
          </p>
        </fieldset>
      )}
      {s === "proposee" && (
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Avis du CDIAE</legend>
          <Select label="Avis" nativeSelectProps={{ value: opinion, onChange: (e) => setOpinion(e.target.value), name: "opinion" }}>
            {CDIAE_OPINIONS.map((o) => (
              <option key={o} value={o}>
                {OPINION_LABELS[o]}
              </option>
            ))}
          </Select>
          <FrenchDateInput label="Date de la séance" name="sessionOn" value={sessionOn} onChange={setSessionOn} />
        </fieldset>
      )}
      {s === "avis_cdiae" && (
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Décision du préfet</legend>
          <Select
            label="Décision"
            nativeSelectProps={{ value: decision, onChange: (e) => setDecision(e.target.value as RequestDecision), name: "decision" }}
          >
            {REQUEST_DECISIONS.map((d) => (
              <option key={d} value={d}>
                {REQUEST_DECISION_LABELS[d]}
              </option>
            ))}
          </Select>
          {decision !== "refusee" && (
            <DecimalField
              label="ETP accordés"
              hint="Par défaut les ETP proposés ; moins que les ETP demandés pour une décision partielle"
              value={decidedEtp}
              onChange={setDecidedEtp}
              name="decidedEtp"
            />
          )}
          <p className="fr-text--sm">Une décision d'accord crée l'annexe financière de l'année (montant calculé par le barème).</p>
        </fieldset>
      )}
      <Input
        label="Commentaire"
        hintText="Obligatoire pour renvoyer la demande à la structure"
        textArea
        nativeTextAreaProps={{ value: comment, onChange: (e) => setComment(e.target.value), name: "stepComment", rows: 2 }}
      />
      {step.isError && <ErrorState error={step.error} />}
      <ul className="fr-btns-group fr-btns-group--inline-md">
        {s === "deposee" && button("instruct", "Mettre en instruction")}
        {(s === "en_instruction" || s === "proposee") && button("propose", "Proposer", s === "proposee")}
        {s === "proposee" && button("cdiae", "Enregistrer l'avis du CDIAE")}
        {s === "avis_cdiae" && button("decide", "Enregistrer la décision")}
        {(s === "deposee" || s === "en_instruction") && button("return", "Renvoyer pour compléments", true)}
      </ul>
    </section>
  );
}

function History({ events }: { events: EventView[] }) {
  if (events.length === 0) return null;
  return (
    <section aria-labelledby="historique">
      <h2 id="historique" className="fr-h4">
        Historique
      </h2>
      <div className="fr-table" data-testid="request-history">
        <table>
          <caption className="fr-sr-only">Étapes de la demande</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Par</th>
              <th scope="col">Étape</th>
              <th scope="col">Commentaire</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events have no id of their own and never reorder
              <tr key={i}>
                <td>{new Date(e.at).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" })}</td>
                <td>{e.actor}</td>
                <td>
                  <RequestStateBadge state={e.to} />
                </td>
                <td>{e.comment || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
