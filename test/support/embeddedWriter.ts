// Child process for the SIGKILL test: opens an embedded database and commits one audit row per
// transaction forever, printing "committed N" after each commit.
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrate.js";
import { seedReference } from "../../src/db/seedReference.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: embeddedWriter <pglite dir>");
const handle = await openDatabase({ pgliteDir: dir, lock: true });
await migrate(handle);
await seedReference(handle);
for (let i = 1; ; i++) {
  await handle.withTransaction(async ({ db }) => {
    await db
      .insertInto("audit_event")
      .values({ actor_label: "test", action: "kill-test", entity: "test", entity_id: String(i) })
      .execute();
  });
  process.stdout.write(`committed ${i}\n`);
}
