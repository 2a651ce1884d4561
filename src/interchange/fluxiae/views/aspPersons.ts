// The persons already linked to ASP person ids (pph), read once per batch of a FluxIAE view.
import { sql } from "kysely";
import type { Db } from "../../../db/schema.js";

/** asp_pph_id → person id, for the given pph ids. */
export async function personsByPph(db: Db, pphs: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await sql<{ asp_pph_id: string; person_id: string }>`
    SELECT asp_pph_id, person_id FROM asp_person WHERE asp_pph_id = ANY(${[...pphs]}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [Number(r.asp_pph_id), Number(r.person_id)]));
}
