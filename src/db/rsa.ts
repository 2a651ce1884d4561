// "An RSA beneficiary's contract running during [from, to]": the SQL function contract_rsa_running (migration
// 0720, where the rule is stated) applied to a contract alias. The rollup triggers call the same function.
import { type RawBuilder, sql } from "kysely";

/** SQL boolean: the contract aliased `k` is flagged RSA (OUI-M, OUI-NM) and runs during [from, to] (dates). */
export function rsaContractRunning(k: string, from: RawBuilder<unknown> | string, to: RawBuilder<unknown> | string): RawBuilder<boolean> {
  const col = (c: string) => sql.ref(`${k}.${c}`);
  const date = (d: RawBuilder<unknown> | string) => (typeof d === "string" ? sql`${d}::date` : d);
  return sql<boolean>`contract_rsa_running(${col("rsa")}, ${col("starts_on")}, ${col("exit_on")}, ${col("planned_end_on")}, ${date(from)}, ${date(to)})`;
}
