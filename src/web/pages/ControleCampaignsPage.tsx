// Contrôle a posteriori for the DDETS (docs/steering.md): the département's campaigns, drawing a new one (period,
// share of structures, seed kept for the record), and one campaign with each selected structure's progress and
// what is due, overdue first. Data: GET/POST /api/v1/departements/{code}/controle-campaigns[/{id}].
import { Badge } from "@codegouvfr/react-dsfr/Badge.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, Navigate, useNavigate, useParams } from "react-router-dom";
import {
  type CampaignDetail,
  createControleCampaign,
  type FileProgress,
  getControleCampaign,
  listControleCampaigns,
} from "../../contracts/controle.js";
import { call } from "../api/client.js";
import type { SessionUser } from "../auth/session.js";
import { FrenchDateInput } from "../components/FrenchDateInput.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatDate, formatInt } from "../format.js";
import { DataTable } from "../components/DataTable.js";
import { num } from "../components/TableHead.js";

export const FILE_STATE_LABEL: Record<FileProgress["state"], string> = {
  pieces: "Justificatifs à transmettre",
  soumis: "Transmis, en cours d'examen",
  contradictoire: "Phase contradictoire",
  soumis_contradictoire: "Transmis en phase contradictoire",
  decide: "Décision prise",
};

export const DUE_LABEL: Record<NonNullable<FileProgress["due"]>["what"], string> = {
  transmettre_pieces: "La SIAE transmet ses justificatifs",
  examiner: "La DDETS examine les justificatifs",
  transmettre_contradictoire: "La SIAE transmet ses nouveaux justificatifs",
  decider: "La DDETS prend sa décision",
};

export function DueBadge({ due }: { due: FileProgress["due"] }) {
  if (!due) return <>—</>;
  return (
    <>
      {DUE_LABEL[due.what]} avant le {formatDate(due.dueOn)}{" "}
      {due.overdue && (
        <Badge severity="error" small noIcon>
          En retard
        </Badge>
      )}
    </>
  );
}

export function DecisionBadge({ decision }: { decision: FileProgress["decision"] }) {
  if (decision === null) return null;
  return (
    <Badge severity={decision === "conforme" ? "success" : "error"} small noIcon>
      {decision === "conforme" ? "Conforme" : "Non conforme"}
    </Badge>
  );
}

/** /controle: a DDETS goes to its own département; the DGEFP and the DREETS choose one. */
export function ControleHomePage({ user }: { user: SessionUser }) {
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  if (user.departementCode) return <Navigate to={`/departement/${user.departementCode}/controle`} replace />;
  return (
    <>
      <h1>Contrôle a posteriori</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) navigate(`/departement/${encodeURIComponent(code.trim().toUpperCase())}/controle`);
        }}
      >
        <Input
          label="Département (code INSEE, ex. 62)"
          nativeInputProps={{ value: code, onChange: (e) => setCode(e.target.value), name: "departement" }}
        />
        <button type="submit" className="fr-btn">
          Afficher les campagnes
        </button>
      </form>
    </>
  );
}

