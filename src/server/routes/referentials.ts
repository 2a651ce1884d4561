// Referentials the screens and partners need (départements, exit motifs with their category,
// funding lines, mesures): read-only, any logged-in user.
import { z } from "zod";
import type { RouteModule } from "../context.js";

const routes: RouteModule = async (app, ctx) => {
  const db = ctx.handle.db;

  app.get(
    "/api/v1/referentials/calendar",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["référentiels"],
        summary: "Date du jour du serveur et dernière année ayant des annexes financières (année par défaut des écrans)",
        response: { 200: z.object({ today: z.string(), currentMonth: z.string(), latestYear: z.number().int() }) },
      },
    },
    async () => {
      const today = ctx.clock.today();
      const row = await db
        .selectFrom("financial_annex")
        .select((eb) => eb.fn.max("starts_on").as("latest"))
        .where("starts_on", "<=", today)
        .executeTakeFirst();
      const latest = row?.latest ? String(row.latest).slice(0, 4) : today.slice(0, 4);
      return { today, currentMonth: today.slice(0, 7), latestYear: Number(latest) };
    },
  );

  app.get(
    "/api/v1/referentials/departements",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["référentiels"],
        summary: "Départements (code, nom, région)",
        response: { 200: z.array(z.object({ code: z.string(), name: z.string(), regionCode: z.string() })) },
      },
    },
    async () => {
      const rows = await db.selectFrom("ref_departement").select(["code", "name", "region_code"]).orderBy("code").execute();
      return rows.map((r) => ({ code: r.code, name: r.name, regionCode: r.region_code }));
    },
  );

  app.get(
    "/api/v1/referentials/exit-motifs",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["référentiels"],
        summary: "Motifs de sortie et leur catégorie (durable, transition, positive, autre, retrait)",
        response: {
          200: z.array(
            z.object({
              code: z.number().int(),
              label: z.string(),
              categoryCode: z.number().int(),
              categoryLabel: z.string(),
              group: z.enum(["durable", "transition", "positive", "other", "retrait"]),
              confidence: z.enum(["H", "M", "L"]),
            }),
          ),
        },
      },
    },
    async () => {
      // Rule: motif → category through the referential table, never by code — design §4, iae-reference §6.
      const rows = await db
        .selectFrom("ref_exit_motif as m")
        .innerJoin("ref_exit_category as c", "c.code", "m.category_code")
        .select(["m.code", "m.label", "m.category_code", "c.label as category_label", "c.grp", "m.confidence"])
        .orderBy("m.code")
        .execute();
      return rows.map((r) => ({
        code: r.code,
        label: r.label,
        categoryCode: r.category_code,
        categoryLabel: r.category_label,
        group: r.grp as "durable" | "transition" | "positive" | "other" | "retrait",
        confidence: r.confidence as "H" | "M" | "L",
      }));
    },
  );

  app.get(
    "/api/v1/referentials/funding-lines",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["référentiels"],
        summary: "Lignes de financement d'une annexe financière",
        response: {
          200: z.array(z.object({ code: z.string(), label: z.string(), financer: z.enum(["etat", "departement", "autre"]) })),
        },
      },
    },
    async () => {
      const rows = await db.selectFrom("funding_line").select(["code", "label", "financer"]).orderBy("label").execute();
      return rows.map((r) => ({ code: r.code, label: r.label, financer: r.financer as "etat" | "departement" | "autre" }));
    },
  );

  app.get(
    "/api/v1/referentials/mesures",
    {
      config: { policy: "authenticated" },
      schema: {
        tags: ["référentiels"],
        summary: "Mesures ASP (type de SIAE, droit commun / milieu pénitentiaire)",
        response: {
          200: z.array(z.object({ code: z.string(), kind: z.string(), label: z.string(), countsForPosts: z.boolean(), penitentiary: z.boolean() })),
        },
      },
    },
    async () => {
      const rows = await db.selectFrom("ref_mesure").selectAll().orderBy("code").execute();
      return rows.map((r) => ({
        code: r.code,
        kind: r.kind,
        label: r.label,
        countsForPosts: r.counts_for_posts,
        penitentiary: r.penitentiary,
      }));
    },
  );
};
export default routes;
