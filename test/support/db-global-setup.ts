// Global setup of the "db" test project: builds ONE migrated + seeded database, then every test file
// clones it (PGlite: from a data-dir dump; PostgreSQL: CREATE DATABASE … TEMPLATE). See testDb.ts.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrate.js";
import { seedReference } from "../../src/db/seedReference.js";
import { templateDbName, testDbPrefix, withDatabaseName } from "./testDbNames.js";

export default async function setup(): Promise<() => Promise<void>> {
  process.env.PASSERELLE_TEST_RUN = randomBytes(4).toString("hex");
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const TEMPLATE_DB = templateDbName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    const handle = await openDatabase({ url: withDatabaseName(url, TEMPLATE_DB), poolSize: 1 });
    await migrate(handle);
    await seedReference(handle);
    await handle.close();
    await admin.end();
    process.env.PASSERELLE_TEST_ENGINE = "postgresql";
    return async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2",
        [testDbPrefix(), TEMPLATE_DB],
      );
      for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await c.end();
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "passerelle-test-"));
  const handle = await openDatabase({ pgliteDir: "memory://" });
  await migrate(handle);
  await seedReference(handle);
  const dump = await handle.pglite!.dumpDataDir("none");
  const file = path.join(dir, "template.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  process.env.PASSERELLE_TEST_PGLITE_DUMP = file;
  process.env.PASSERELLE_TEST_ENGINE = "pglite";
  return async () => rmSync(dir, { recursive: true, force: true });
}
