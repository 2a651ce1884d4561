// Demo data of the contrôle a posteriori: the DDETS 62's campaign on the first half of 2019, drawn on 9 December
// 2019 and in progress on the demo's date (15 January 2020), written through the operations themselves
// (src/operations/controleCampaign.ts) so that its rows are what the application would have written:
//  - the demo SIAE account's structure (AVIEE) is among the selected ones — the recorded seed is the first one
//    from 2019 whose draw selects it, so that the SIAE journey has a file to work on — with one proof so far;
//  - the other selected structures are at every step: nothing yet, proofs partly added, transmitted and waiting
//    for the DDETS, reviewed with a refusal (adversarial phase open), decided conforme.
// The second half of 2019 is left for the DDETS to draw. Deterministic.
import type { Actor } from "../db/audit.js";
import type { Db } from "../db/schema.js";
import { fixedClock } from "../domain/calendar/clock.js";
import { drawCampaign } from "../domain/controle/sampling.js";
import {
  addControleProof,
  closeControleReview,
  createControleCampaign,
  decideControleFile,
  reviewControleCriterion,
  submitControleFile,
} from "../operations/controleCampaign.js";
import type { OperationDeps } from "../operations/types.js";
import { autoPrescribedHirings } from "../queries/controle.js";
import { controleFile } from "../queries/controleCampaigns.js";

export const DEMO_CONTROLE = { from: "2019-01-01", to: "2019-06-30", drawnOn: "2019-12-09", firstSeed: 2019 } as const;

/** A small valid PDF standing for a scanned proof. */
function demoPdf(title: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(
    Buffer.from(
      `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
      "latin1",
    ),
  );
}

export async function addControleDemo(
  db: Db,
  deps: Pick<OperationDeps, "pii">,
  actor: Actor,
  departement: string,
  sampledStructureId: number,
): Promise<{ campaignId: number; seed: number; selected: number }> {
  const hirings = await autoPrescribedHirings(db, departement, DEMO_CONTROLE.from, DEMO_CONTROLE.to);
  let seed: number = DEMO_CONTROLE.firstSeed;
  while (!drawCampaign(hirings, seed).selected.some((s) => s.structureId === sampledStructureId)) {
    seed += 1;
    if (seed > DEMO_CONTROLE.firstSeed + 10_000)
      throw new Error(`démo : la structure ${sampledStructureId} n'est pas éligible au contrôle`);
  }
  const at = (date: string): OperationDeps => ({ clock: fixedClock(date), pii: deps.pii, actor });
  const created = await createControleCampaign(db, at(DEMO_CONTROLE.drawnOn), {
    departement,
    from: DEMO_CONTROLE.from,
    to: DEMO_CONTROLE.to,
    seed,
  });
  const others = created.selected.map((s) => s.structureId).filter((id) => id !== sampledStructureId);
  await progressControleFiles(db, deps, actor, created.id, [sampledStructureId, ...others], 2019);
  return { campaignId: created.id, seed, selected: created.selected.length };
}

/**
 * Moves the files of a campaign drawn on 9 December of `year` to every step as of 15 January of the next year:
 * `order[0]` one proof added, then nothing but some proofs, transmitted, adversarial phase open, decided conforme.
 * Used by the demo and by the generated national data (src/interchange/fluxiae-generator/steeringShapes.ts).
 */
export async function progressControleFiles(
  db: Db,
  deps: Pick<OperationDeps, "pii">,
  actor: Actor,
  campaignId: number,
  order: readonly number[],
  year: number,
): Promise<void> {
  const on = (plus: 0 | 1, monthDay: string) => `${year + plus}-${monthDay}`;
  const at = (date: string): OperationDeps => ({ clock: fixedClock(date), pii: deps.pii, actor });
  const [first, ...others] = order;
  const criteriaOf = async (structureId: number) =>
    ((await controleFile(db, structureId, campaignId, on(1, "01-15")))?.hirings ?? []).flatMap((h) =>
      h.criteria.filter((c) => !c.certified),
    );
  const prove = async (structureId: number, ids: readonly { id: number; code: string }[], day: string) => {
    for (const c of ids)
      await addControleProof(db, at(day), {
        campaignId,
        structureId,
        criterionId: c.id,
        fileName: `justificatif-${c.code.toLowerCase()}.pdf`,
        content: demoPdf(c.code),
      });
  };
  // The first one (AVIEE on the demo): one proof added, the rest to do before the deadline (20 January).
  if (first !== undefined) await prove(first, (await criteriaOf(first)).slice(0, 1), on(1, "01-08"));
  const [partial, waiting, adversarial, conforme] = others;
  if (partial !== undefined) {
    const c = await criteriaOf(partial);
    await prove(partial, c.slice(0, Math.ceil(c.length / 2)), on(1, "01-10"));
  }
  // Transmitted on 6 January, waiting for the DDETS's review.
  if (waiting !== undefined) {
    await prove(waiting, await criteriaOf(waiting), on(1, "01-03"));
    await submitControleFile(db, at(on(1, "01-06")), { campaignId, structureId: waiting });
  }
  // Reviewed with one criterion refused: the adversarial phase is open.
  if (adversarial !== undefined) {
    const c = await criteriaOf(adversarial);
    await prove(adversarial, c, on(0, "12-20"));
    await submitControleFile(db, at(on(0, "12-23")), { campaignId, structureId: adversarial });
    for (const [i, k] of c.entries())
      await reviewControleCriterion(db, at(on(1, "01-09")), {
        campaignId,
        structureId: adversarial,
        criterionId: k.id,
        verdict: i === 0 ? "refusee" : "acceptee",
        comment: i === 0 ? "La pièce ne couvre pas la date d'embauche." : "",
      });
    await closeControleReview(db, at(on(1, "01-09")), { campaignId, structureId: adversarial });
  }
  // Every criterion accepted: conforme.
  if (conforme !== undefined) {
    const c = await criteriaOf(conforme);
    await prove(conforme, c, on(0, "12-16"));
    await submitControleFile(db, at(on(0, "12-17")), { campaignId, structureId: conforme });
    for (const k of c)
      await reviewControleCriterion(db, at(on(1, "01-07")), { campaignId, structureId: conforme, criterionId: k.id, verdict: "acceptee" });
    await decideControleFile(db, at(on(1, "01-07")), {
      campaignId,
      structureId: conforme,
      decision: "conforme",
      comment: "Justificatifs complets.",
    });
  }
}
