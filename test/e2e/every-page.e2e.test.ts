// Every page of the application, as each demo account, in a French browser (fr-FR): one active tab in the
// navigation at most, no native date/month control (their language and order follow the browser's), no
// ISO date left in the text, the demo notice, and axe (no serious or critical violation).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs, newPage } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

async function checkPage(page: Page, path: string, ready: () => Promise<unknown>) {
  await page.goto(path);
  await ready();
  await page.getByTestId("demo-notice").waitFor({ timeout: 30_000 });
  const facts = await page.evaluate(() => ({
    active: [...document.querySelectorAll("#fr-header-main-navigation [aria-current='page']")].map((e) => e.textContent?.trim()),
    nativeDates: [...document.querySelectorAll("input")]
      .filter((i) => ["date", "month", "week", "time", "datetime-local"].includes(i.type))
      .map((i) => i.name || i.id),
    // biome-ignore lint/performance/useDomNodeTextContent: the text a person sees (innerText), not hidden nodes
    isoDates: (document.getElementById("contenu")?.innerText.match(/\b(19|20)\d{2}-\d{2}-\d{2}\b/g) ?? []).slice(0, 3),
    lang: document.documentElement.lang,
  }));
  expect(facts.active.length, `${path}: onglets actifs ${facts.active.join(", ")}`).toBeLessThanOrEqual(1);
  expect(facts.nativeDates, `${path}: champ de date natif`).toEqual([]);
  expect(facts.isoDates, `${path}: date au format ISO affichée`).toEqual([]);
  expect(facts.lang).toBe("fr");
  await expectAccessible(page, path);
  return facts;
}

const heading = (page: Page) => () => page.locator("main h1").first().waitFor({ timeout: 60_000 });

describe.skipIf(!demoAvailable)("every page, fr-FR", () => {
  const j = useJourney();

  it("the login page carries the demo notice", { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(j.browser, j.app.baseUrl);
    j.page = page;
    await checkPage(page, "/connexion", heading(page));
    await context.close();
  });

  it("SIAE pages: one active tab (Salariés and Ma structure no longer both), French date fields", { timeout: 600_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    const id = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    const persons = await apiGet<{ items: { id: number }[] }>(page, `/api/v1/structures/${id}/persons?present=true&pageSize=1`);
    const expected: [string, string][] = [
      [`/structures/${id}/accueil`, "Accueil"],
      [`/structures/${id}/salaries`, "Salariés"],
      [`/structures/${id}/salaries?filtre=pass90`, "Salariés"],
      [`/structures/${id}/declaration`, "Déclaration mensuelle"],
      [`/structures/${id}/fiches-salarie`, "Fiches salarié"],
      [`/structures/${id}/suivi`, "Accueil"],
      [`/structures/${id}/controle`, "Contrôle"],
      [`/structures/${id}/pilotage`, "Réalisation"],
      [`/structures/${id}/demandes`, "Demandes de financement"],
      [`/structures/${id}/demandes/2020`, "Demandes de financement"],
      [`/structures/${id}`, "Ma structure"],
      [`/structures/${id}/dialogue/2019`, "Ma structure"],
    ];
    for (const [path, tab] of expected) {
      const facts = await checkPage(page, path, heading(page));
      expect(facts.active, path).toEqual([tab]);
    }
    // A salarié's page with the exit form open: its date is typed in French.
    await checkPage(page, `/salaries/${persons.items[0]?.id}`, () =>
      page.getByRole("heading", { level: 2, name: "PASS IAE" }).waitFor({ timeout: 60_000 }),
    );
    await page.getByRole("button", { name: "Enregistrer la sortie" }).first().click();
    await page.getByLabel("Date de sortie").waitFor();
    expect(await page.getByLabel("Date de sortie").getAttribute("type")).toBe("text");
    await page.getByText("Format attendu : JJ/MM/AAAA").first().waitFor();
    expect(await page.locator("input[type=date]").count()).toBe(0);
    await context.close();
  });

  it("State agent pages (DDETS): dashboard with signalled structures first, AF forms with French dates", { timeout: 900_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.waitForURL(/\/tableau-de-bord/);
    const structures = await apiGet<{ items: { id: number }[] }>(page, "/api/v1/structures?pageSize=1");
    const id = structures.items[0]?.id;
    const detail = await apiGet<{ conventions: { annexes: { id: number }[] }[] }>(page, `/api/v1/structures/${id}`);
    const annexId = detail.conventions.flatMap((c) => c.annexes)[0]?.id;
    const pages: [string, string | null][] = [
      ["/tableau-de-bord", "Tableau de bord"],
      ["/tableau-de-bord?alertes=1", "Tableau de bord"],
      ["/structures", "Structures"],
      [`/structures/${id}`, "Structures"],
      [`/structures/${id}/annexes/nouvelle`, "Structures"],
      [`/structures/${id}/annexes/${annexId}`, "Structures"],
      [`/structures/${id}/annexes/${annexId}/avenant`, "Structures"],
      [`/structures/${id}/annexes/${annexId}/simulation`, "Structures"],
      [`/structures/${id}/dialogue/2019`, "Structures"],
      ["/departement/62/pilotage", "Pilotage"],
      ["/departement/62/demandes", "Demandes et CDIAE"],
      ["/departement/62/modulation", "Demandes et CDIAE"],
      ["/departement/62/cdiae", "Demandes et CDIAE"],
      ["/simulation", "Simulation"],
      ["/imports", "Imports"],
      ["/rapport", "Rapport annuel"],
    ];
    for (const [path, tab] of pages) {
      const facts = await checkPage(page, path, heading(page));
      expect(facts.active, path).toEqual(tab ? [tab] : []);
    }
    // Signalled structures first: the table starts with the flagged rows.
    await page.goto("/tableau-de-bord?alertes=1");
    await page.getByTestId("structures-table").waitFor({ timeout: 120_000 });
    const flags = await page
      .getByTestId("structures-table")
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-below-target") === "true"));
    expect(
      flags.some((f) => f),
      "the demo has signalled structures",
    ).toBe(true);
    const firstUnflagged = flags.indexOf(false);
    if (firstUnflagged >= 0) expect(flags.slice(firstUnflagged).every((f) => !f)).toBe(true);
    await context.close();
  });

  it("the conseil départemental's page", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.cd);
    j.page = page;
    await page.waitForURL(/\/departement\/62\/rsa/);
    const facts = await checkPage(page, "/departement/62/rsa", heading(page));
    expect(facts.active).toEqual(["Bénéficiaires du RSA"]);
    await context.close();
  });
});
