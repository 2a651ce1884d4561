// Redeployment what-if of the Pilotage page (State agents): the moves proposed from the forecast, editable,
// their effect recomputed by the server's domain (new ETP, AF totals to the cent, projected rates), and the
// explicit acceptance that creates DRAFT AF modification versions — nothing is validated or sent here.
import { Alert } from "@codegouvfr/react-dsfr/Alert.js";
import { Button } from "@codegouvfr/react-dsfr/Button.js";
import { Input } from "@codegouvfr/react-dsfr/Input.js";
import { Select } from "@codegouvfr/react-dsfr/Select.js";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { acceptRedeployment, getRedeployment, previewRedeployment, type Redeployment } from "../../contracts/steering.js";
import { call } from "../api/client.js";
import { ErrorState, Loading } from "../components/States.js";
import { formatEtp, formatEuros, formatRate } from "../format.js";
import { num, TableHead } from "../components/TableHead.js";

type EditableMove = { key: number; from: string; to: string; etp: string };
let nextKey = 0;

export function RedeploymentSection({ code, year, at }: { code: string; year: number; at: string }) {
  const base = useQuery({
    queryKey: ["redeployment", code, year, at],
    queryFn: () => call(getRedeployment, { params: { departement: code }, query: { year, at } }),
  });
  const [moves, setMoves] = useState<EditableMove[]>([]);
  useEffect(() => {
    if (base.data) setMoves(base.data.proposed.map((m) => ({ key: ++nextKey, from: String(m.from), to: String(m.to), etp: m.etp })));
  }, [base.data]);
  const body = () => ({
    year,
    at,
    moves: moves.map((m) => ({ from: Number(m.from), to: Number(m.to), etp: m.etp.trim().replace(",", ".") })),
  });
  const preview = useMutation({ mutationFn: () => call(previewRedeployment, { params: { departement: code }, body: body() }) });
  const accept = useMutation({
    mutationFn: () => call<typeof acceptRedeployment, 201>(acceptRedeployment, { params: { departement: code }, body: body() }),
  });
  const [confirming, setConfirming] = useState(false);

  if (base.isPending) return <Loading label="Calcul des mouvements proposés…" />;
  if (base.isError) return <ErrorState error={base.error} />;
  const d = base.data;
  const names = new Map(d.names.map((n) => [String(n.structureId), n]));
  const shown: Redeployment = preview.data ?? d;
  const edit = (i: number, change: Partial<Omit<EditableMove, "key">>) => {
    setMoves(moves.map((m, j) => (j === i ? { ...m, ...change } : m)));
    preview.reset();
    accept.reset();
    setConfirming(false);
  };
  const options = d.names.map((n) => (
    <option key={n.structureId} value={String(n.structureId)}>
      {n.name} ({n.kind})
    </option>
  ));
  return (
    <section className="fr-mt-6w" aria-labelledby="redeploiement-titre">
      <h2 id="redeploiement-titre" className="fr-h4">
        Redéploiement d'ETP entre structures
      </h2>
      <p>
        Mouvements proposés d'après la projection : une structure projetée sous 90 % cède les ETP qu'elle n'utilisera pas même au haut de
        son intervalle ; une structure projetée au-delà de 100 % les reçoit. Modifiez-les, recalculez, puis acceptez : un avenant en
        brouillon (version M+1, état « saisi ») est créé pour chaque annexe modifiée ; rien n'est validé ni transmis.
      </p>
      {d.excluded.length > 0 && (
        <p className="fr-text--sm">Hors redéploiement : {d.excluded.map((e) => `${e.name} (${e.reason})`).join(" ; ")}.</p>
      )}
      <div data-testid="redeployment-moves">
        {moves.length === 0 && <p>Aucun mouvement proposé à cette date.</p>}
        {moves.map((m, i) => (
          <fieldset key={m.key} className="fr-fieldset redeployment-move" data-testid={`move-${i}`}>
            <legend className="fr-fieldset__legend fr-text--md">Mouvement {i + 1}</legend>
            <Select
              label={`Structure qui cède (mouvement ${i + 1})`}
              nativeSelectProps={{ value: m.from, onChange: (e) => edit(i, { from: e.target.value }) }}
            >
              {options}
            </Select>
            <Select
              label={`Structure qui reçoit (mouvement ${i + 1})`}
              nativeSelectProps={{ value: m.to, onChange: (e) => edit(i, { to: e.target.value }) }}
            >
              {options}
            </Select>
            <Input
              label={`ETP cédés (mouvement ${i + 1})`}
              nativeInputProps={{ value: m.etp, inputMode: "decimal", onChange: (e) => edit(i, { etp: e.target.value }) }}
            />
            <Button
              priority="tertiary"
              size="small"
              type="button"
              onClick={() => {
                setMoves(moves.filter((_, j) => j !== i));
                preview.reset();
                setConfirming(false);
              }}
            >
              Retirer le mouvement {i + 1}
            </Button>
          </fieldset>
        ))}
        <Button
          priority="secondary"
          size="small"
          type="button"
          onClick={() => {
            const first = d.names[0]?.structureId;
            const second = d.names[1]?.structureId ?? first;
            setMoves([...moves, { key: ++nextKey, from: String(first ?? ""), to: String(second ?? ""), etp: "0.50" }]);
            preview.reset();
          }}
        >
          Ajouter un mouvement
        </Button>
      </div>
      <div className="fr-btns-group fr-btns-group--inline fr-mt-2w">
        <Button type="button" priority="secondary" disabled={moves.length === 0} onClick={() => preview.mutate()}>
          Recalculer l'effet
        </Button>
        <Button type="button" disabled={moves.length === 0 || !preview.isSuccess} onClick={() => setConfirming(true)}>
          Accepter ces mouvements
        </Button>
      </div>
      {preview.isError && <ErrorState error={preview.error} />}
      {confirming && !accept.isSuccess && (
        <Alert
          severity="warning"
          title="Créer les avenants en brouillon ?"
          description={
            <>
              <span>
                Un avenant en brouillon sera créé pour chacune des {shown.structures.filter((s) => s.etpAfter !== s.etpBefore).length}{" "}
                annexes modifiées. Ils ne comptent pas tant qu'un agent ne les a pas validés.
              </span>
              <span className="fr-btns-group fr-btns-group--inline fr-mt-1w">
                <Button type="button" onClick={() => accept.mutate()} disabled={accept.isPending}>
                  Créer les avenants en brouillon
                </Button>
                <Button type="button" priority="secondary" onClick={() => setConfirming(false)}>
                  Annuler
                </Button>
              </span>
            </>
          }
        />
      )}
      {accept.isError && <ErrorState error={accept.error} />}
      {accept.data && (
        <div data-testid="redeployment-drafts">
          <Alert
            severity="success"
            title="Avenants créés en brouillon"
            description="À valider par un agent sur la page de chaque annexe."
          />
          <ul>
            {accept.data.drafts.map((dr) => (
              <li key={dr.annexId} data-annex-id={dr.annexId} data-structure-id={dr.structureId}>
                <Link to={`/structures/${dr.structureId}/annexes/${dr.annexId}`}>
                  {names.get(String(dr.structureId))?.name ?? dr.structureId} — avenant {dr.number}
                </Link>{" "}
                : {formatEtp(dr.etp)} ETP, <span data-testid="draft-total">{formatEuros(dr.total)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="fr-table fr-mt-2w" data-testid="redeployment-effect">
        <table>
          <caption>{preview.data ? "Effet des mouvements saisis" : "Effet des mouvements proposés"}</caption>
          <TableHead
            columns={[
              "Structure",
              num("ETP avant"),
              num("ETP après"),
              num("Montant avant"),
              num("Montant après"),
              num("Taux projeté avant"),
              num("Taux projeté après"),
            ]}
          />
          <tbody>
            {shown.structures
              .filter((s) => s.etpAfter !== s.etpBefore)
              .map((s) => (
                <tr key={s.structureId} data-structure-id={s.structureId}>
                  <td>{names.get(String(s.structureId))?.name}</td>
                  <td className="numeric">{formatEtp(s.etpBefore)}</td>
                  <td className="numeric">{formatEtp(s.etpAfter)}</td>
                  <td className="numeric">{formatEuros(s.totalBefore)}</td>
                  <td className="numeric" data-testid="total-after">
                    {formatEuros(s.totalAfter)}
                  </td>
                  <td className="numeric">{formatRate(s.rateBefore)}</td>
                  <td className="numeric">{formatRate(s.rateAfter)}</td>
                </tr>
              ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Enveloppe</th>
              <td />
              <td />
              <td className="numeric">{formatEuros(shown.envelopeBefore)}</td>
              <td className="numeric">{formatEuros(shown.envelopeAfter)}</td>
              <td />
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
