// Contrôle a posteriori journeys on the demo data (the DDETS 62's campaign on the first half of 2019, in progress
// on 15 January 2020, with AVIEE selected):
//  - DDETS 62: "Contrôle" in the menu lists the campaigns; it draws the second half of 2019: the campaign page shows
//    every selected structure the API recorded, with the seed; axe clean.
//  - AVIEE (SIAE): its home's to-do names the open file with its deadline and links to it; "Contrôle" in the menu
//    leads to its own file; it adds a PDF to a criterion still without one and
//    sees it listed; another structure's file is refused; axe clean.
//  - DDETS 62: opens a transmitted file, refuses one criterion with its reason and accepts the others, closes the
//    review: the adversarial phase opens, as the API says; it extends the file's deadline (the API has it); axe clean.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { CampaignDetail, ControleFile } from "../../src/contracts/controle.js";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

/** The page's French facts: one tab active (a structure's file, for the DDETS, is under "Structures"), no ISO date shown. */
async function expectFrench(page: Page, label: string, tab = "Contrôle") {
  const facts = await page.evaluate(() => ({
    active: [...document.querySelectorAll("#fr-header-main-navigation [aria-current='page']")].map((e) => e.textContent?.trim()),
    // biome-ignore lint/performance/useDomNodeTextContent: the text a person sees (innerText), not hidden nodes
    isoDates: (document.getElementById("contenu")?.innerText.match(/\b(19|20)\d{2}-\d{2}-\d{2}\b/g) ?? []).slice(0, 3),
  }));
  expect(facts, label).toEqual({ active: [tab], isoDates: [] });
}

interface Campaigns {
  campaigns: CampaignDetail["campaign"][];
}

