// `passerelle export …` (design §5): FluxIAE views, open data, fiches salarié for the ASP.
//   export fluxiae --view <View> --out <file> [--gzip] [--with-nir] [--json]
//   export opendata --out <file> [--at <date>] [--json]
//   export fiches-salarie --structure <id> --out <folder> [--dry-run] [--json]
// Exit codes: 0 ok, 1 invalid input (nothing written), 2 other failure. Progress on stderr.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { parseIsoDate } from "../../domain/calendar/isoDate.js";
import { DomainRuleError } from "../../domain/errors.js";
import { exportFluxiaeView } from "../../interchange/fluxiae-export/exportFluxiaeView.js";
import { FLUXIAE_EXPORT_VIEWS, parseExportView } from "../../interchange/fluxiae-export/views.js";
import { exportFichesSalarie } from "../../interchange/fiche-salarie/exportFichesSalarie.js";
import { exportOpenData } from "../../interchange/opendata/exportOpenData.js";
import { NotFoundError } from "../../operations/types.js";
import { configuredCipher, InvalidInputError, printJson, withDatabase } from "../context.js";

const CLI_ACTOR = { userId: null, label: "cli" };

/** A counter on stderr that appears only when the work lasts more than a second (and stderr is a terminal). */
export function progressCounter(label: string): { update(n: number): void; stop(): void } {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(n) {
      if (!process.stderr.isTTY) return;
      if (bar === null && Date.now() - started > 1000) {
        bar = new cliProgress.SingleBar(
          { format: `${label} {value} lignes | {duration_formatted}`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(0, n);
      }
      bar?.update(n);
    },
    stop() {
      bar?.stop();
    },
  };
}

function checkOutFile(out: string): void {
  const dir = path.dirname(path.resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InvalidInputError(`Dossier de destination introuvable : ${dir}`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new InvalidInputError(`--out doit être un fichier, pas un dossier : ${out}`);
}

export function register(program: Command): void {
  const exp = program.command("export").description("Exporter les données : vues FluxIAE, open data, fiches salarié pour l'ASP");

  exp
    .command("fluxiae")
    .description(`Écrire une vue FluxIAE (format ASP : séparateur |, lignes DEB/FIN) : ${FLUXIAE_EXPORT_VIEWS.join(", ")}`)
    .requiredOption("--view <View>", "vue FluxIAE à écrire (ex. AnnexeFinanciere)")
    .requiredOption("--out <file>", "fichier à écrire (.csv, ou .csv.gz pour le compresser)")
    .option("--gzip", "compresser en gzip même sans extension .gz")
    .option("--with-nir", "export autorisé : écrire les NIR et numéros de PASS IAE en clair (vue Salarie ; tracé dans le journal d'audit)")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { view: string; out: string; gzip?: boolean; withNir?: boolean; json?: boolean }) => {
      await withDatabase(async (handle) => {
        const view = parseExportView(opts.view);
        if (view === null)
          throw new InvalidInputError(`Vue FluxIAE inconnue : « ${opts.view} ». Vues disponibles : ${FLUXIAE_EXPORT_VIEWS.join(", ")}.`);
        checkOutFile(opts.out);
        const progress = progressCounter(`fluxIAE_${view}`);
        const result = await exportFluxiaeView(handle, {
          view,
          out: opts.out,
          ...(opts.gzip ? { gzip: true } : {}),
          ...(opts.withNir ? { personalData: await configuredCipher(handle) } : {}),
          actor: CLI_ACTOR,
          onProgress: (n) => progress.update(n),
        });
        progress.stop();
        if (opts.json) printJson(result);
        else
          process.stdout.write(
            `Vue ${result.view} : ${result.rows} lignes écrites dans ${result.file}${result.personalData ? " (NIR et PASS en clair : export tracé)" : ""}\n`,
          );
      });
    });

  exp
    .command("opendata")
    .description("Écrire la liste publique des structures conventionnées (CSV, sans donnée personnelle)")
    .requiredOption("--out <file>", "fichier CSV à écrire")
    .option("--at <date>", "date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { out: string; at?: string; json?: boolean }) => {
      await withDatabase(async (handle) => {
        let at: string;
        try {
          at = opts.at === undefined ? new Date().toISOString().slice(0, 10) : parseIsoDate(opts.at, "cli.at");
        } catch (e) {
          if (e instanceof DomainRuleError) throw new InvalidInputError(`--at : ${e.message}`);
          throw e;
        }
        checkOutFile(opts.out);
        const progress = progressCounter("open data");
        const result = await exportOpenData(handle, { out: opts.out, at, onProgress: (n) => progress.update(n) });
        progress.stop();
        if (opts.json) printJson(result);
        else process.stdout.write(`${result.rows} structures conventionnées au ${result.at} écrites dans ${result.file}\n`);
      });
    });

  exp
    .command("fiches-salarie")
    .description("Écrire les fiches salarié d'une structure pour l'ASP (lots RIAE_FS_<AAAAMMJJHHMMSS>.json), après validation")
    .requiredOption("--structure <id>", "identifiant Passerelle de la structure")
    .requiredOption("--out <folder>", "dossier où écrire les lots (dépôt SFTP de l'ASP)")
    .option("--dry-run", "valider et compter sans rien écrire ni enregistrer")
    .option("--json", "résultat en JSON sur la sortie standard")
    .action(async (opts: { structure: string; out: string; dryRun?: boolean; json?: boolean }) => {
      await withDatabase(async (handle) => {
        const structureId = Number(opts.structure);
        if (!Number.isSafeInteger(structureId) || structureId <= 0)
          throw new InvalidInputError(`--structure : identifiant entier attendu (reçu « ${opts.structure} »)`);
        if (!existsSync(opts.out) || !statSync(opts.out).isDirectory())
          throw new InvalidInputError(`--out : dossier introuvable : ${opts.out}`);
        let result: Awaited<ReturnType<typeof exportFichesSalarie>>;
        try {
          result = await exportFichesSalarie(handle, {
            structureId,
            outDir: opts.out,
            pii: await configuredCipher(handle),
            actor: CLI_ACTOR,
            dryRun: opts.dryRun === true,
          });
        } catch (e) {
          if (e instanceof NotFoundError) throw new InvalidInputError(`Structure introuvable : ${structureId}`);
          throw e;
        }
        if (opts.json) {
          printJson(result);
          return;
        }
        const out: string[] = [];
        out.push(
          `${opts.dryRun ? "[simulation] " : ""}${result.sent} fiche(s) ${opts.dryRun ? "prête(s) à envoyer" : "écrite(s)"} (${result.creations} création(s), ${result.modifications} modification(s)) ; ` +
            `${result.awaitingReturn} en attente du fichier retour ; ${result.upToDate} à jour ; ${result.invalid.length} à compléter.`,
        );
        for (const f of result.files) out.push(`  ${f.file} : ${f.lines} ligne(s), ${f.bytes} octets`);
        for (const inv of result.invalid) {
          out.push(`\n${inv.salarie} (personne n° ${inv.personId}, contrat n° ${inv.contractId}) — ${inv.errors.length} erreur(s) :`);
          for (const e of inv.errors) out.push(`  - ${e.field} : ${e.message}`);
        }
        process.stdout.write(`${out.join("\n")}\n`);
      });
    });
}
