// Journey: a DDETS agent imports an ASP list with one bad line (progress, then the result and the
// rejection named by file/line/column), then opens the annual report: the preview's figures equal the
// API's indicators for the same département and year, and the PDF download is a PDF.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs, readmeScreenshot } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

const FIXTURE = path.resolve("test/e2e/fixtures/liste-asp-62-une-ligne-fausse.csv");
const digits = (text: string | null) => (text ?? "").replace(/\D/g, "");

describe.skipIf(!demoAvailable)("imports et rapport annuel", () => {
  const j = useJourney();

  it("imports an ASP list: progress, then the result and the rejected line", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.goto("/imports");
    await page.getByRole("heading", { level: 1, name: "Imports" }).waitFor();
    // The history is loaded: its table, or none yet (a DDETS reads only its département's imports).
    await page.getByTestId("import-history").or(page.getByText("Aucun import pour l'instant.")).waitFor({ timeout: 60_000 });
    await expectAccessible(page, "imports");
    // The progress block may only live a fraction of a second on a small file: record that it showed.
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress?: string };
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid="import-progress"]');
        if (p && !w.sawProgress) w.sawProgress = p.textContent ?? "";
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByLabel("Fichier à importer").setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Importer", exact: true }).click();
    const result = page.getByTestId("import-result");
    await result.waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => (window as unknown as { sawProgress?: string }).sawProgress)).toMatch(
      /Envoi du fichier|Import en cours|reçu : import en cours/,
    );
    expect(await result.textContent()).toContain("terminé avec 1 ligne rejetée");
    expect(await result.textContent()).toContain("4 lignes lues");
    const rejected = page.getByTestId("import-rejections").locator("tbody tr", { hasText: "Rejet" });
    await rejected.first().waitFor({ timeout: 30_000 });
    expect(await rejected.count()).toBe(1);
    const cells = await rejected.first().locator("td").allTextContents();
    expect(cells.slice(0, 3)).toEqual(["liste-asp-62-une-ligne-fausse.csv", "5", "SIRET"]);
    expect(cells[3]).toMatch(/SIRET/);
    // The history now lists the run, with the agent's name.
    await page.getByTestId("import-history").locator("tbody tr", { hasText: "liste-asp-62-une-ligne-fausse.csv" }).first().waitFor();
    await readmeScreenshot(page, "import", { fullPage: true });
    await expectAccessible(page, "résultat de l'import");
    await context.close();
  });

  it("previews the annual report with the API's figures and downloads the PDF", { timeout: 600_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.goto("/rapport?departement=62&annee=2019");
    await page.getByRole("heading", { level: 1, name: "Rapport annuel" }).waitFor();
    const frame = page.frameLocator('[data-testid="report-preview"]');
    const tile = (label: string) => frame.locator(".tile", { hasText: label }).locator(".value");
    // The report over the whole demo département takes a while on PGlite.
    await tile("Structures conventionnées").waitFor({ timeout: 300_000 });
    const api = await apiGet<{ structures: { total: number }; people: { entered: number } }>(
      page,
      "/api/v1/indicators?scope=departement:62&year=2019",
    );
    expect(digits(await tile("Structures conventionnées").textContent())).toBe(String(api.structures.total));
    expect(digits(await tile("Salariés entrés").textContent())).toBe(String(api.people.entered));
    await readmeScreenshot(page, "rapport-annuel");
    await expectAccessible(page, "rapport annuel");
    const href = await page.getByTestId("report-pdf").getAttribute("href");
    expect(href).toContain("format=pdf");
    const pdf = await page.request.get(href ?? "", { timeout: 300_000 });
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toContain("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await context.close();
  });
});
