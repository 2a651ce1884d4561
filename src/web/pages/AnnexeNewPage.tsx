// New annexe financière of a structure: the AF form (kind from the structure) with the aide au poste
// computed live; the default period is the calendar year after the server's today.
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { getStructure } from "../../contracts/structures.js";
import { call } from "../api/client.js";
import { useCalendar } from "../api/useCalendar.js";
import { AfForm } from "../components/AfForm.js";
import { StructureBreadcrumb } from "../components/StructureBreadcrumb.js";
import { ErrorState, Loading } from "../components/States.js";

export function AnnexeNewPage() {
  const { structureId } = useParams();
  const calendar = useCalendar();
  const structure = useQuery({
    queryKey: ["structure", structureId],
    queryFn: () => call(getStructure, { params: { structureId: structureId ?? "" } }),
  });
  if (structure.isPending || calendar.isPending) return <Loading />;
  if (structure.isError) return <ErrorState error={structure.error} />;
  if (calendar.isError) return <ErrorState error={calendar.error} />;
  const s = structure.data;
  const year = Number(calendar.data.today.slice(0, 4)) + 1;
  // By default the AF belongs to the convention in force on its start date, if any.
  const inForce = s.conventions.find((c) => c.startsOn <= `${year}-01-01` && c.endsOn >= `${year}-01-01`);
  return (
    <>
      <StructureBreadcrumb structure={s} current={{ label: "Nouvelle annexe financière", href: `/structures/${s.id}/annexes/nouvelle` }} />
      <h1>Nouvelle annexe financière</h1>
      <p className="fr-text--lead">
        {s.name} ({s.kind}) — l'aide au poste est calculée depuis le barème en vigueur à la date de début.
      </p>
      <AfForm
        structureId={s.id}
        kind={s.kind}
        departement={s.departement}
        mode="create"
        conventions={s.conventions}
        initial={{
          startsOn: `${year}-01-01`,
          endsOn: `${year}-12-31`,
          etp: "",
          penitentiary: false,
          modulation: "",
          mainLine: "ETAT_DROIT_COMMUN",
          otherLines: [],
          conventionId: inForce ? String(inForce.id) : "",
        }}
      />
    </>
  );
}
