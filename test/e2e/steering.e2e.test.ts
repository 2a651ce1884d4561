// In-year steering journeys on the demo data:
//  - DDETS 62: "Pilotage" in the menu opens its département's envelope; at 30 June 2019 the tiles and the table
//    equal GET /api/v1/steering/departements/62/envelope; changing the date keeps it in the URL; axe clean.
//  - DDETS 62: a redeployment typed in the what-if, recomputed, accepted: the draft AF versions (M+1, SAISI) have
//    the amounts the domain computes (afTotal of their ETP, unit amount and months) and the screen shows them.
//  - DGEFP: chooses a département on /pilotage.
import { describe, expect, it } from "vitest";
import type { AnnexDetail } from "../../src/contracts/annexes.js";
import type { Envelope, Redeployment } from "../../src/contracts/steering.js";
import { monthsCovered } from "../../src/domain/calendar/isoDate.js";
import { afTotal } from "../../src/domain/conventions/amounts.js";
import { formatEtp, formatEuros, formatRate } from "../../src/web/format.js";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

describe.skipIf(!demoAvailable)("pilotage de l'enveloppe", () => {
  const j = useJourney();

  it("the DDETS sees its département's forecast; figures on screen equal the API", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.getByRole("link", { name: "Pilotage" }).first().click();
    await page.waitForURL(/\/departement\/62\/pilotage/);
    await page.getByTestId("env-projected-value").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "pilotage (défaut)");
    await page.goto(`${j.app.baseUrl}/departement/62/pilotage?annee=2019&date=2019-06-30`);
    await page.getByText("Situation au 30/06/2019").waitFor({ timeout: 60_000 });
    const api = await apiGet<Envelope>(page, "/api/v1/steering/departements/62/envelope?year=2019&at=2019-06-30");
    expect(api.etp.realisesToDate).toBeGreaterThan(0);
    const tile = async (id: string) => norm(await page.getByTestId(`${id}-value`).textContent());
    expect(await tile("env-conventionnes")).toBe(norm(formatEtp(api.etp.conventionnes)));
    expect(await tile("env-realises")).toBe(norm(formatEtp(api.etp.realisesToDate)));
    expect(await tile("env-projected")).toBe(norm(formatEtp(api.etp.projectedYearEnd)));
    expect(await tile("env-rate")).toBe(norm(formatRate(api.etp.projectedRate)));
    expect(await tile("env-paid")).toBe(norm(formatEuros(api.budget.paidToDate)));
    expect(await tile("env-unused")).toBe(norm(formatEuros(api.budget.projectedUnused)));
    expect(await page.getByTestId("envelope-structures").locator("tbody tr").count()).toBe(api.structures.length);
    // The funding lines: one row each, the API's amounts in French format.
    expect(api.fundingLines.length).toBeGreaterThan(0);
    expect(await page.getByTestId("envelope-funding-lines").locator("tbody tr").count()).toBe(api.fundingLines.length);
    for (const l of api.fundingLines) {
      const cells = page.getByTestId("envelope-funding-lines").locator(`tr[data-funding-line="${l.code}"] td`);
      expect(norm(await cells.nth(0).textContent())).toBe(norm(l.label));
      expect(norm(await cells.nth(1).textContent())).toBe(norm(formatEuros(l.conventionne)));
      expect(norm(await cells.nth(3).textContent())).toBe(norm(formatEuros(l.projectedYearEnd)));
    }
    // Each structure's aide au poste, and its split by funding line (the lines with an amount).
    const split = api.structures.find((s) => s.fundingLines.filter((l) => l.conventionne !== 0).length >= 2) ?? api.structures[0];
    if (!split) throw new Error("no structure in the envelope");
    const funding = page
      .getByTestId("envelope-structures")
      .locator(`tr[data-structure-id="${split.structureId}"] [data-testid="structure-funding"]`);
    expect(norm(await funding.textContent())).toContain(norm(formatEuros(split.conventionne)));
    for (const l of split.fundingLines.filter((x) => x.conventionne !== 0))
      expect(norm(await funding.locator(`[data-funding-line="${l.code}"]`).textContent())).toBe(
        norm(`${l.label} : ${formatEuros(l.conventionne)}`),
      );
    expect(await funding.locator("[data-funding-line]").count()).toBe(split.fundingLines.filter((x) => x.conventionne !== 0).length);
    const flagged = api.structures.find((s) => s.alert !== null);
    if (flagged) {
      const row = page.getByTestId("envelope-structures").locator(`tr[data-structure-id="${flagged.structureId}"]`);
      expect(norm(await row.locator("td").nth(5).textContent())).toBe(norm(formatRate(flagged.projectedRate)));
      await row.getByText(flagged.alert === "under" ? "Sous 90 %" : "Au-dessus de 105 %").waitFor();
    }
    await expectAccessible(page, "pilotage au 30 juin 2019");
    // Another date: recomputed, kept in the URL.
    await page.getByLabel("Situation au").fill("30/09/2019");
    await page.getByRole("button", { name: "Recalculer", exact: true }).click();
    await page.waitForURL(/date=2019-09-30/);
    await page.getByText("Situation au 30/09/2019").waitFor({ timeout: 60_000 });
    await context.close();
  });

  it("the DDETS accepts a redeployment: draft AF versions whose amounts the domain recomputes", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.ddets);
    j.page = page;
    await page.goto(`${j.app.baseUrl}/departement/62/pilotage?annee=2019&date=2019-06-30`);
    await page.getByRole("heading", { name: "Redéploiement d'ETP entre structures" }).waitFor({ timeout: 60_000 });
    const base = await apiGet<Redeployment>(page, "/api/v1/steering/departements/62/redeployment?year=2019&at=2019-06-30");
    // Two ACI of the envelope, the donor with room above what it realised so far.
    const aci = base.structures.filter((s) => base.names.find((n) => n.structureId === s.structureId)?.kind === "ACI");
    const donor = aci.find((s) => Number(s.etpBefore) >= 5);
    const receiver = aci.find((s) => s.structureId !== donor?.structureId);
    if (!donor || !receiver) throw new Error("the demo has no two ACI with one AF in 2019");
    // Start from the agent's own move: drop the proposed ones, add one.
    for (let i = base.proposed.length; i >= 1; i--) await page.getByRole("button", { name: `Retirer le mouvement ${i}` }).click();
    await page.getByRole("button", { name: "Ajouter un mouvement" }).click();
    await page.getByLabel("Structure qui cède (mouvement 1)").selectOption(String(donor.structureId));
    await page.getByLabel("Structure qui reçoit (mouvement 1)").selectOption(String(receiver.structureId));
    await page.getByLabel("ETP cédés (mouvement 1)").fill("1,50");
    await page.getByRole("button", { name: "Recalculer l'effet" }).click();
    await page.getByText("Effet des mouvements saisis").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("redeployment-effect").locator("tbody tr").count()).toBe(2);
    await expectAccessible(page, "redéploiement (effet)");
    await page.getByRole("button", { name: "Accepter ces mouvements" }).click();
    await page.getByRole("button", { name: "Créer les avenants en brouillon" }).click();
    await page.getByTestId("redeployment-drafts").waitFor({ timeout: 60_000 });
    const items = page.getByTestId("redeployment-drafts").locator("li");
    expect(await items.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      const structureId = await items.nth(i).getAttribute("data-structure-id");
      const annexId = await items.nth(i).getAttribute("data-annex-id");
      const annex = await apiGet<AnnexDetail>(page, `/api/v1/structures/${structureId}/annexes/${annexId}`);
      expect(annex.state).toBe("SAISI");
      const before = base.structures.find((s) => String(s.structureId) === structureId);
      expect(Number(annex.etp)).toBe(Number(before?.etpBefore) + (structureId === String(donor.structureId) ? -1.5 : 1.5));
      const expected = afTotal(annex.etp, annex.unitAmount ?? "0", monthsCovered(annex.startsOn, annex.endsOn)).toFixed(2);
      expect(annex.totalAmount).toBe(expected);
      expect(norm(await items.nth(i).getByTestId("draft-total").textContent())).toBe(norm(formatEuros(expected)));
      // The version in force is untouched: the draft sits above it.
      expect(annex.versions.some((v) => v.state === "VALIDE" || v.state === "PROVISOIRE" || v.state === "CLOTURE")).toBe(true);
    }
    await expectAccessible(page, "redéploiement accepté");
    await context.close();
  });

  it("a SIAE sees its own realisation and projection, nothing of another structure", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    const id = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    await page.getByRole("link", { name: "Réalisation" }).first().click();
    await page.waitForURL(new RegExp(`/structures/${id}/pilotage`));
    await page.getByTestId("env-projected-value").waitFor({ timeout: 60_000 });
    const year = await page.getByLabel("Année").inputValue();
    const at = await page.getByTestId("envelope-tiles").evaluate(() => new URLSearchParams(window.location.search).get("date"));
    const api = await apiGet<Envelope>(page, `/api/v1/steering/structures/${id}/envelope?year=${year}${at ? `&at=${at}` : ""}`);
    expect(api.structures.map((s) => String(s.structureId))).toEqual([id]);
    expect(norm(await page.getByTestId("env-projected-value").textContent())).toBe(norm(formatEtp(api.etp.projectedYearEnd)));
    expect(await page.getByTestId("envelope-structures").locator("tbody tr").count()).toBe(1);
    await expectAccessible(page, "réalisation de la SIAE");
    const other = await page.request.get(`${j.app.baseUrl}/api/v1/steering/departements/62/envelope?year=${year}`);
    expect(other.status()).toBe(403);
    await context.close();
  });

  it("the DGEFP chooses a département", { timeout: 300_000 }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.dgefp);
    j.page = page;
    await page.goto(`${j.app.baseUrl}/pilotage`);
    await page.getByLabel("Département (code INSEE, ex. 62)").fill("62");
    await page.getByRole("button", { name: "Afficher l'enveloppe" }).click();
    await page.waitForURL(/\/departement\/62\/pilotage/);
    await page.getByTestId("env-projected-value").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "pilotage DGEFP");
    await context.close();
  });
});
