// Chromium through playwright-core (Debian's /usr/bin/chromium), one logged-in context per role,
// accessibility check with axe-core, screenshots on failure into test-results/e2e/.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

const require = createRequire(import.meta.url);
export const SCREENSHOT_DIR = path.resolve("test-results/e2e");
export const DEMO_PASSWORD = process.env.PASSERELLE_DEMO_PASSWORD ?? "passerelle-demo";

export const ACCOUNTS = {
  ddets: "ddets62@demo.passerelle.test",
  siae: "aviee@demo.passerelle.test",
  cd: "cd62@demo.passerelle.test",
  dgefp: "dgefp@demo.passerelle.test",
} as const;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // French browser UI: date inputs read JJ/MM/AAAA and the file picker speaks French, as for users.
      "--lang=fr-FR",
    ],
    env: { ...process.env, LANG: "fr_FR.UTF-8", LANGUAGE: "fr" },
  });
}

export async function newPage(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP: the app's CSP (script-src 'self') would block the injected axe-core script.
  const context = await browser.newContext({ baseURL: baseUrl, locale: "fr-FR", viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Logs in through the login form and returns the page on the role's home screen. */
export async function loginAs(browser: Browser, baseUrl: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newPage(browser, baseUrl);
  await page.goto("/connexion");
  await page.getByLabel("Adresse électronique").fill(email);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
  return { context, page };
}

/** Runs axe-core in the page; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.addScriptTag({ path: require.resolve("axe-core") });
  }
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script (library boundary)
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes
            .map((n) => n.target.join(" "))
            .slice(0, 3)
            .join(", ")}`,
      );
  });
  expect(violations, `accessibilité (${label})`).toEqual([]);
}

export async function screenshotOnFailure(page: Page | undefined, testName: string, failed: boolean): Promise<void> {
  if (!failed || !page) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const name = testName.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 120);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true }).catch(() => undefined);
}

/**
 * Screenshot for the README (docs/screenshots/<name>.png), written only when SCREENSHOTS=1
 * (`npm run screenshots`), so that an ordinary test run leaves the working tree untouched.
 */
export async function readmeScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
  mkdirSync("docs/screenshots", { recursive: true });
  await page.screenshot({ path: path.join("docs/screenshots", `${name}.png`), fullPage: options.fullPage ?? false });
}

/** Reads a JSON API response with the page's cookies (the figures the screen must show). */
export async function apiGet<T>(page: Page, url: string): Promise<T> {
  const response = await page.request.get(url);
  if (!response.ok()) throw new Error(`${url} → ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Records the first text the element `testId` shows from now on (a job's progress block may live only a
 * fraction of a second); read it with `firstShown`.
 */
export async function watchShown(page: Page, testId: string): Promise<void> {
  await page.evaluate((id) => {
    const w = window as unknown as { shown?: Record<string, string> };
    w.shown = w.shown ?? {};
    const seen = w.shown;
    new MutationObserver(() => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el && seen[id] === undefined) seen[id] = el.textContent ?? "";
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, testId);
}

export async function firstShown(page: Page, testId: string): Promise<string | undefined> {
  return page.evaluate((id) => (window as unknown as { shown?: Record<string, string> }).shown?.[id], testId);
}
