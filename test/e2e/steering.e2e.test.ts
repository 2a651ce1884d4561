// In-year steering journeys on the demo data:
//  - DDETS 62: "Pilotage" in the menu opens its département's envelope; at 30 June 2019 the tiles and the table
//    equal GET /api/v1/steering/departements/62/envelope; changing the date keeps it in the URL; axe clean.
//  - DGEFP: chooses a département on /pilotage.
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/contracts/steering.js";
import { formatEtp, formatEuros, formatRate } from "../../src/web/format.js";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

describe.skipIf(!demoAvailable)("pilotage de l'enveloppe", () => {
  const j = useJourney();

  it("the DDETS sees its département's forecast; figures on screen equal the API", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.getByRole("link", { name: "Pilotage" }).first().click();
    await page.waitForURL(/\/departement\/62\/pilotage/);
    await page.getByTestId("env-projected-value").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "pilotage (défaut)");
    await page.goto(`${j.app.baseUrl}/departement/62/pilotage?annee=2019&date=2019-06-30`);
    await page.getByText("Situation au 30/06/2019").waitFor({ timeout: 60_000 });
    const api = await apiGet<Envelope>(page, "/api/v1/steering/departements/62/envelope?year=2019&at=2019-06-30");
    expect(api.etp.realisesToDate).toBeGreaterThan(0);
    const tile = async (id: string) => norm(await page.getByTestId(`${id}-value`).textContent());
    expect(await tile("env-conventionnes")).toBe(norm(formatEtp(api.etp.conventionnes)));
    expect(await tile("env-realises")).toBe(norm(formatEtp(api.etp.realisesToDate)));
    expect(await tile("env-projected")).toBe(norm(formatEtp(api.etp.projectedYearEnd)));
    expect(await tile("env-rate")).toBe(norm(formatRate(api.etp.projectedRate)));
    expect(await tile("env-paid")).toBe(norm(formatEuros(api.budget.paidToDate)));
    expect(await tile("env-unused")).toBe(norm(formatEuros(api.budget.projectedUnused)));
    expect(await page.getByTestId("envelope-structures").locator("tbody tr").count()).toBe(api.structures.length);
    const flagged = api.structures.find((s) => s.alert !== null);
    if (flagged) {
      const row = page.getByTestId("envelope-structures").locator(`tr[data-structure-id="${flagged.structureId}"]`);
      expect(norm(await row.locator("td").nth(5).textContent())).toBe(norm(formatRate(flagged.projectedRate)));
      await row.getByText(flagged.alert === "under" ? "Sous 90 %" : "Au-dessus de 105 %").waitFor();
    }
    await expectAccessible(page, "pilotage au 30 juin 2019");
    // Another date: recomputed, kept in the URL.
    await page.getByLabel("Situation au").fill("2019-09-30");
    await page.getByRole("button", { name: "Recalculer" }).click();
    await page.waitForURL(/date=2019-09-30/);
    await page.getByText("Situation au 30/09/2019").waitFor({ timeout: 60_000 });
    await context.close();
  });

  it("the DGEFP chooses a département", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.dgefp);
    j.page = page;
    await page.goto(`${j.app.baseUrl}/pilotage`);
    await page.getByLabel("Département (code INSEE, ex. 62)").fill("62");
    await page.getByRole("button", { name: "Afficher l'enveloppe" }).click();
    await page.waitForURL(/\/departement\/62\/pilotage/);
    await page.getByTestId("env-projected-value").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "pilotage DGEFP");
    await context.close();
  });
});