describe.skipIf(!demoAvailable)("contrôle a posteriori", () => {
  const j = useJourney();

  it("the DDETS draws a campaign and sees each selected structure", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.getByRole("link", { name: "Contrôle", exact: true }).first().click();
    await page.waitForURL(/\/departement\/62\/controle$/);
    await page.getByTestId("controle-campaigns").waitFor({ timeout: 60_000 });
    const before = await apiGet<Campaigns>(page, "/api/v1/departements/62/controle-campaigns");
    expect(before.campaigns.map((c) => [c.from, c.to])).toEqual([["2019-01-01", "2019-06-30"]]);
    expect(await page.getByTestId("controle-campaigns").locator("tbody tr").count()).toBe(1);
    await expectAccessible(page, "campagnes de contrôle");
    await expectFrench(page, "campagnes de contrôle");
    await page.getByLabel("Début de la période").fill("01/07/2019");
    await page.getByLabel("Fin de la période").fill("31/12/2019");
    await page.getByRole("button", { name: "Tirer la campagne" }).click();
    await page.waitForURL(/\/departement\/62\/controle\/\d+$/);
    await page.getByTestId("controle-structures").waitFor({ timeout: 60_000 });
    const id = /\/controle\/(\d+)$/.exec(page.url())?.[1];
    const detail = await apiGet<CampaignDetail>(page, `/api/v1/departements/62/controle-campaigns/${id}`);
    expect(detail.campaign).toMatchObject({ from: "2019-07-01", to: "2019-12-31", percent: 30 });
    expect(detail.structures.length).toBeGreaterThan(0);
    const rows = page.getByTestId("controle-structures").locator("tbody tr");
    expect(await rows.count()).toBe(detail.structures.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-structure-id"))));
    expect(shown.sort((a, b) => a - b)).toEqual(detail.structures.map((s) => s.structureId).sort((a, b) => a - b));
    await page.getByText(`graine ${detail.campaign.seed}`).waitFor();
    await expectAccessible(page, "campagne tirée");
    await expectFrench(page, "campagne tirée");
    await context.close();
  });

  it("the SIAE adds a proof to its own file", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    // The home's to-do: the open file of the first half of 2019, what is due and by when, a link to it (the reminder
    // is in the application). The campaign drawn by the test above selects AVIEE or not (random seed): with two open
    // files the link leads to the list of her files.
    const todo = page.getByTestId("todo-controle");
    await todo.waitFor({ timeout: 60_000 });
    const h1 = todo.getByTestId("todo-controle-list").locator("li").filter({ hasText: "Embauches du 01/01/2019 au 30/06/2019" });
    await h1.getByText("Justificatifs à transmettre").waitFor();
    expect(await h1.getByTestId("todo-controle-due").textContent()).toBe("20/01/2020");
    const h1Campaign = await h1.getAttribute("data-campaign-id");
    const openFiles = await todo.getByTestId("todo-controle-list").locator("li").count();
    expect(await todo.getByTestId("todo-controle-link").getAttribute("href")).toBe(
      openFiles === 1 ? `/structures/${structureId}/controle/${h1Campaign}` : `/structures/${structureId}/controle`,
    );
    await page.getByRole("link", { name: "Contrôle", exact: true }).first().click();
    await page.waitForURL(new RegExp(`/structures/${structureId}/controle$`));
    await page.getByTestId("structure-controles").locator(`a[href="/structures/${structureId}/controle/${h1Campaign}"]`).click();
    await page.waitForURL(new RegExp(`/structures/${structureId}/controle/${h1Campaign}$`));
    await page.getByTestId("controle-file-state").waitFor({ timeout: 60_000 });
    const campaignId = /\/controle\/(\d+)$/.exec(page.url())?.[1];
    const url = `/api/v1/structures/${structureId}/controle-campaigns/${campaignId}`;
    const file = await apiGet<ControleFile>(page, url);
    expect(file.file.state).toBe("pieces");
    await expectAccessible(page, "dossier de contrôle de la SIAE");
    await expectFrench(page, "dossier de contrôle de la SIAE");
    const target = file.hirings.flatMap((h) => h.criteria).find((c) => !c.certified && c.proofs.length === 0);
    if (!target) throw new Error("the demo file has no criterion left to justify");
    const card = page.locator(`[data-criterion-id="${target.id}"]`);
    await card.locator("input[type=file]").setInputFiles({
      name: "attestation-pole-emploi.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n% attestation\n%%EOF\n"),
    });
    await card.getByRole("button", { name: "Joindre" }).click();
    await card.getByRole("link", { name: "attestation-pole-emploi.pdf" }).waitFor({ timeout: 60_000 });
    const after = await apiGet<ControleFile>(page, url);
    const proofs = after.hirings.flatMap((h) => h.criteria).find((c) => c.id === target.id)?.proofs ?? [];
    expect(proofs.map((p) => [p.fileName, p.contentType, p.phase])).toEqual([
      ["attestation-pole-emploi.pdf", "application/pdf", "initiale"],
    ]);
    await expectAccessible(page, "justificatif ajouté");
    // Another structure's file of the same campaign is not hers.
    const ddetsView = await page.request.get(`${j.app.baseUrl}/api/v1/departements/62/controle-campaigns/${campaignId}`);
    expect(ddetsView.status()).toBe(403);
    await context.close();
  });

  it("the DDETS reviews a transmitted file and opens the adversarial phase", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    const list = await apiGet<Campaigns>(page, "/api/v1/departements/62/controle-campaigns");
    const demo = list.campaigns.find((c) => c.from === "2019-01-01");
    if (!demo) throw new Error("no demo campaign");
    await page.goto(`${j.app.baseUrl}/departement/62/controle/${demo.id}`);
    await page.getByTestId("controle-reminders").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "campagne en cours");
    await expectFrench(page, "campagne en cours");
    const detail = await apiGet<CampaignDetail>(page, `/api/v1/departements/62/controle-campaigns/${demo.id}`);
    const waiting = detail.structures.find((s) => s.state === "soumis");
    if (!waiting) throw new Error("the demo has no transmitted file");
    await page.getByTestId("controle-structures").locator(`tr[data-structure-id="${waiting.structureId}"]`).getByRole("link").click();
    await page.waitForURL(new RegExp(`/structures/${waiting.structureId}/controle/${demo.id}$`));
    await page.getByTestId("controle-file-state").waitFor({ timeout: 60_000 });
    const url = `/api/v1/structures/${waiting.structureId}/controle-campaigns/${demo.id}`;
    const file = await apiGet<ControleFile>(page, url);
    const criteria = file.hirings.flatMap((h) => h.criteria).filter((c) => !c.certified);
    const [refused, ...accepted] = criteria;
    if (!refused) throw new Error("nothing to review");
    const refusedCard = page.locator(`[data-criterion-id="${refused.id}"]`);
    await refusedCard.getByLabel(/Motif en cas de refus/).fill("Le justificatif ne couvre pas la date d'embauche.");
    await refusedCard.getByRole("button", { name: /^Refuser/ }).click();
    await refusedCard.getByText("Refusé", { exact: true }).waitFor({ timeout: 60_000 });
    for (const c of accepted) {
      const card = page.locator(`[data-criterion-id="${c.id}"]`);
      await card.getByRole("button", { name: /^Accepter/ }).click();
      await card.getByText("Accepté", { exact: true }).waitFor({ timeout: 60_000 });
    }
    await expectAccessible(page, "examen des justificatifs");
    await page.getByRole("button", { name: "Clore l'examen et ouvrir la phase contradictoire" }).click();
    await page.getByTestId("controle-file-state").getByText("Phase contradictoire").waitFor({ timeout: 60_000 });
    const after = await apiGet<ControleFile>(page, url);
    expect(after.file.state).toBe("contradictoire");
    const reviews = after.hirings.flatMap((h) => h.criteria).filter((c) => !c.certified);
    expect(reviews.find((c) => c.id === refused.id)).toMatchObject({
      review: "refusee",
      reviewComment: "Le justificatif ne couvre pas la date d'embauche.",
    });
    for (const c of accepted) expect(reviews.find((k) => k.id === c.id)?.review).toBe("acceptee");
    expect(after.file.due).toMatchObject({ party: "siae", what: "transmettre_contradictoire" });
    await expectAccessible(page, "phase contradictoire ouverte");
    await expectFrench(page, "phase contradictoire ouverte");
    // The deadline of this file only is extended by two weeks, with its reason.
    const extend = page.getByRole("form", { name: "Prolonger l'échéance" });
    await extend.getByLabel("Nouvelle échéance").fill("27/04/2020");
    await extend.getByLabel("Motif").fill("Pièces demandées à un organisme tiers");
    await extend.getByRole("button", { name: "Prolonger" }).click();
    await page.getByText("Échéances (prolongées par la DDETS)").waitFor({ timeout: 60_000 });
    const extended = await apiGet<ControleFile>(page, url);
    expect(extended.file).toMatchObject({
      extended: true,
      due: { party: "siae", what: "transmettre_contradictoire", dueOn: "2020-04-27" },
    });
    expect(extended.campaign.deadlines.adversarialDueOn).toBe("2020-04-13");
    await expectAccessible(page, "échéance prolongée");
    await context.close();
  });
});
