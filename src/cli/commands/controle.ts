// `passerelle controle sample --departement <code> --from <date> --to <date> --seed <n> [--percent 30] [--json]`:
// the contrôle a posteriori draw of a département and period (docs/steering.md). Nothing is written: the same
// seed replays the same draw. JSON: departement, from, to, percent, seed, eligible[] (structureId, kind, hirings),
// selected[] (structureId, kind, hirings, sampled), names.
// `passerelle controle campaigns --departement <code> [--at <date>] [--json]`: the recorded campaigns of a
// département with each selected structure's progress and what is due (overdue first), as the DDETS's page shows
// them. JSON: campaigns[] (id, from, to, seed, percent, counts, deadlines, structures[], reminders[]).
import type { Command } from "commander";
import { formatFrenchDate } from "../../domain/calendar/isoDate.js";
import { validateSelectionPercent } from "../../domain/controle/sampling.js";
import { DomainRuleError } from "../../domain/errors.js";
import { controleSample } from "../../queries/controle.js";
import { campaignDetail, listCampaigns } from "../../queries/controleCampaigns.js";
import { instanceClock } from "../../server/instanceClock.js";
import { InvalidInputError, printJson, withDatabase } from "../context.js";
import { parseDateOption, parseDepartementOption, parsedOptions } from "../options.js";

interface SampleOptions {
  departement?: string;
  from?: string;
  to?: string;
  seed?: string;
  percent?: string;
  json?: boolean;
}

export function sampleOptions(opts: SampleOptions): { departement: string; from: string; to: string; seed: number; percent: number } {
  const departement = parseDepartementOption(opts.departement);
  const dates: string[] = [];
  for (const [name, v] of [
    ["--from", opts.from],
    ["--to", opts.to],
  ] as const) {
    if (v === undefined) throw new InvalidInputError(`indiquer ${name} <AAAA-MM-JJ>`);
    dates.push(parseDateOption(v, name));
  }
  const [from = "", to = ""] = dates;
  if (from > to) throw new InvalidInputError("--from doit précéder --to");
  if (opts.seed === undefined || !/^\d{1,15}$/.test(opts.seed))
    throw new InvalidInputError("--seed : entier ≥ 0 attendu (la graine du tirage)");
  const percent = opts.percent === undefined ? 30 : Number(opts.percent);
  try {
    validateSelectionPercent(percent);
  } catch (error) {
    throw new InvalidInputError(`--percent : ${error instanceof DomainRuleError ? error.message : String(error)}`);
  }
  return { departement, from, to, seed: Number(opts.seed), percent };
}

const DUE_TEXT = {
  transmettre_pieces: "la SIAE transmet ses justificatifs",
  examiner: "la DDETS examine les justificatifs",
  transmettre_contradictoire: "la SIAE transmet ses nouveaux justificatifs",
  decider: "la DDETS décide",
} as const;

export function register(program: Command): void {
  const controle = program
    .command("controle")
    .description("Contrôle a posteriori des embauches sur diagnostic de la SIAE (tirage reproductible)");
  controle
    .command("sample")
    .description("Tirage d'une campagne : structures éligibles, structures contrôlées et embauches échantillonnées")
    .option("--departement <code>", "département de la campagne")
    .option("--from <date>", "début de la période contrôlée (AAAA-MM-JJ)")
    .option("--to <date>", "fin de la période contrôlée (AAAA-MM-JJ)")
    .option("--seed <n>", "graine du tirage (la même graine redonne le même tirage)")
    .option("--percent <n>", "part des structures éligibles contrôlées, 20 à 40 (défaut 30)")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle controle sample --departement 62 --from 2019-01-01 --to 2019-12-31 --seed 42 --json\n")
    .action(async (opts: SampleOptions) => {
      const o = parsedOptions(() => sampleOptions(opts));
      if (o === undefined) return;
      await withDatabase(async (handle) => {
        const s = await controleSample(handle.db, o.departement, o.from, o.to, o.seed, o.percent);
        if (opts.json) return printJson(s);
        const lines = [
          `Contrôle a posteriori — département ${s.departement}, embauches du ${s.from} au ${s.to}, graine ${s.seed}`,
          `Structures éligibles (≥ 2 embauches sur leur propre diagnostic) : ${s.eligible.length} ; contrôlées (${s.percent} %) : ${s.selected.length}`,
          ...s.selected.map(
            (x) =>
              `  · ${s.names[String(x.structureId)] ?? x.structureId} (${x.kind}) : ${x.sampled.length} embauche(s) sur ${x.hirings.length} — contrats ${x.sampled.join(", ")}`,
          ),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });

  controle
    .command("campaigns")
    .description("Campagnes enregistrées du département : avancement de chaque structure contrôlée, échéances et retards")
    .option("--departement <code>", "département")
    .option("--at <date>", "date du jour retenue pour les retards (AAAA-MM-JJ ; défaut : aujourd'hui, ou la date de la démo)")
    .option("--json", "sortie JSON (un seul document sur stdout)")
    .addHelpText("after", "\nExemple :\n  passerelle controle campaigns --departement 62 --json\n")
    .action(async (opts: { departement?: string; at?: string; json?: boolean }) => {
      const parsed = parsedOptions(() => ({
        departement: parseDepartementOption(opts.departement),
        at: opts.at === undefined ? undefined : parseDateOption(opts.at, "--at"),
      }));
      if (parsed === undefined) return;
      const { departement, at } = parsed;
      await withDatabase(async (handle) => {
        const today = at ?? (await instanceClock(handle.db)).today();
        const campaigns = [];
        for (const c of await listCampaigns(handle.db, departement, today)) {
          const detail = await campaignDetail(handle.db, departement, c.id, today);
          if (detail) campaigns.push({ ...detail.campaign, structures: detail.structures, reminders: detail.reminders });
        }
        if (opts.json) return printJson({ departement, at: today, campaigns });
        const lines = [`Contrôle a posteriori — département ${departement}, situation au ${formatFrenchDate(today)}`];
        if (campaigns.length === 0) lines.push("Aucune campagne enregistrée.");
        for (const c of campaigns) {
          lines.push(
            `Campagne ${c.id} : embauches du ${formatFrenchDate(c.from)} au ${formatFrenchDate(c.to)}, graine ${c.seed}, ${c.selectedStructures} structure(s) sur ${c.eligibleStructures} éligible(s), ${c.decided} décision(s), ${c.overdue} en retard`,
            ...c.reminders.map(
              (r) => `  ${r.overdue ? "EN RETARD " : ""}${r.name} : ${DUE_TEXT[r.what]} avant le ${formatFrenchDate(r.dueOn)}`,
            ),
          );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      });
    });
}
