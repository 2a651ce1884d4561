// Journeys of the second factor and of an invitation link: an administrator's first login enrols an
// authenticator app from the login page (secret shown as text, first code, recovery codes once), the next
// login asks for a code; an invited person opens the e-mailed link and creates an account.
import { createHash } from "node:crypto";
import { generate } from "otplib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../src/security/passwords.js";
import { expectAccessible, launchBrowser, newPage } from "./support/browser.js";
import { type RunningApp, startApp } from "./support/server.js";

const PASSWORD = "Mot-de-passe-solide-2026";
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ demo: false });
  browser = await launchBrowser();
  await app.handle.db
    .insertInto("app_user")
    .values({
      email: "admin.2fa@exemple.gouv.fr",
      display_name: "Admin Deux Facteurs",
      role: "admin",
      password_hash: await hashPassword(PASSWORD),
    })
    .execute();
}, 20 * 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const codeNow = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) });

describe("second factor", () => {
  it("an administrator's first login enrols an authenticator app, then the login asks for its code", { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(browser, app.baseUrl);
    await page.goto("/connexion");
    await page.getByLabel("Adresse électronique").fill("admin.2fa@exemple.gouv.fr");
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByRole("heading", { name: "Activer la double authentification" }).waitFor();
    const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectAccessible(page, "enrôlement du second facteur");
    await page.getByLabel("Code de vérification").fill(await codeNow(secret));
    await page.getByRole("button", { name: "Valider" }).click();
    await page.getByRole("heading", { name: "Double authentification activée" }).waitFor();
    expect(await page.getByTestId("recovery-codes").locator("li").count()).toBe(10);
    await page.getByRole("button", { name: /continuer/ }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
    await context.close();

    // Next login, in a new browser: the code is asked for; a wrong one is refused in French.
    const again = await newPage(browser, app.baseUrl);
    await again.page.goto("/connexion");
    await again.page.getByLabel("Adresse électronique").fill("admin.2fa@exemple.gouv.fr");
    await again.page.getByLabel("Mot de passe").fill(PASSWORD);
    await again.page.getByRole("button", { name: "Se connecter" }).click();
    await again.page.getByRole("heading", { name: "Code de vérification" }).waitFor();
    await again.page.getByLabel("Code de vérification").fill("000000");
    await again.page.getByRole("button", { name: "Valider" }).click();
    await again.page.getByText("Le code de vérification est incorrect").waitFor();
    await expectAccessible(again.page, "code de vérification");
    await again.context.close();
  });
});

describe("invitation link", () => {
  it("the invited person opens the e-mailed link and creates the account", { timeout: 120_000 }, async () => {
    const token = "jeton-d-invitation-de-test-0123456789abcdef";
    const structure = await app.handle.db
      .insertInto("structure")
      .values({ kind: "ACI", asp_id: 990001, name: "Atelier de l'Invitation", departement_code: "62" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.handle.db
      .insertInto("invitation")
      .values({
        token_hash: createHash("sha256").update(token).digest("hex"),
        email: "invitee@exemple.fr",
        structure_id: structure.id,
        is_admin: true,
        expires_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    const { context, page } = await newPage(browser, app.baseUrl);
    await page.goto(`/invitation/${token}`);
    await page.getByRole("heading", { name: "Invitation à rejoindre « Atelier de l'Invitation »" }).waitFor();
    await expectAccessible(page, "invitation");
    await page.getByLabel("Nom affiché").fill("Personne Invitée");
    await page.getByLabel("Mot de passe").fill("un-mot-de-passe-assez-long");
    await page.getByRole("button", { name: "Créer mon compte et rejoindre la structure" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/invitation"));
    await page.getByText("Personne Invitée").first().waitFor();
    await context.close();
  });
});
