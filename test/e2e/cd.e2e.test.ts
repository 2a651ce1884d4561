// Journeys of issue 7 on the demo data:
//  - conseil départemental (cd62): lands on the RSA page of its département; the tiles and the table equal
//    GET /api/v1/departements/62/rsa; axe clean; README screenshot departement-rsa.png (SCREENSHOTS=1).
//  - SIAE staff (aviee): the fiches salarié page shows the pre-send errors per salarié and field (or
//    "aucune erreur"), the export runs as a job (progress, then the RIAE_FS file to download); the incomplete fiche is completed in its form
//    and becomes ready to send; axe clean; README screenshot fiches-salarie.png.
import { describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/connection.js";
import { fixedClock } from "../../src/domain/calendar/clock.js";
import { fictitiousNir } from "../../src/demo/fictitiousNir.js";
import { completeFicheSalarie } from "../../src/interchange/fiche-salarie/completeFicheSalarie.js";
import { createEligibilityDiagnosis } from "../../src/operations/createEligibilityDiagnosis.js";
import { createFinancialAnnex } from "../../src/operations/createFinancialAnnex.js";
import { createPerson } from "../../src/operations/createPerson.js";
import { hire } from "../../src/operations/hire.js";
import { issueApproval } from "../../src/operations/issueApproval.js";
import type { OperationDeps } from "../../src/operations/types.js";
import type { Db } from "../../src/db/schema.js";
import { testCipher } from "../../src/security/personalData.js";
import type { DepartementRsa } from "../../src/contracts/departements.js";
import type { FichesValidation } from "../../src/contracts/fichesSalarie.js";
import { formatEtp, formatInt, formatRate } from "../../src/web/format.js";
import { ACCOUNTS, apiGet, expectAccessible, firstShown, loginAs, readmeScreenshot, watchShown } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";
import { COMPLETE_FICHE_FIELDS } from "../support/ficheSalarie.js";

/**
 * The demo's activity ends in 2019, before fiches salarié existed (hirings since 2021-09-27): the journey
 * first hires two salariés in 2022 through the write operations (as the SIAE would), one whose fiche is
 * completed and one left incomplete, so that the page has errors to show and a fiche to export.
 */
async function hireTwoIn2022(handle: DatabaseHandle, structureId: number): Promise<void> {
  const deps: OperationDeps = { clock: fixedClock("2022-03-15"), pii: testCipher(), actor: { userId: null, label: "e2e" } };
  const run = <T>(fn: (db: Db) => Promise<T>): Promise<T> => handle.withTransaction(({ db }) => fn(db));
  const s = await handle.db.selectFrom("structure").select("kind").where("id", "=", structureId).executeTakeFirstOrThrow();
  await run((db) => createFinancialAnnex(db, deps, { structureId, startsOn: "2022-01-01", endsOn: "2022-12-31", etp: "4" }));
  const people = [
    {
      nir: fictitiousNir(2, "1961-07-12", 8991),
      civility: "MME" as const,
      lastName: "Lefèvre-Dupont",
      firstName: "Zoé",
      birthDate: "1961-07-12",
      complete: true,
    },
    {
      nir: fictitiousNir(1, "1962-09-04", 8992),
      civility: "M" as const,
      lastName: "Martin",
      firstName: "Hugo",
      birthDate: "1962-09-04",
      complete: false,
    },
  ];
  for (const p of people) {
    const person = (
      await run((db) =>
        createPerson(db, deps, {
          nir: p.nir,
          civility: p.civility,
          lastName: p.lastName,
          firstName: p.firstName,
          birthDate: p.birthDate,
          birthCountryCode: "100",
          communeCode: "62178",
          postalCode: "62700",
          addressLine: "3 bis avenue de la Gare",
        }),
      )
    ).id;
    const d = await run((db) =>
      createEligibilityDiagnosis(db, deps, {
        personId: person,
        author: "prescriber",
        prescriberOrganization: "France Travail Bruay",
        kind: s.kind,
        madeOn: "2022-01-10",
      }),
    );
    const a = await run((db) => issueApproval(db, deps, { personId: person, diagnosisId: d.id, startsOn: "2022-02-01" }));
    const contract = (
      await run((db) =>
        hire(db, deps, {
          personId: person,
          structureId,
          approvalId: a.id,
          contractType: "CDDI",
          startsOn: "2022-02-01",
          plannedEndOn: "2022-07-31",
          weeklyHours: 26,
          rsa: "OUI-NM",
          orienteurCode: "03",
          educationLevelCode: "50",
        }),
      )
    ).id;
    if (p.complete)
      await run((db) =>
        completeFicheSalarie(db, deps, {
          contractId: contract,
          fields: { ...COMPLETE_FICHE_FIELDS },
        }),
      );
  }
}

const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

describe.skipIf(!demoAvailable)("conseil départemental et fiches salarié", () => {
  const j = useJourney();

  it("cd62 lands on the RSA page; figures on screen equal the API", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.cd);
    j.page = page;
    await page.waitForURL(/\/departement\/62\/rsa/);
    await page.getByTestId("rsa-present-value").waitFor({ timeout: 60_000 });
    const year = await page.getByLabel("Année").inputValue();
    const api = await apiGet<DepartementRsa>(page, `/api/v1/departements/62/rsa?year=${year}`);
    expect(api.people.presentRsa).toBeGreaterThan(0);
    expect(api.etp.cofinances).toBeGreaterThan(0);
    const tile = async (id: string) => norm(await page.getByTestId(`${id}-value`).textContent());
    expect(await tile("rsa-present")).toBe(norm(formatInt(api.people.presentRsa)));
    expect(await tile("rsa-share")).toBe(norm(formatRate(api.people.rsaShare)));
    expect(await tile("rsa-entered")).toBe(norm(formatInt(api.people.enteredRsa)));
    expect(await tile("rsa-etp-cd")).toBe(norm(formatEtp(api.etp.cofinances)));
    expect(await tile("rsa-dynamic")).toBe(norm(formatRate(api.exits.dynamicRate)));
    expect(await page.getByTestId("rsa-structures").locator("tbody tr").count()).toBe(api.structures.length);
    const first = api.structures[0];
    if (first) {
      const cells = page.getByTestId("rsa-structures").locator(`tr[data-structure-id="${first.id}"] td`);
      expect(norm(await cells.nth(2).textContent())).toBe(norm(formatInt(first.presentRsa)));
    }
    await expectAccessible(page, "RSA du département");
    await readmeScreenshot(page, "departement-rsa");
    // Changing the year keeps it in the URL.
    await page.getByLabel("Année").selectOption(String(Number(year) - 1));
    await page.waitForURL(new RegExp(`annee=${Number(year) - 1}`));
    await context.close();
  });

  it("aviee sees the fiches salarié errors per field (or none) and downloads the export", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    await hireTwoIn2022(j.app.handle, Number(structureId));
    await page.getByRole("link", { name: "Fiches salarié" }).first().click();
    await page.waitForURL(/\/structures\/\d+\/fiches-salarie/);
    await page.getByTestId("fiches-summary").waitFor({ timeout: 60_000 });
    const before = await apiGet<FichesValidation>(page, `/api/v1/structures/${structureId}/fiches-salarie/validation`);
    expect(norm(await page.getByTestId("fiches-invalid").textContent())).toBe(norm(formatInt(before.invalid.length)));
    expect(norm(await page.getByTestId("fiches-valid").textContent())).toBe(norm(formatInt(before.valid)));
    expect(before.invalid.map((f) => f.salarie)).toEqual(["Martin Hugo"]);
    if (before.invalid.length === 0) await page.getByText("Aucune erreur").waitFor();
    else {
      const errors = before.invalid.reduce((n, f) => n + f.errors.length, 0);
      expect(await page.getByTestId("fiches-errors").locator("tbody tr").count()).toBe(errors);
      const e = before.invalid[0]?.errors[0];
      if (e) await page.getByTestId("fiches-errors").getByText(e.message).first().waitFor();
    }
    await expectAccessible(page, "fiches salarié");
    await readmeScreenshot(page, "fiches-salarie");
    expect(before.valid, "the demo structure has fiches ready to send").toBeGreaterThan(0);
    // The export runs in the job queue: progress, then the link to the file.
    await watchShown(page, "fiches-export-progress");
    await page.getByTestId("fiches-export").click();
    const done = page.getByTestId("fiches-export-done");
    await done.waitFor({ timeout: 60_000 });
    expect(await firstShown(page, "fiches-export-progress")).toMatch(/Lancement de la tâche|Fiches salarié à envoyer/);
    expect(await done.textContent()).toContain(`${formatInt(before.valid)} fiche(s) exportée(s)`);
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60_000 }),
      done.getByRole("link", { name: /Télécharger RIAE_FS_/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^RIAE_FS_\d{14}(\.json|_\d+-lots\.zip)$/);
    const after = await apiGet<FichesValidation>(page, `/api/v1/structures/${structureId}/fiches-salarie/validation`);
    expect(after.valid).toBe(0);
    expect(after.awaitingReturn).toBeGreaterThanOrEqual(before.valid);
    await expectAccessible(page, "fiches salarié après export");

    // The fiche left incomplete is completed in the form, field by field as the ASP asks, then is ready to send.
    const incomplete = before.invalid[0];
    if (!incomplete) throw new Error("the journey hires one salarié whose fiche is incomplete");
    await page.getByTestId(`fiche-complete-${incomplete.contractId}`).click();
    await page.getByTestId("fiche-complement-form").waitFor({ timeout: 60_000 });
    for (const [name, value] of Object.entries(COMPLETE_FICHE_FIELDS)) {
      const field = page.locator(`#fc-${name}`);
      if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(String(value));
      else await field.fill(String(value));
    }
    await expectAccessible(page, "complément de la fiche salarié");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByTestId("fiche-complement-saved").waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "Retour au contrôle des fiches salarié" }).click();
    await page.getByTestId("fiches-summary").waitFor({ timeout: 60_000 });
    const completed = await apiGet<FichesValidation>(page, `/api/v1/structures/${structureId}/fiches-salarie/validation`);
    expect(completed).toMatchObject({ valid: 1, invalid: [] });
    expect(norm(await page.getByTestId("fiches-valid").textContent())).toBe(norm(formatInt(1)));
    await context.close();
  });
});