export function ControleCampaignsPage({ user }: { user: SessionUser }) {
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ["controle-campaigns", code],
    queryFn: () => call(listControleCampaigns, { params: { departement: code } }),
  });
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [percent, setPercent] = useState("30");
  const [seed, setSeed] = useState("");
  const create = useMutation({
    mutationFn: () =>
      call<typeof createControleCampaign, 201>(createControleCampaign, {
        params: { departement: code },
        body: { from, to, percent: Number(percent), ...(seed.trim() ? { seed: Number(seed.trim()) } : {}) },
      }),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ["controle-campaigns", code] });
      navigate(`/departement/${code}/controle/${created.id}`);
    },
  });
  const canDraw = user.role === "departemental" || user.role === "admin";
  return (
    <>
      <h1>Contrôle a posteriori des auto-prescriptions</h1>
      <p>
        Embauches réalisées sur le diagnostic d'éligibilité de la SIAE elle-même : sont éligibles les structures qui en comptent au moins
        deux sur la période ; 20 à 40 % d'entre elles sont tirées au sort (30 % par défaut), puis 20 % de leurs embauches (au moins 2, au
        plus 20). La graine du tirage est enregistrée : le même tirage se rejoue à l'identique.
      </p>
      {list.isPending && <Loading label="Chargement des campagnes…" />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data && (
        <DataTable
          caption={`Campagnes du département ${code}`}
          testId="controle-campaigns"
          columns={[
            "Période contrôlée",
            num("Structures éligibles"),
            num("Structures contrôlées"),
            num("Embauches tirées"),
            num("Décisions"),
            num("Dossiers en retard"),
            "Justificatifs attendus avant le",
            "Graine",
          ]}
        >
          {list.data.campaigns.length === 0 && (
            <tr>
              <td colSpan={8}>Aucune campagne.</td>
            </tr>
          )}
          {list.data.campaigns.map((c) => (
            <tr key={c.id} data-campaign-id={c.id}>
              <td>
                <Link to={`/departement/${code}/controle/${c.id}`}>
                  Du {formatDate(c.from)} au {formatDate(c.to)}
                </Link>
              </td>
              <td className="numeric">{formatInt(c.eligibleStructures)}</td>
              <td className="numeric">
                {formatInt(c.selectedStructures)} ({c.percent} %)
              </td>
              <td className="numeric">{formatInt(c.sampledHirings)}</td>
              <td className="numeric">
                {formatInt(c.decided)} / {formatInt(c.selectedStructures)}
              </td>
              <td className="numeric">
                {formatInt(c.overdue)}
                {c.overdue > 0 && (
                  <>
                    {" "}
                    <Badge severity="error" small noIcon>
                      En retard
                    </Badge>
                  </>
                )}
              </td>
              <td>{formatDate(c.deadlines.proofsDueOn)}</td>
              <td>{c.seed}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {canDraw && (
        <>
          <h2 className="fr-h4 fr-mt-6w">Tirer une nouvelle campagne</h2>
          <form
            className="fr-mb-4w"
            aria-label="Tirer une nouvelle campagne"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <div className="filters">
              <FrenchDateInput label="Début de la période" name="from" value={from} onChange={setFrom} />
              <FrenchDateInput label="Fin de la période" name="to" value={to} onChange={setTo} />
              <Select
                label="Part des structures éligibles contrôlées"
                nativeSelectProps={{ value: percent, name: "percent", onChange: (e) => setPercent(e.target.value) }}
              >
                {[20, 25, 30, 35, 40].map((p) => (
                  <option key={p} value={p}>
                    {p} %
                  </option>
                ))}
              </Select>
              <Input
                label="Graine (facultatif)"
                hintText="Laissée vide, elle est tirée au hasard et enregistrée."
                nativeInputProps={{ value: seed, onChange: (e) => setSeed(e.target.value), name: "seed", inputMode: "numeric" }}
              />
            </div>
            <p className="fr-hint-text">
              Échéances par défaut : six semaines pour les justificatifs, six pour l'examen, six pour la phase contradictoire.
            </p>
            {create.isError && <ErrorState error={create.error} />}
            <button type="submit" className="fr-btn" disabled={create.isPending || !from || !to}>
              Tirer la campagne
            </button>
          </form>
        </>
      )}
    </>
  );
}

export function ControleCampaignPage() {
  const { code = "", campaignId = "" } = useParams();
  const detail = useQuery({
    queryKey: ["controle-campaign", code, campaignId],
    queryFn: () => call(getControleCampaign, { params: { departement: code, campaignId: Number(campaignId) } }),
  });
  const d: CampaignDetail | undefined = detail.data;
  return (
    <>
      <p className="fr-mb-1w">
        <Link to={`/departement/${code}/controle`}>Toutes les campagnes</Link>
      </p>
      <h1>{d ? `Campagne de contrôle du ${formatDate(d.campaign.from)} au ${formatDate(d.campaign.to)}` : "Campagne de contrôle"}</h1>
      {detail.isPending && <Loading label="Chargement de la campagne…" />}
      {detail.isError && <ErrorState error={detail.error} />}
      {d && (
        <>
          <ul data-testid="controle-summary">
            <li>
              {formatInt(d.campaign.selectedStructures)} structures contrôlées sur {formatInt(d.campaign.eligibleStructures)} éligibles (
              {d.campaign.percent} %), {formatInt(d.campaign.sampledHirings)} embauches tirées ; graine {d.campaign.seed}, tirage du{" "}
              {formatDate(d.campaign.createdOn)}.
            </li>
            <li>
              Échéances : justificatifs le {formatDate(d.campaign.deadlines.proofsDueOn)}, examen le{" "}
              {formatDate(d.campaign.deadlines.reviewDueOn)}, phase contradictoire le {formatDate(d.campaign.deadlines.adversarialDueOn)}.
            </li>
            <li>
              {formatInt(d.campaign.decided)} décision(s) prise(s) ; {formatInt(d.campaign.overdue)} dossier(s) en retard.
            </li>
          </ul>
          <h2 className="fr-h4 fr-mt-4w">À faire</h2>
          {d.reminders.length === 0 ? (
            <p>Rien n'est attendu : chaque dossier a sa décision.</p>
          ) : (
            <ul data-testid="controle-reminders">
              {d.reminders.map((r) => (
                <li key={r.structureId} data-structure-id={r.structureId}>
                  <Link to={`/structures/${r.structureId}/controle/${d.campaign.id}`}>{r.name}</Link> : <DueBadge due={r} />
                </li>
              ))}
            </ul>
          )}
          <h2 className="fr-h4 fr-mt-4w">Structures contrôlées</h2>
          <DataTable
            caption="Avancement de chaque dossier"
            testId="controle-structures"
            columns={[
              "Structure",
              "Type",
              num("Embauches tirées / éligibles"),
              num("Critères justifiés"),
              num("Acceptés"),
              num("Refusés"),
              "Étape",
              "Attendu",
            ]}
          >
            {d.structures.map((s) => (
              <tr key={s.structureId} data-structure-id={s.structureId}>
                <td>
                  <Link to={`/structures/${s.structureId}/controle/${d.campaign.id}`}>{s.name}</Link>
                </td>
                <td>{s.kind}</td>
                <td className="numeric">
                  {formatInt(s.sampledHirings)} / {formatInt(s.eligibleHirings)}
                </td>
                <td className="numeric">
                  {formatInt(s.criteria.justified)} / {formatInt(s.criteria.total)}
                </td>
                <td className="numeric">{formatInt(s.criteria.accepted)}</td>
                <td className="numeric">{formatInt(s.criteria.refused)}</td>
                <td>
                  {FILE_STATE_LABEL[s.state]} <DecisionBadge decision={s.decision} />
                </td>
                <td>
                  <DueBadge due={s.due} />
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </>
  );
}
