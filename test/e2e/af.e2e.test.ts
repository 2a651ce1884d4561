// Journey: a DDETS agent creates an annexe financière for a structure (aide au poste computed live,
// equal to the API simulation for the same inputs), finds it in the structure's AF list, creates a new
// version (avenant), runs the what-if of next year's allocation and the simulation page; axe on every page.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs, readmeScreenshot } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

interface Simulation {
  unitAmount: string;
  total: string;
  modulatedAmount: string;
}

const euros = (v: string) =>
  new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 }).format(Number(v));
/** Screen text and Node's Intl may use different spaces (U+202F, U+00A0): compare without them. */
const bare = (s: string | null) => (s ?? "").replace(/\s/g, "");

describe.skipIf(!demoAvailable)("annexe financière", () => {
  const j = useJourney();

  it("creates an AF with the aide au poste of the API, a new version, and next year's what-if", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.goto("/structures");
    await page.locator("table tbody a").first().click();
    await page.waitForURL(/\/structures\/\d+$/);
    const structureId = /\/structures\/(\d+)$/.exec(page.url())?.[1];
    const structure = await apiGet<{ kind: string }>(page, `/api/v1/structures/${structureId}`);
    const { today } = await apiGet<{ today: string }>(page, "/api/v1/referentials/calendar");
    const year = Number(today.slice(0, 4)) + 1;
    await page.getByTestId("annexes-table").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "structure");

    // Creation: checked as you type, then computed live.
    await page.getByRole("link", { name: "Nouvelle annexe financière" }).click();
    await page.getByRole("heading", { level: 1, name: "Nouvelle annexe financière" }).waitFor();
    const etp = page.getByLabel("ETP conventionnés");
    await etp.fill("0");
    await page.getByText("Le nombre d'ETP conventionnés doit être supérieur à 0.").waitFor();
    await page.getByLabel("Date de fin").fill(`31/03/${year + 1}`);
    await page.getByText(`Une annexe financière couvre une seule année civile : date de fin attendue en ${year}.`).waitFor();
    await page.getByLabel("Date de fin").fill(`31/12/${year}`);
    await etp.fill("7,5");
    await page.getByLabel("Part modulée (%)").fill("5");
    await page.getByRole("button", { name: "Ajouter un financement" }).click();
    await page.getByLabel("Autre financement 1").selectOption("CONSEIL_DEPARTEMENTAL");
    await page.getByLabel("Montant 1 (€)").fill("1000");
    const sim = await apiGet<Simulation>(
      page,
      `/api/v1/simulations/af?kind=${structure.kind}&etp=7.5&from=${year}-01-01&to=${year}-12-31&modulation=5`,
    );
    await expect.poll(async () => bare(await page.getByTestId("af-total").textContent()), { timeout: 30_000 }).toBe(bare(euros(sim.total)));
    expect(bare(await page.getByTestId("af-unit-amount").textContent())).toBe(bare(euros(sim.unitAmount)));
    expect(bare(await page.getByTestId("af-modulated-amount").textContent())).toContain(bare(euros(sim.modulatedAmount)));
    expect(bare(await page.getByTestId("af-main-line-amount").textContent())).toContain(bare(euros((Number(sim.total) - 1000).toFixed(2))));
    await expectAccessible(page, "nouvelle annexe financière");
    if (process.env.SCREENSHOTS) {
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await readmeScreenshot(page, "annexe-financiere", { fullPage: true });
    }
    await page.getByRole("button", { name: "Créer l'annexe financière" }).click();
    const created = page.getByTestId("af-created");
    await created.waitFor();
    const number = /n° (\S+) enregistrée/.exec((await created.textContent()) ?? "")?.[1] ?? "";
    expect(number).toMatch(new RegExp(`^${structure.kind}\\d{9}A0M0$`));
    expect(bare(await created.textContent())).toContain(bare(euros(sim.total)));

    // The AF is in the structure's list; its page shows the same total.
    await page.getByRole("link", { name: "Retour à la structure" }).click();
    await page.getByTestId("annexes-table").getByRole("link", { name: number }).click();
    await page.getByRole("heading", { level: 1, name: new RegExp(`Annexe financière ${number}`) }).waitFor();
    expect(bare(await page.getByTestId("annex-total").textContent())).toBe(bare(euros(sim.total)));
    await expectAccessible(page, "annexe financière");

    // New version (avenant): 8 ETP; the previous version is historised.
    await page.getByRole("link", { name: "Modifier (nouvelle version)" }).click();
    await page.getByRole("heading", { level: 1, name: new RegExp(`Modifier l'annexe financière ${number}`) }).waitFor();
    await page.getByLabel("ETP conventionnés").fill("8");
    const sim8 = await apiGet<Simulation>(
      page,
      `/api/v1/simulations/af?kind=${structure.kind}&etp=8&from=${year}-01-01&to=${year}-12-31&modulation=5`,
    );
    await expect
      .poll(async () => bare(await page.getByTestId("af-total").textContent()), { timeout: 30_000 })
      .toBe(bare(euros(sim8.total)));
    await expectAccessible(page, "nouvelle version");
    await page.getByRole("button", { name: "Enregistrer la nouvelle version" }).click();
    await page.getByTestId("af-created").getByText("La version précédente est historisée.").waitFor();
    await page.getByRole("link", { name: /Voir l'annexe/ }).click();
    const versions = page.getByTestId("annex-versions").locator("tbody tr");
    await expect.poll(() => versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toContain("VALIDE");
    expect(await versions.nth(1).textContent()).toContain("HISTORISE");
    expect(bare(await versions.nth(0).textContent())).toContain(bare(euros(sim8.total)));

    // What-if of next year: 9 ETP, 10 % modulated.
    const annexId = /\/annexes\/(\d+)$/.exec(page.url())?.[1];
    await page.getByRole("link", { name: "Simuler l'année suivante" }).click();
    await page.getByLabel(`ETP conventionnés en ${year + 1}`).fill("9");
    await page.getByLabel("Part modulée (%)").fill("10");
    const next = await apiGet<{ next: Simulation; difference: string }>(
      page,
      `/api/v1/structures/${structureId}/annexes/${annexId}/next-year?etpChange=1&modulation=10`,
    );
    await expect
      .poll(async () => bare(await page.getByTestId("next-total").textContent()), { timeout: 30_000 })
      .toBe(bare(euros(next.next.total)));
    expect(bare(await page.getByTestId("next-difference").textContent())).toContain(bare(euros(next.difference)));
    await expectAccessible(page, "simulation de l'année suivante");

    // Simulation without a structure (menu "Simulation"): the figures of `simulate af`.
    await page.getByRole("link", { name: "Simulation", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Simulation de l'aide au poste" }).waitFor();
    await page.getByLabel("Type de structure").selectOption("EI");
    await page.getByLabel("ETP conventionnés").fill("3");
    await page.getByLabel("Part modulée (%)").fill("10");
    const ei = await apiGet<Simulation>(page, `/api/v1/simulations/af?kind=EI&etp=3&from=${year}-01-01&to=${year}-12-31&modulation=10`);
    await expect.poll(async () => bare(await page.getByTestId("af-total").textContent()), { timeout: 30_000 }).toBe(bare(euros(ei.total)));
    await expectAccessible(page, "simulation");
    await context.close();
  });
});
