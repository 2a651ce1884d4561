// Journey: a DDETS agent imports an ASP list with one bad line (progress, then the result and the
// rejection named by file/line/column), then opens the annual report: the preview's figures equal the
// API's indicators for the same département and year; the PDF, produced by the job queue, shows its
// progress then a link, and the file downloaded is a PDF.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, firstShown, loginAs, readmeScreenshot, watchShown } from "./support/browser.js";
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
    await watchShown(page, "import-progress");
    await page.getByLabel("Fichier à importer").setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Importer", exact: true }).click();
    const result = page.getByTestId("import-result");
    await result.waitFor({ timeout: 120_000 });
    expect(await firstShown(page, "import-progress")).toMatch(/Envoi du fichier|Import en cours|reçu : import en cours/);
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
    // The PDF is produced by the job queue: progress, then the link to the file.
    await watchShown(page, "report-file-progress");
    await page.getByTestId("report-pdf").click();
    const done = page.getByTestId("report-file-done");
    await done.waitFor({ timeout: 300_000 });
    expect(await firstShown(page, "report-file-progress")).toMatch(/Lancement de la tâche|Rapport annuel 2019 — département 62 \(PDF\)/);
    await expectAccessible(page, "rapport annuel prêt à télécharger");
    const link = done.getByRole("link", { name: /Télécharger rapport/ });
    expect(await link.getAttribute("href")).toMatch(/^\/api\/v1\/jobs\/[0-9a-f-]{36}\/result$/);
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = await readFile((await download.path()) ?? "");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await context.close();
  });
});
