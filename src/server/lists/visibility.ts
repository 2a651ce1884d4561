// Restricts a structure query to what the caller may see (policies.visibilityOf).
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../../db/schema.js";
import { visibilityOf } from "../auth/policies.js";
import type { Principal } from "../auth/principal.js";

// biome-ignore lint/suspicious/noExplicitAny: Kysely builder generic over any selection (library boundary)
type StructureQuery<O> = SelectQueryBuilder<Database & { s: Database["structure"] }, "s" | any, O>;

export function restrictStructures<O>(query: StructureQuery<O>, principal: Principal): StructureQuery<O> {
  const v = visibilityOf(principal);
  switch (v.kind) {
    case "all":
      return query;
    case "region":
      return query.where("s.departement_code", "in", (eb) =>
        eb.selectFrom("ref_departement").select("code").where("region_code", "=", v.regionCode),
      );
    case "departement":
      return query.where("s.departement_code", "=", v.departementCode);
    case "structures":
      return v.structureIds.length > 0 ? query.where("s.id", "in", [...v.structureIds]) : query.where(sql<boolean>`false`);
  }
}
