// The DDETS year in the browser, on the demo data: the SIAE (aviee@) drafts its 2021 financing request (ETP,
// co-financing, forecast rates, project, a PDF) and files it; the DDETS (ddets62@) opens AVIEE's dialogue
// sheet and the département's part modulée (overriding the grid with a reason), instructs the request and
// proposes ETP and the part modulée the grid gives, enters the 2021 envelope
// and sees the request against it in the CDIAE pack, records the CDIAE's opinion there and the préfet's decision
// on the request page. The new AF carries the amount the domain computes (barème of 1 January 2021 × ETP × 12
// months), every step left an audit row, axe finds nothing serious on any page of the journey.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AnnexDetail } from "../../src/contracts/annexes.js";
import type { CdiaePack, DialogueSheet } from "../../src/contracts/financing.js";
import { lookupUnitAmount, parseBaremeCsv } from "../../src/domain/aid/bareme.js";
import { afTotal } from "../../src/domain/conventions/amounts.js";
import { formatEuros } from "../../src/web/format.js";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();
const bareme = parseBaremeCsv(readFileSync(new URL("../../data/reference/passerelle/bareme_aide_au_poste.csv", import.meta.url), "utf8"));
// The smallest valid-looking PDF: the server checks the %PDF- signature, not the name.
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

type RequestAnswer = {
  request: { state: string; proposedAmount: string | null; decidedAmount: string | null; annexId: number | null } | null;
};

