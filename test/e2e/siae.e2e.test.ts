// Journey: SIAE staff (AVIEE) — salariés list with filters, a salarié's page, the monthly declaration
// grid; every page passes axe; figures read on screen equal the API's.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

describe.skipIf(!demoAvailable)("SIAE", () => {
  const j = useJourney();

  it("lists salariés, filters them, opens a salarié and the monthly declaration", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/salaries/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    await page.getByTestId("persons-total").waitFor({ timeout: 60_000 });
    const api = await apiGet<{ total: number }>(page, `/api/v1/structures/${structureId}/persons?month=2019-12`);
    expect(await page.getByTestId("persons-total").textContent()).toBe(`${api.total} salariés`);
    await expectAccessible(page, "salariés");
    await page.getByText("Présents ce mois-ci").click();
    await page.waitForURL(/filtre=present/);
    const present = await apiGet<{ total: number }>(page, `/api/v1/structures/${structureId}/persons?month=2019-12&present=true`);
    await expect.poll(() => page.getByTestId("persons-total").textContent(), { timeout: 30_000 }).toBe(`${present.total} salariés`);
    await page.getByTestId("persons-table").locator("tbody a").first().click();
    await page.waitForURL(/\/salaries\/\d+/);
    await page.getByRole("heading", { level: 2, name: "PASS IAE" }).waitFor({ timeout: 30_000 });
    await expectAccessible(page, "fiche salarié");
    await page.goto(`/structures/${structureId}/declaration?mois=2019-12`);
    await page.getByTestId("grid-totals").first().waitFor({ timeout: 60_000 });
    await expectAccessible(page, "déclaration mensuelle");
    await context.close();
  });
});
