// Journey: the SIAE's month on the demo (as of 15 January 2020). AVIEE logs in and sees, without a
// click, what is to be done, with counts equal to the pages they link to; declares December 2019 from
// there; the counts go down. Every page carries the demo notice.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs, readmeScreenshot } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

interface Month {
  today: string;
  declaration: { month: string; undeclaredLines: number; undeclaredPersons: number; annexes: number };
  pass: { within30: number; within90: number };
  exits: { toRecord: number };
  fiches: { toSend: number };
}
const fr = (n: number) => new Intl.NumberFormat("fr-FR").format(n);
const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

describe.skipIf(!demoAvailable)("SIAE: what to do this month", () => {
  const j = useJourney();

  it("aviee lands on its to-do as of 15 January 2020, declares December 2019 from it, the counts go down", {
    timeout: 600_000,
  }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    // Without a click: the date, the demo notice, the items.
    await page.getByTestId("todo-declaration").waitFor({ timeout: 60_000 });
    expect(norm(await page.getByTestId("demo-notice").textContent())).toContain("Démonstration — données au 15 janvier 2020");
    expect(norm(await page.getByTestId("todo-today").textContent())).toBe("Au 15 janvier 2020");
    const m = await apiGet<Month>(page, `/api/v1/structures/${structureId}/month`);
    expect(m.today).toBe("2020-01-15");
    expect(m.declaration.month).toBe("2019-12");
    expect(m.declaration.undeclaredPersons).toBeGreaterThan(0);
    expect(norm(await page.getByTestId("todo-declaration-persons").textContent())).toBe(`${fr(m.declaration.undeclaredPersons)} salariés`);
    expect(norm(await page.getByTestId("todo-declaration-lines").textContent())).toBe(`${fr(m.declaration.undeclaredLines)} lignes`);
    await expectAccessible(page, "accueil SIAE");
    await readmeScreenshot(page, "accueil-siae", { fullPage: true });

    // Each count is the one of the page it links to.
    const pass90 = await apiGet<{ total: number }>(page, `/api/v1/structures/${structureId}/persons?passEndingWithin=90`);
    expect(pass90.total).toBe(m.pass.within90);
    if (m.pass.within90 > 0) {
      await page.getByTestId("todo-pass-link").click();
      await page.waitForURL(/filtre=pass90/);
      await expect.poll(() => page.getByTestId("persons-total").textContent(), { timeout: 30_000 }).toBe(`${fr(m.pass.within90)} salariés`);
      await page.goBack();
    }
    if (m.exits.toRecord > 0) {
      await page.getByTestId("todo-exits-link").click();
      await page.waitForURL(/filtre=sorties/);
      await expect
        .poll(() => page.getByTestId("persons-total").textContent(), { timeout: 30_000 })
        .toBe(`${fr(m.exits.toRecord)} salariés`);
      await page.goBack();
    }

    // The declaration page it links to: December 2019, the same lines to validate.
    await page.getByTestId("todo-declaration-link").click();
    await page.waitForURL(/\/declaration\?mois=2019-12/);
    await page.getByTestId("grid-totals").first().waitFor({ timeout: 60_000 });
    const grid = await apiGet<{ annexes: { number: string; lines: { declarationState: string | null }[] }[] }>(
      page,
      `/api/v1/structures/${structureId}/declarations?month=2019-12`,
    );
    expect(grid.annexes.flatMap((a) => a.lines).filter((l) => l.declarationState !== "VALIDE")).toHaveLength(m.declaration.undeclaredLines);
    expect(await page.getByLabel("Mois", { exact: true }).inputValue()).toBe("12");
    expect(await page.getByLabel("Année", { exact: true }).inputValue()).toBe("2019");
    for (const a of grid.annexes) {
      const form = page.getByTestId(`grid-${a.number}`);
      await form.getByRole("button", { name: "Valider la déclaration de décembre 2019" }).click();
      await form.getByTestId("declaration-confirmation").waitFor({ timeout: 60_000 });
    }
    // Back home: December is done, the count went down to zero.
    await page.getByRole("link", { name: "Accueil", exact: true }).click();
    await page.waitForURL(/\/accueil$/);
    const after = await apiGet<Month>(page, `/api/v1/structures/${structureId}/month`);
    expect(after.declaration.undeclaredLines).toBeLessThan(m.declaration.undeclaredLines);
    expect(after.declaration.undeclaredLines).toBe(0);
    await page.getByText("Toutes les heures de décembre 2019 sont validées.").waitFor({ timeout: 30_000 });
    await context.close();
  });
});
