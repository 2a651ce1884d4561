// Journey: login form (validation as you type, French messages, keyboard), then a DDETS agent logs in
// and lands on the dashboard of the Pas-de-Calais.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, DEMO_PASSWORD, expectAccessible, loginAs, newPage } from "./support/browser.js";
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
    await expectAccessible(page, "connexion");
    await context.close();
  });

  it.skipIf(!demoAvailable)("logs a DDETS agent in and shows the dashboard of the département", async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.waitForURL("**/tableau-de-bord**");
    await page.getByRole("heading", { level: 1, name: "Tableau de bord" }).waitFor();
    await page.getByTestId("kpi-structures-value").waitFor();
    await expectAccessible(page, "tableau de bord");
    await context.close();
  });

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
