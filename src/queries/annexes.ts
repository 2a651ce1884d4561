// Read models of the annexes financières: one AF version of a structure (never another structure's AF)
// and its page with every version of the same AF. Visibility in SQL (visibility.ts).
import { type Kysely, sql } from "kysely";
import type { AnnexDetail } from "../contracts/annexes.js";
import type { Database } from "../db/schema.js";
import type { Principal } from "../server/auth/principal.js";
import { visibleStructure } from "./visibility.js";

export interface AnnexTarget {
  type: "annex";
  structureId: number;
  annexId: number;
}

/** One AF version of the target's structure with its structure's name and kind, or undefined. */
export function findAnnex(db: Kysely<Database>, principal: Principal, target: AnnexTarget) {
  return db
    .selectFrom("financial_annex as a")
    .innerJoin("structure as s", "s.id", "a.structure_id")
    .innerJoin("ref_mesure as m", "m.code", "a.mesure_code")
    .selectAll("a")
    .select([
      "s.name as structure_name",
      "s.kind",
      "s.departement_code as structure_departement_code",
      "m.penitentiary as mesure_penitentiary",
    ])
    .where("a.id", "=", target.annexId)
    .where("a.structure_id", "=", target.structureId)
    .where(visibleStructure(principal, sql.ref("a.structure_id")))
    .executeTakeFirst();
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The AF page: the version and every version of the same AF (same prefix and renewal), newest first. */
export async function annexPage(db: Kysely<Database>, principal: Principal, target: AnnexTarget): Promise<AnnexDetail | null> {
  const a = await findAnnex(db, principal, target);
  if (!a) return null;
  const [funding, versions] = await Promise.all([
    db
      .selectFrom("financial_annex_funding as f")
      .innerJoin("funding_line as l", "l.code", "f.funding_line_code")
      .select(["f.funding_line_code", "l.label", "f.amount"])
      .where("f.annex_id", "=", target.annexId)
      .orderBy("l.label")
      .execute(),
    db
      .selectFrom("financial_annex")
      .select([
        "id",
        "number",
        "modification",
        "state",
        "starts_on",
        "ends_on",
        "etp",
        "unit_amount",
        "total_amount",
        "modulation_percent",
        "modulated_amount",
      ])
      .where("structure_id", "=", target.structureId)
      .where("number_prefix", "=", a.number_prefix)
      .where("renewal", "=", a.renewal)
      .orderBy("modification", "desc")
      .execute(),
  ]);
  return {
    id: Number(a.id),
    structureId: Number(a.structure_id),
    structureName: a.structure_name,
    structureDepartement: a.structure_departement_code,
    kind: a.kind as AnnexDetail["kind"],
    number: a.number,
    numberPrefix: a.number_prefix,
    renewal: a.renewal,
    modification: a.modification,
    state: a.state,
    mesure: a.mesure_code,
    penitentiary: a.mesure_penitentiary,
    conventionId: a.convention_id === null ? null : Number(a.convention_id),
    startsOn: a.starts_on,
    endsOn: a.ends_on,
    etp: String(a.etp),
    annualHours: String(a.annual_hours),
    unitAmount: str(a.unit_amount),
    totalAmount: str(a.total_amount),
    modulationPercent: str(a.modulation_percent),
    modulatedAmount: str(a.modulated_amount),
    funding: funding.map((f) => ({ code: f.funding_line_code, label: f.label, amount: String(f.amount) })),
    versions: versions.map((v) => ({
      id: Number(v.id),
      number: v.number,
      modification: v.modification,
      state: v.state,
      startsOn: v.starts_on,
      endsOn: v.ends_on,
      etp: String(v.etp),
      unitAmount: str(v.unit_amount),
      totalAmount: str(v.total_amount),
      modulationPercent: str(v.modulation_percent),
      modulatedAmount: str(v.modulated_amount),
    })),
  };
}
