// No personal identifier in an error, a log, a rejection report or an audit row, tried as an auditor
// would: a FluxIAE Salarie view whose NIR has a wrong key (usually the real NIR with a typo) is uploaded;
// the NIR is looked for, in every spelling, in the upload's answer, the rejections page and its CSV and
// XLSX exports, the import_rejection table, the audit trail and the server's logs. Then the retention
// job purges the rejections of old imports.
import { Writable } from "node:stream";
import { strFromU8, unzipSync } from "fflate";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fictitiousNir } from "../../src/demo/fictitiousNir.js";
import { DomainRuleError, toResult } from "../../src/domain/errors.js";
import { checkNir, checkPassNumber, validateNtt } from "../../src/domain/identifiers/index.js";
import { testCipher } from "../../src/security/personalData.js";
import { runRetention } from "../../src/security/retention.js";
import type { App } from "../../src/server/context.js";
import { viewText } from "../interchange/fluxiae/support.js";
import { createTestDatabase, type TestDatabase } from "../support/testDb.js";
import { buildTestApp, type LoggedIn, login, seedWorld, type World } from "./support/fixture.js";

const VALID = fictitiousNir(1, "1985-03-15", 17);
/** The same NIR with its key off by one: what a typo gives. */
const WRONG_KEY = `${VALID.slice(0, 13)}${String((Number(VALID.slice(13)) % 97) + 1).padStart(2, "0")}`;
/** Every way the NIR could be written back: whole, spaced, or its 13-digit body. */
const spellings = (nir: string) => [
  nir,
  nir.slice(0, 13),
  `${nir.slice(0, 1)} ${nir.slice(1, 3)} ${nir.slice(3, 5)} ${nir.slice(5, 7)} ${nir.slice(7, 10)} ${nir.slice(10, 13)} ${nir.slice(13)}`,
];

let t: TestDatabase;
let app: App;
let world: World;
let logs = "";
const pii = testCipher();

beforeAll(async () => {
  t = await createTestDatabase();
  world = await seedWorld(t.handle.db, pii);
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
  app = await buildTestApp(t, pii, { config: { uploadLimit: 10_000_000 } }, { logger: { level: "trace", stream } });
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

function upload(who: LoggedIn, name: string, content: string) {
  const boundary = "----passerelle";
  const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return app.inject({
    method: "POST",
    url: "/api/v1/imports",
    headers: { ...who.headers, "content-type": `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe("domain errors never carry a personal identifier", () => {
  test("a NIR, NTT or PASS number refused by a rule is neither in the message nor in the error's fields", () => {
    const ntt = "1234567890ABC!";
    const pass = "99999123456";
    for (const [outcome, value] of [
      [checkNir(WRONG_KEY), WRONG_KEY],
      [toResult(() => validateNtt(ntt)), ntt],
      [checkPassNumber(pass), pass],
    ] as const) {
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error).toBeInstanceOf(DomainRuleError);
      const everything = `${outcome.error.message} ${JSON.stringify(outcome.error)} ${String(outcome.error.value)}`;
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(value.slice(0, 9));
    }
  });
});

describe("a FluxIAE NIR with a wrong key", () => {
  let admin: LoggedIn;
  let runId: number;
  beforeAll(async () => {
    admin = await login(app, world.users.admin.email);
  });

  test("is refused without ever being written back: upload answer, rejections page, CSV, XLSX, table, audit, logs", async () => {
    const file = viewText(
      "Salarie",
      ["salarie_id", "salarie_rci_libelle", "salarie_nom_usage", "salarie_prenom", "salarie_date_naissance", "salarie_nir"],
      [["7001", "M.", "DURAND", "Paul", "15/03/1985", WRONG_KEY]],
    );
    const res = await upload(admin, "fluxIAE_Salarie_07022022_063004.csv", file);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as { importRunId: number; warnings: { column: string | null; reason: string }[] };
    runId = report.importRunId;
    // The refusal is reported (column named, reason given), only without the value.
    expect(report.warnings).toEqual([expect.objectContaining({ column: "salarie_nir", reason: expect.stringContaining("NIR invalide") })]);

    const captured: [string, string][] = [["upload", res.body]];
    const page = await app.inject({ url: `/api/v1/imports/${runId}/rejections`, headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("salarie_nir");
    captured.push(["rejections", page.body]);
    const csv = await app.inject({ url: `/api/v1/imports/${runId}/rejections?format=csv`, headers: admin.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain("salarie_nir");
    captured.push(["csv", csv.body]);
    const xlsx = await app.inject({ url: `/api/v1/imports/${runId}/rejections?format=xlsx`, headers: admin.headers });
    expect(xlsx.statusCode).toBe(200);
    const sheets = Object.values(unzipSync(new Uint8Array(xlsx.rawPayload))).map((b) => strFromU8(b));
    expect(sheets.join("")).toContain("salarie_nir");
    captured.push(["xlsx", sheets.join("\n")]);
    const stored = await t.handle.db.selectFrom("import_rejection").selectAll().execute();
    captured.push(["import_rejection", JSON.stringify(stored)]);
    const runs = await t.handle.db.selectFrom("import_run").selectAll().execute();
    captured.push(["import_run", JSON.stringify(runs)]);
    const audit = await t.handle.db.selectFrom("audit_event").selectAll().execute();
    captured.push(["audit_event", JSON.stringify(audit)]);
    captured.push(["logs", logs]);
    for (const [where, text] of captured) {
      for (const form of spellings(WRONG_KEY)) expect(text.includes(form), `${where} contains ${form}`).toBe(false);
    }
  });

  test("the retention job purges the rejections of imports older than their retention, keeping the run's counts", async () => {
    const before = await t.handle.db.selectFrom("import_rejection").select("id").where("import_run_id", "=", runId).execute();
    expect(before.length).toBeGreaterThan(0);
    await sql`UPDATE import_run SET started_at = now() - interval '400 days', finished_at = now() - interval '400 days' WHERE id = ${runId}`.execute(
      t.handle.db,
    );
    const today = new Date().toISOString().slice(0, 10);
    const dry = await runRetention(t.handle, { today, now: new Date(), wetRun: false });
    expect(dry.rejectionsPurged).toBe(before.length);
    expect(await t.handle.db.selectFrom("import_rejection").select("id").where("import_run_id", "=", runId).execute()).toHaveLength(
      before.length,
    );
    const wet = await runRetention(t.handle, { today, now: new Date(), wetRun: true });
    expect(wet.rejectionsPurged).toBe(before.length);
    expect(await t.handle.db.selectFrom("import_rejection").select("id").where("import_run_id", "=", runId).execute()).toEqual([]);
    const run = await t.handle.db.selectFrom("import_run").select("rows_read").where("id", "=", runId).executeTakeFirstOrThrow();
    expect(run.rows_read).toBe(1);
  });
});
