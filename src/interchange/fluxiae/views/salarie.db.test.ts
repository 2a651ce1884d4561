// Salarie rows are written by batches: rows of one batch must behave as if imported one by one
// (same human under two ASP ids, a person repeated then changed, a NIR already someone else's).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fictitiousNir } from "../../../demo/fictitiousNir.js";
import { testCipher } from "../../../security/personalData.js";
import { tempDir, viewText } from "../../../../test/interchange/fluxiae/support.js";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/testDb.js";
import { importFluxIae } from "../index.js";

const NIR_A = fictitiousNir(1, "1985-03-15", 1);
const NIR_B = fictitiousNir(2, "1990-11-02", 2);
const COLUMNS = ["salarie_id", "salarie_rci_libelle", "salarie_nom_usage", "salarie_prenom", "salarie_date_naissance", "salarie_nir"];

describe("Salarie view, rows resolved in file order within a batch", () => {
  let t: TestDatabase;
  const tmp = tempDir();
  const pii = testCipher();
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.destroy();
    tmp.remove();
  });

  it("links a NIR seen twice to one person, applies a later row to a person created earlier, rejects a NIR owned by another person", async () => {
    const file = tmp.write(
      "fluxIAE_Salarie_07022022_063004.csv",
      viewText("Salarie", COLUMNS, [
        ["601", "M.", "DURAND", "Paul", "15/03/1985", NIR_A],
        ["602", "M.", "DURAND", "Paul", "15/03/1985", NIR_A],
        ["603", "MME", "MARTIN", "Julie", "02/11/1990", NIR_B],
        ["603", "MME", "MARTIN", "Julia", "02/11/1990", NIR_B],
        ["601", "M.", "DURAND", "Paul", "15/03/1985", NIR_B],
      ]),
    );
    const report = await importFluxIae(t.handle, file, { pii });
    expect(report.rejections).toEqual([
      {
        file: "fluxIAE_Salarie_07022022_063004.csv",
        line: 7,
        column: "salarie_nir",
        reason: "salarié 601 : ce NIR est déjà celui d'une autre personne",
      },
    ]);
    expect({ inserted: report.inserted, updated: report.updated, unchanged: report.unchanged }).toEqual({
      inserted: 2,
      updated: 1,
      unchanged: 1,
    });
    expect(report.views.map((v) => [v.view, v.rows])).toEqual([["Salarie", 5]]);

    const people = await t.handle.db.selectFrom("person").select(["id", "first_name", "nir_hash"]).orderBy("id").execute();
    expect(people.map((p) => [p.first_name, p.nir_hash])).toEqual([
      ["Paul", pii.hash("nir", NIR_A)],
      ["Julia", pii.hash("nir", NIR_B)],
    ]);
    const links = await sql<{
      asp_pph_id: string;
      person_id: string;
    }>`SELECT asp_pph_id, person_id FROM asp_person ORDER BY asp_pph_id`.execute(t.handle.db);
    expect(links.rows.map((l) => [Number(l.asp_pph_id), Number(l.person_id)])).toEqual([
      [601, people[0]?.id],
      [602, people[0]?.id],
      [603, people[1]?.id],
    ]);
    const audit = await sql<{ entity_id: string }>`SELECT entity_id FROM audit_event WHERE action = 'person.import' ORDER BY id`.execute(
      t.handle.db,
    );
    expect(audit.rows.map((a) => Number(a.entity_id))).toEqual([people[0]?.id, people[1]?.id, people[1]?.id]);

    // New people after this import take the next ids of the sequence.
    const next = await t.handle.db.insertInto("person").values({ last_name: "X" }).returning("id").executeTakeFirstOrThrow();
    expect(Number(next.id)).toBeGreaterThan(Number(people[1]?.id));
  });
});
