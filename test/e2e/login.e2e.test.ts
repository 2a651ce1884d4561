// Journey: login form (validation as you type, French messages, keyboard), then a DDETS agent logs in
// and lands on the dashboard of the Pas-de-Calais.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, DEMO_PASSWORD, expectAccessible, newPage, readmeScreenshot } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

describe("connexion", () => {
  const j = useJourney();

  it("validates the form as you type, in French, and is accessible", async () => {
    const { context, page } = await newPage(j.browser, j.app.baseUrl);
    j.page = page;
    await page.goto("/");
    await page.waitForURL("**/connexion");
    await expect.poll(() => page.title()).toContain("Passerelle");
    await page.getByRole("heading", { name: "Connexion à Passerelle" }).waitFor();
    const email = page.getByLabel("Adresse électronique");
    await email.fill("agent");
    await page.getByText("Format attendu : nom@domaine.fr").waitFor();
    await email.fill("agent@ddets.gouv.fr");
    expect(await page.getByText("Format attendu : nom@domaine.fr").count()).toBe(0);
    // Keyboard: Tab from the e-mail field reaches the password field, Enter submits.
    await email.focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("password");
    await page.keyboard.press("Enter");
    await page.getByText("Saisissez votre mot de passe.").waitFor();
    // Submitting with a wrong e-mail brings the focus back to it.
    await email.fill("agent");
    await page.getByLabel("Mot de passe").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("email");
    await expectAccessible(page, "connexion");
    await context.close();
  });

  it.skipIf(!demoAvailable)(
    "logs a DDETS agent in with the keyboard only and shows the dashboard of the département",
    { timeout: 600_000 },
    async () => {
      const { context, page } = await newPage(j.browser, j.app.baseUrl);
      j.page = page;
      await page.goto("/connexion");
      await page.getByRole("heading", { name: "Connexion à Passerelle" }).waitFor();
      // Keyboard only: skip link first, Enter jumps to the content, then e-mail, password, Enter.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Contenu");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("contenu");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe("email");
      await page.keyboard.type(ACCOUNTS.ddets);
      await page.keyboard.press("Tab");
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.waitForURL("**/tableau-de-bord**");
      await page.getByRole("heading", { level: 1, name: "Tableau de bord" }).waitFor({ timeout: 60_000 });
      // Indicators over the whole demo département are slow on PGlite: generous wait.
      const tile = page.getByTestId("kpi-structures-value");
      await tile.waitFor({ timeout: 240_000 });
      const api = await apiGet<{ structures: { total: number } }>(page, "/api/v1/indicators?scope=departement:62&year=2019");
      expect(await tile.textContent()).toBe(new Intl.NumberFormat("fr-FR").format(api.structures.total));
      // A tile's definition shows on hover and on keyboard focus (DSFR tooltip).
      const definition = page.getByTestId("kpi-structures-definition");
      const tooltip = page.locator(`[id="${await definition.getAttribute("aria-describedby")}"]`);
      await definition.hover();
      await expect.poll(() => tooltip.getAttribute("class")).toContain("fr-tooltip--shown");
      await page.mouse.move(0, 0);
      await expect.poll(() => tooltip.getAttribute("class")).not.toContain("fr-tooltip--shown");
      await definition.focus();
      await expect.poll(() => tooltip.getAttribute("class")).toContain("fr-tooltip--shown");
      expect(await tooltip.textContent()).toContain("structure");
      await page.getByTestId("structures-table").waitFor({ timeout: 240_000 });
      await readmeScreenshot(page, "tableau-de-bord");
      await expectAccessible(page, "tableau de bord");
      // The URL carries the scope and year once chosen: shareable.
      await page.getByLabel("Année").selectOption("2018");
      await page.waitForURL(/scope=departement%3A62.*year=2018|year=2018.*scope=departement%3A62/);
      await context.close();
    },
  );

  it.skipIf(!demoAvailable)("refuses a wrong password with a French message", async () => {
    const { context, page } = await newPage(j.browser, j.app.baseUrl);
    j.page = page;
    await page.goto("/connexion");
    await page.getByLabel("Adresse électronique").fill(ACCOUNTS.ddets);
    await page.getByLabel("Mot de passe").fill(`${DEMO_PASSWORD}-faux`);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByText("Connexion impossible").waitFor();
    await context.close();
  });
});
