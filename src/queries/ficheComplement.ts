// The fiche salarié complement of one hiring, found only within the structure of the request's target:
// the initial contract (rank 0) of that structure, its salarié's name for the page, the stored fields.
import { sql } from "kysely";
import type { FicheComplement } from "../contracts/fichesSalarie.js";
import type { Db } from "../db/schema.js";

export async function loadFicheComplement(db: Db, structureId: number, contractId: number): Promise<FicheComplement | null> {
  const rows = await sql<{
    contract_id: string;
    person_id: string;
    last_name: string | null;
    first_name: string | null;
    kind: string;
    starts_on: string;
    data: Record<string, string | boolean> | null;
  }>`
    SELECT c.id AS contract_id, c.person_id, p.last_name, p.first_name, s.kind, c.starts_on, f.data
    FROM contract c
    JOIN person p ON p.id = c.person_id
    JOIN structure s ON s.id = c.structure_id
    LEFT JOIN fiche_salarie_complement f ON f.contract_id = c.id
    WHERE c.id = ${contractId} AND c.structure_id = ${structureId} AND c.rank = 0`.execute(db);
  const r = rows.rows[0];
  if (!r) return null;
  return {
    contractId: Number(r.contract_id),
    personId: Number(r.person_id),
    salarie: [r.last_name, r.first_name].filter((x) => x !== null && x !== "").join(" ") || `Salarié n° ${r.person_id}`,
    structureKind: r.kind,
    startsOn: r.starts_on,
    data: r.data ?? {},
  };
}
