// Journey: the follow-up after exit on the demo (as of 15 January 2020). AVIEE sees on its home page the
// situations to enter this month (6 or 12 months after an exit), opens the work list, enters one situation;
// the count goes down on the list and on the home page; a CSV with a bad line writes nothing and names the
// file, line and field; a good one is written. Both pages axe-clean.
import { describe, expect, it } from "vitest";
import { ACCOUNTS, apiGet, expectAccessible, loginAs } from "./support/browser.js";
import { demoAvailable, useJourney } from "./support/journey.js";

interface Month {
  followUps: { month: string; due: number; toEnter: number };
}
interface WorkList {
  month: string;
  due: number;
  toEnter: number;
  items: { exitId: number; horizon: number; situation: string | null }[];
}
const fr = (n: number) => new Intl.NumberFormat("fr-FR").format(n);
const norm = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();
const toEnterText = (n: number) => `${fr(n)} situation${n > 1 ? "s" : ""} à renseigner`;

describe.skipIf(!demoAvailable)("SIAE: follow-up after exit", () => {
  const j = useJourney();

  it("aviee sees the follow-ups due on its home page, opens the list, enters a situation, the count goes down", {
    timeout: 600_000,
  }, async () => {
    const { context, page } = await loginAs(j.browser, j.app.baseUrl, ACCOUNTS.siae);
    j.page = page;
    await page.waitForURL(/\/structures\/\d+\/accueil$/);
    const structureId = /\/structures\/(\d+)\//.exec(page.url())?.[1];
    const m = await apiGet<Month>(page, `/api/v1/structures/${structureId}/month`);
    expect(m.followUps.month).toBe("2020-01");
    expect(m.followUps.toEnter).toBeGreaterThan(0);
    await page.getByTestId("todo-follow-ups").waitFor({ timeout: 60_000 });
    expect(norm(await page.getByTestId("todo-follow-ups-count").textContent())).toBe(toEnterText(m.followUps.toEnter));

    await page.getByTestId("todo-follow-ups-link").click();
    await page.waitForURL(/\/structures\/\d+\/suivi$/);
    await page.getByTestId("follow-up-table").waitFor({ timeout: 60_000 });
    const list = await apiGet<WorkList>(page, `/api/v1/structures/${structureId}/follow-ups`);
    expect(list.toEnter).toBe(m.followUps.toEnter);
    expect(norm(await page.getByTestId("follow-up-to-enter").textContent())).toBe(toEnterText(list.toEnter));
    await page.getByTestId("follow-up-rates").waitFor({ timeout: 60_000 });
    await expectAccessible(page, "suivi après sortie");

    // The first line to enter: a CDI.
    const item = list.items.find((i) => i.situation === null);
    if (!item) throw new Error("no follow-up to enter");
    const row = page.getByTestId(`follow-up-row-${item.exitId}-${item.horizon}`);
    await row.locator("select").selectOption("CDI");
    await row.getByRole("button", { name: "Enregistrer" }).click();
    await expect
      .poll(() => page.getByTestId("follow-up-to-enter").textContent(), { timeout: 30_000 })
      .toContain(toEnterText(list.toEnter - 1));
    await row.getByText("Renseignée").waitFor({ timeout: 30_000 });

    // A CSV with a bad line: nothing written, the error names the file, the line and the field.
    const next = list.items.find((i) => i.situation === null && i !== item);
    if (!next) throw new Error("the demo leaves AVIEE at least two follow-ups to enter in January 2020");
    const upload = async (name: string, text: string) => {
      await page.getByLabel("Fichier de suivi").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
      await page.getByRole("button", { name: "Importer" }).click();
    };
    await upload(
      "suivi.csv",
      `sortie;horizon;situation\n${next.exitId};${next.horizon};FORMATION\n${next.exitId};${next.horizon === 6 ? 12 : 6};PARTI\n`,
    );
    await page
      .getByTestId("follow-up-import-errors")
      .getByText("suivi.csv, ligne 3, champ « situation »", { exact: false })
      .waitFor({ timeout: 30_000 });
    expect(norm(await page.getByTestId("follow-up-to-enter").textContent())).toBe(toEnterText(list.toEnter - 1));
    await upload("suivi-ok.csv", `sortie;horizon;situation\n${next.exitId};${next.horizon};FORMATION\n`);
    await expect
      .poll(() => page.getByTestId("follow-up-to-enter").textContent(), { timeout: 30_000 })
      .toContain(toEnterText(list.toEnter - 2));
    await expectAccessible(page, "suivi après sortie, après import");

    // Back home: two fewer.
    await page.getByRole("link", { name: "Accueil", exact: true }).click();
    await page.waitForURL(/\/accueil$/);
    const after = await apiGet<Month>(page, `/api/v1/structures/${structureId}/month`);
    expect(after.followUps.toEnter).toBe(m.followUps.toEnter - 2);
    await expect
      .poll(async () => norm(await page.getByTestId("todo-follow-ups").textContent()), { timeout: 30_000 })
      .toContain(toEnterText(after.followUps.toEnter));
    await expectAccessible(page, "accueil SIAE après un suivi");
    await context.close();
  });
});