describe.skipIf(!demoAvailable)("l'année de la DDETS", () => {
  const j = useJourney();
  let structureId = "";

  it("the SIAE drafts and files its 2021 request with a PDF", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1] ?? "";
    await page.getByRole("link", { name: "Demandes de financement" }).first().click();
    await page.waitForURL(new RegExp(`/structures/${structureId}/demandes$`));
    // The demo's 2020 request is listed; the next one to prepare is 2021.
    await page.getByTestId("structure-requests").locator("tr[data-year='2020']").waitFor({ timeout: 60_000 });
    expect(await page.getByLabel("Année demandée").inputValue()).toBe("2021");
    await expectAccessible(page, "demandes de la SIAE");
    await page.getByRole("button", { name: "Préparer la demande" }).click();
    await page.waitForURL(new RegExp(`/structures/${structureId}/demandes/2021$`));
    await page.getByRole("button", { name: "Préparer la demande 2021" }).click();
    await page.getByLabel("ETP d'insertion demandés").fill("12,5");
    await page.getByLabel("Cofinancement déclaré (€)").fill("20000");
    await page.getByLabel("Cofinanceur", { exact: true }).fill("Conseil départemental du Pas-de-Calais");
    await page.getByLabel("Taux de sorties dynamiques prévu (%)").fill("60");
    await page.getByLabel("Taux de sorties vers l'emploi durable prévu (%)").fill("25");
    await page.getByLabel("Taux de sorties vers l'emploi de transition prévu (%)").fill("20");
    await page.getByLabel("Taux de sorties positives prévu (%)").fill("15");
    await page.getByLabel("Public accueilli").fill("Bénéficiaires du RSA et demandeurs d'emploi de très longue durée du bassin.");
    await page.getByLabel("Activité économique (supports d'activité)").fill("Maraîchage biologique et entretien d'espaces verts.");
    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await page.getByText("Brouillon enregistré.").waitFor();
    await page.locator("#attachment-file").setInputFiles({ name: "projet-2021.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("button", { name: "Envoyer la pièce jointe" }).click();
    await page.getByTestId("attachments").getByText("projet-2021.pdf").waitFor();
    await expectAccessible(page, "brouillon de la demande 2021");
    await page.getByRole("button", { name: "Déposer la demande" }).click();
    await page.getByTestId("request-state").getByText("Déposée").waitFor();
    const api = await apiGet<RequestAnswer>(page, `/api/v1/structures/${structureId}/financing-request?year=2021`);
    expect(api.request?.state).toBe("deposee");
    // The SIAE downloads its own attachment.
    const file = await page.request.get(
      await page
        .getByTestId("attachments")
        .getByRole("link", { name: "projet-2021.pdf" })
        .evaluate((a) => (a as HTMLAnchorElement).href),
    );
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await expectAccessible(page, "demande 2021 déposée");
    await context.close();
  });

  it("the DDETS instructs, proposes, presents to the CDIAE and decides: the AF has the domain's amount", { timeout: 600_000 }, async () => {
    expect(structureId).not.toBe("");
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.waitForURL(/\/tableau-de-bord/);
    await page.getByRole("link", { name: "Demandes et CDIAE" }).first().click();
    await page.waitForURL(/\/departement\/62\/demandes/);
    await page.getByLabel("Année", { exact: true }).selectOption("2021");
    const row = page.getByTestId("departement-requests").locator(`tr[data-structure-id="${structureId}"]`);
    await row.waitFor({ timeout: 60_000 });
    await expectAccessible(page, "demandes du département");

    // The dialogue sheet of AVIEE (2019, the last complete year): its figures, the part modulée the grid proposes.
    await page.goto(`${j.app.baseUrl}/structures/${structureId}/dialogue/2019`);
    await page.getByTestId("dialogue-modulation-proposed").waitFor({ timeout: 120_000 });
    const sheet = await apiGet<DialogueSheet>(page, `/api/v1/structures/${structureId}/dialogue?year=2019`);
    expect(norm(await page.getByTestId("dlg-examined-value").textContent())).toBe(String(sheet.exits.examined));
    await page
      .getByLabel("Conclusions du dialogue de gestion")
      .fill("Résultats à la sortie au niveau des objectifs ; renforcer la formation.");
    await page.getByRole("button", { name: "Enregistrer la fiche" }).click();
    await page.getByText("Fiche enregistrée.").waitFor();
    const pdf = await page.request.get(await page.getByTestId("dialogue-pdf").evaluate((a) => (a as HTMLAnchorElement).href));
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await expectAccessible(page, "fiche de dialogue de gestion");

    // The département's part modulée of 2019: the grid's proposal line by line, an override with its reason.
    await page.goto(`${j.app.baseUrl}/departement/62/modulation?annee=2019`);
    const section = page.getByTestId("modulation-structures").locator(`section[data-structure-id="${structureId}"]`);
    await section.waitFor({ timeout: 180_000 });
    const pct = (v: string | number) => `${Number(v).toLocaleString("fr-FR", { maximumFractionDigits: 2 })} %`;
    expect(norm(await section.getByTestId("proposed-percent").textContent())).toBe(norm(pct(sheet.modulation.proposedPercent)));
    await expectAccessible(page, "part modulée du département");
    const override = Number(sheet.modulation.proposedPercent) >= 1 ? Number(sheet.modulation.proposedPercent) - 1 : 1;
    await section.getByLabel(/^Pourcentage décidé/).fill(String(override).replace(".", ","));
    await section.getByLabel(/^Motif si différent/).fill("Accompagnement renforcé constaté au dialogue de gestion.");
    await section.getByRole("button", { name: "Décider" }).click();
    await expect
      .poll(async () => norm(await section.getByTestId("decided-percent").textContent()), { timeout: 60_000 })
      .toBe(norm(pct(override)));
    const mod = await apiGet<{ structures: { structureId: number; decidedPercent: string; socleTotal: string; amount: string }[] }>(
      page,
      "/api/v1/departements/62/modulation?year=2019",
    );
    const line = mod.structures.find((x) => String(x.structureId) === structureId);
    expect(Number(line?.decidedPercent)).toBe(override);
    // Rounded to the cent per AF: within a cent per AF of the socle × percentage.
    expect(Number(line?.amount)).toBeCloseTo((Number(line?.socleTotal) * override) / 100, 1);
    expect(norm(await section.getByTestId("modulated-amount").textContent())).toBe(norm(formatEuros(line?.amount ?? null)));

    // The request: instruction, proposal (ETP and the grid's percentage).
    const modulation = sheet.modulation.proposedPercent;
    await page.goto(`${j.app.baseUrl}/structures/${structureId}/demandes/2021`);
    await page.getByRole("button", { name: "Mettre en instruction" }).click();
    await page.getByTestId("request-state").getByText("En instruction").waitFor();
    await page.getByLabel("ETP proposés", { exact: true }).fill("12");
    await page.getByLabel("Part modulée proposée (% du socle)").fill(modulation.replace(".", ","));
    await page.getByRole("button", { name: "Proposer", exact: true }).click();
    await page.getByTestId("request-state").getByText("Proposée").waitFor();
    const unit = lookupUnitAmount(bareme, "ACI", "droit_commun", "2021-01-01");
    const expected = afTotal("12", unit, 12).toFixed(2);
    const proposed = await apiGet<RequestAnswer>(page, `/api/v1/structures/${structureId}/financing-request?year=2021`);
    expect(proposed.request?.proposedAmount).toBe(expected);
    await expectAccessible(page, "demande proposée");

    // The CDIAE pack: the envelope entered, the request against it, the opinion recorded.
    await page.goto(`${j.app.baseUrl}/departement/62/cdiae?annee=2021`);
    await page.getByTestId("cdiae-totals").waitFor({ timeout: 120_000 });
    await page.getByTestId("envelope-form").locator("summary").click();
    await page
      .getByLabel(/droit commun/i)
      .first()
      .fill("3000000");
    await page.getByRole("button", { name: "Enregistrer l'enveloppe" }).click();
    const pack = async () => apiGet<CdiaePack>(page, "/api/v1/departements/62/cdiae?year=2021");
    await expect.poll(async () => (await pack()).envelope.gapTotal, { timeout: 30_000 }).not.toBeNull();
    const p = await pack();
    const mine = p.requests.find((r) => String(r.structureId) === structureId);
    expect(mine?.proposedAmount).toBe(expected);
    expect(Number(p.envelope.gapTotal)).toBeCloseTo(Number(p.envelope.notifiedTotal) - Number(p.totals.proposedAmount), 2);
    await page
      .getByTestId("cdiae-row-total")
      .getByText(norm(formatEuros(p.envelope.gapTotal)).replace(/\s/g, " "))
      .waitFor();
    const cdiaeRow = page.getByTestId("cdiae-requests").locator(`tr[data-structure-id="${structureId}"]`);
    expect(norm(await cdiaeRow.locator("td").nth(6).textContent())).toBe(norm(formatEuros(expected)));
    await page.getByLabel("Date de la séance").fill("26/11/2020");
    await page.waitForURL(/seance=2020-11-26/);
    await expectAccessible(page, "dossier du CDIAE");
    await cdiaeRow.getByRole("combobox").selectOption("favorable");
    await cdiaeRow.getByRole("button", { name: "Enregistrer l'avis" }).click();
    await expect
      .poll(async () => norm(await cdiaeRow.locator("td").nth(8).textContent()), { timeout: 30_000 })
      .toBe("Favorable (26/11/2020)");
    const cdiaePdf = await page.request.get(await page.getByTestId("cdiae-pdf").evaluate((a) => (a as HTMLAnchorElement).href));
    expect(cdiaePdf.status()).toBe(200);

    // The préfet's decision: the AF of 2021.
    await page.goto(`${j.app.baseUrl}/structures/${structureId}/demandes/2021`);
    await page.getByTestId("request-state").getByText("Avis CDIAE").waitFor({ timeout: 60_000 });
    await page.getByLabel("Décision", { exact: true }).selectOption("accordee");
    await page.getByLabel("Commentaire").fill("Accordée après avis favorable du CDIAE.");
    await page.getByRole("button", { name: "Enregistrer la décision" }).click();
    await page.getByTestId("request-state").getByText("Décidée : accordée").waitFor({ timeout: 60_000 });
    const decided = await apiGet<RequestAnswer>(page, `/api/v1/structures/${structureId}/financing-request?year=2021`);
    expect(decided.request?.decidedAmount).toBe(expected);
    const annex = await apiGet<AnnexDetail>(page, `/api/v1/structures/${structureId}/annexes/${decided.request?.annexId}`);
    expect(annex.totalAmount).toBe(expected);
    expect(annex.unitAmount).toBe(unit.toFixed(2));
    expect(annex.startsOn).toBe("2021-01-01");
    await page.getByTestId("decided-annex").waitFor();
    await expectAccessible(page, "demande décidée");

    // Every step left its audit row.
    const audit = await j.app.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("entity", "=", "financing_request")
      .where("structure_id", "=", Number(structureId))
      .execute();
    const actions = new Set(audit.map((a) => a.action));
    for (const step of ["file", "instruct", "propose", "cdiae", "decide"]) expect(actions, step).toContain(`financing_request.${step}`);
    const other = await j.app.handle.db
      .selectFrom("audit_event")
      .select("action")
      .where("action", "in", ["notified_envelope.set", "dialogue_sheet.save", "structure_modulation.decide"])
      .execute();
    expect(new Set(other.map((a) => a.action))).toEqual(
      new Set(["notified_envelope.set", "dialogue_sheet.save", "structure_modulation.decide"]),
    );
    await context.close();
  });
});
