// Journey: SIAE staff (AVIEE) — salariés list with filters, a salarié's page, the monthly declaration
// grid; every page passes axe; figures read on screen equal the API's.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs, readmeScreenshot } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

describe.skipIf(!demoAvailable)("SIAE", () => {
  const j = useJourney();

  it("lists salariés, filters them, opens a salarié and the monthly declaration", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    // The list opens on the salariés present this month (the server's month), the others one click away.
    const { currentMonth } = await apiGet<{ currentMonth: string }>(page, "/api/v1/referentials/calendar");
    await page.getByRole("link", { name: "Salariés", exact: true }).click();
    await page.getByTestId("persons-total").waitFor({ timeout: 60_000 });
    const present = await apiGet<{ total: number }>(page, `/api/v1/structures/${structureId}/persons?month=${currentMonth}&present=true`);
    expect(await page.getByTestId("persons-total").textContent()).toBe(`${present.total} salariés`);
    await expectAccessible(page, "salariés");
    await readmeScreenshot(page, "salaries");
    await page.getByText("Tous les salariés").click();
    await page.waitForURL(/filtre=tous/);
    const all = await apiGet<{ total: number }>(page, `/api/v1/structures/${structureId}/persons?month=${currentMonth}`);
    await expect.poll(() => page.getByTestId("persons-total").textContent(), { timeout: 30_000 }).toBe(`${all.total} salariés`);
    expect(all.total).toBeGreaterThan(present.total);
    await page.getByTestId("persons-table").locator("tbody a").first().click();
    await page.waitForURL(/\/salaries\/\d+/);
    await page.getByRole("heading", { level: 2, name: "PASS IAE" }).waitFor({ timeout: 30_000 });
    await expectAccessible(page, "fiche salarié");
    await readmeScreenshot(page, "fiche-salarie", { fullPage: true });
    await page.goto(`/structures/${structureId}/declaration?mois=2019-12`);
    await page.getByTestId("grid-totals").first().waitFor({ timeout: 60_000 });
    await expectAccessible(page, "déclaration mensuelle");
    await readmeScreenshot(page, "declaration-mensuelle");
    await context.close();
  });

  it("records an exit's motif with its category, and validates a declaration with the keyboard only", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    // Exit form: opening it moves the focus to the date; the motif's category (referential) is shown.
    const present = await apiGet<{ items: { id: number; exitOn: string | null }[] }>(
      page,
      `/api/v1/structures/${structureId}/persons?month=2019-12&present=true&pageSize=50`,
    );
    const running = present.items.find((p) => p.exitOn === null);
    expect(running, "un salarié présent sans sortie").toBeDefined();
    await page.goto(`/salaries/${running?.id}`);
    await page.getByRole("button", { name: "Enregistrer la sortie" }).first().click();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("exitOn");
    const motifs = await apiGet<{ code: number; categoryLabel: string }[]>(page, "/api/v1/referentials/exit-motifs");
    await page.getByLabel("Motif de sortie").selectOption(String(motifs[0]?.code));
    expect(await page.getByTestId("exit-category").textContent()).toBe(`Catégorie : ${motifs[0]?.categoryLabel}`);
    // Recording it confirms what was written, as the API now returns it.
    const { today } = await apiGet<{ today: string }>(page, "/api/v1/referentials/calendar");
    await page.getByLabel("Date de sortie").fill(today.split("-").reverse().join("/"));
    await page.getByRole("button", { name: "Enregistrer la sortie" }).last().click();
    // The refreshed page shows the exit and keeps the confirmation.
    await page.getByTestId("exit-recorded").waitFor({ timeout: 30_000 });
    await page.getByText("Sortie enregistrée").waitFor();
    const person = await apiGet<{ recruitments: { exit: { exitOn: string; motifLabel: string; categoryLabel: string } | null }[] }>(
      page,
      `/api/v1/persons/${running?.id}`,
    );
    const exit = person.recruitments.map((r) => r.exit).find((e) => e?.exitOn === today);
    expect(exit, "sortie enregistrée par l'API").toBeDefined();
    await page
      .getByText(`Sortie du ${today.split("-").reverse().join("/")} : ${exit?.motifLabel} (catégorie : ${exit?.categoryLabel}).`)
      .waitFor();

    // Declaration, keyboard only: the first Tab stop is the skip link, Enter jumps to the content,
    // Tab reaches the first hours field, typing then Enter validates the grid.
    await page.goto(`/structures/${structureId}/declaration?mois=2019-12`);
    await page.getByTestId("grid-totals").first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.title()).toBe("Déclaration mensuelle — Passerelle");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Contenu");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("contenu");
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => document.activeElement?.getAttribute("inputmode") === "decimal")) break;
    }
    const gridId = await page.evaluate(() => document.activeElement?.closest("form")?.dataset.testid ?? null);
    expect(gridId).toMatch(/^grid-/);
    // A wrong figure is reported as you type; Enter from another line brings the focus back to it.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("12,345");
    await page.getByText("Nombre d'heures attendu, 2 décimales au plus (ex. 151,67).").first().waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe("12,345");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("120,5");
    await page.keyboard.press("Enter");
    const confirmation = page.getByTestId("declaration-confirmation");
    await confirmation.waitFor({ timeout: 60_000 });
    // What the confirmation says was written equals what the API now returns.
    const grid = await apiGet<{
      annexes: { number: string; declaredHours: number; declaredEtp: number; lines: { declaredHours: number | null }[] }[];
    }>(page, `/api/v1/structures/${structureId}/declarations?month=2019-12`);
    const annex = grid.annexes.find((a) => `grid-${a.number}` === gridId);
    expect(annex?.lines[0]?.declaredHours).toBe(120.5);
    const fr = (n: number | undefined) =>
      new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n ?? Number.NaN);
    expect(await page.getByTestId("confirmed-hours").textContent()).toBe(`${fr(annex?.declaredHours)} h`);
    expect(await page.getByTestId("confirmed-etp").textContent()).toBe(`${fr(annex?.declaredEtp)} ETP`);
    await expectAccessible(page, "déclaration validée");
    await context.close();
  });
});
