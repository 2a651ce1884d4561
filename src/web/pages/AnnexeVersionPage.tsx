// Editing an annexe financière = a new version (avenant, M+1): the AF form pre-filled from the
// version being modified; the version it replaces becomes HISTORISE.
import { Link, useParams } from "react-router-dom";
import { AfForm } from "../components/AfForm.js";
import { StructureBreadcrumb } from "../components/StructureBreadcrumb.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatEtp } from "../format.js";
import { useAnnexDetail } from "./AnnexePage.js";

export function AnnexeVersionPage() {
  const { structureId, annexId } = useParams();
  const detail = useAnnexDetail(structureId, annexId);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} />;
  const a = detail.data;
  const [main, ...others] = [...a.funding].sort((x, y) => (x.code === "ETAT_DROIT_COMMUN" ? -1 : y.code === "ETAT_DROIT_COMMUN" ? 1 : 0));
  const current = a.versions.find((v) => v.state !== "HISTORISE");
  return (
    <>
      <StructureBreadcrumb
        structure={{ id: a.structureId, name: a.structureName }}
        annex={a}
        current={{ label: "Nouvelle version", href: `/structures/${a.structureId}/annexes/${a.id}/avenant` }}
      />
      <h1>Modifier l'annexe financière {a.number}</h1>
      {a.state === "HISTORISE" ? (
        <p>
          Cette version est historisée : modifiez la version en cours
          {current && (
            <>
              {" "}
              <Link to={`/structures/${a.structureId}/annexes/${current.id}/avenant`}>{current.number}</Link>
            </>
          )}
          .
        </p>
      ) : (
        <>
          <p className="fr-text--lead">
            Une modification crée une nouvelle version (avenant) ; la version {a.number} ({formatEtp(a.etp)} ETP) sera historisée.
          </p>
          <AfForm
            structureId={a.structureId}
            kind={a.kind}
            departement={a.structureDepartement}
            mode="version"
            annexId={a.id}
            initial={{
              startsOn: a.startsOn,
              endsOn: a.endsOn,
              etp: String(Number(a.etp)).replace(".", ","),
              penitentiary: a.penitentiary,
              modulation: a.modulationPercent === null ? "" : String(Number(a.modulationPercent)).replace(".", ","),
              mainLine: main?.code ?? "ETAT_DROIT_COMMUN",
              otherLines: others.map((f) => ({ code: f.code, amount: f.amount.replace(".", ",") })),
              conventionId: a.conventionId === null ? "" : String(a.conventionId),
            }}
          />
        </>
      )}
    </>
  );
}
