// Import a FluxIAE view file or a whole delivery (folder, ZIP archive, gzip file) in ONE transaction:
// all or nothing, idempotent (natural keys: ASP ids), streaming. See index.ts for the public API.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { DatabaseHandle } from "../../db/connection.js";
import { deferScopeRollups, endScopeRollupsDeferral } from "../../db/rollups.js";
import type { Actor } from "../../db/audit.js";
import type { PersonalDataCipher } from "../../security/personalData.js";
import { ImportInputError, type ImportFormat, type ImportReport } from "../importReport.js";
import { IMPORT_ACTOR, runImport } from "../importRun.js";
import { type ImportTerritory, NATION } from "../importTerritory.js";
import { listEntries } from "./container.js";
import type { FluxImportContext } from "./importContext.js";
import { type OpenedView, openView } from "./reader.js";
import { gatedView, territoryGate } from "./territoryGate.js";
import { type FluxIaeView, importOrder, REQUIRED_COLUMNS } from "./views.js";
import { importAnnexeFinanciereView } from "./views/annexeFinanciere.js";
import { importRefCategorieSortView, importRefMontantIaeView, importRefMotifSortView } from "./views/referentials.js";
import { deriveExits, importContratMissionView } from "./views/contratMission.js";
import { importEtatMensuelIndivView } from "./views/etatMensuelIndiv.js";
import { importSalarieView } from "./views/salarie.js";
import { importStructureView } from "./views/structure.js";
import { importAccompagnementView } from "./views/accompagnement.js";
import { importFormationsView } from "./views/formations.js";

export interface ImportFluxIaeOptions {
  dryRun?: boolean;
  actor?: Actor;
  /** Where the import may write (default: the nation — command line, tests); see territoryGate.ts. */
  territory?: ImportTerritory;
  /** Cipher for NIR / PASS numbers (Salarie rows). Without it, a Salarie row carrying a NIR is rejected. */
  pii?: PersonalDataCipher | null;
  /** Statistics-only mode: NIR/PASS → keyed hashes, names and contacts dropped, birth date → year. */
  pseudonymise?: boolean;
  /** Name shown in reports and in import_run.source (default: the base name of the path). */
  originalName?: string;
  /** See FluxImportOptions.bulkMinRows (first loads of EtatMensuelIndiv merged without triggers). */
  bulkMinRows?: number;
  /** Called every 10,000 rows and at the end of each view (rows read so far). */
  onProgress?: (rowsRead: number, view: string) => void;
}

/** Time spent on each view of a delivery (rows read, milliseconds), in import order. */
export interface ViewTiming {
  view: string;
  file: string;
  rows: number;
  ms: number;
  /** Durations of the view's main steps (ms), when it measures them. */
  steps?: Record<string, number>;
}

export type FluxIaeImportReport = ImportReport & { views: ViewTiming[] };

type ViewImporter = (ctx: FluxImportContext, view: OpenedView) => Promise<void>;

const IMPORTERS: Partial<Record<FluxIaeView, ViewImporter>> = {
  RefCategorieSort: importRefCategorieSortView,
  RefMotifSort: importRefMotifSortView,
  RefMontantIae: importRefMontantIaeView,
  Structure: importStructureView,
  AnnexeFinanciere: importAnnexeFinanciereView,
  Salarie: importSalarieView,
  ContratMission: importContratMissionView,
  EtatMensuelIndiv: importEtatMensuelIndivView,
  Formations: importFormationsView,
  Accompagnement: importAccompagnementView,
};

/** sha256 of a file, or of the names and contents of a folder's files, streamed. */
export async function checksumPath(pathOnDisk: string): Promise<string> {
  const hash = createHash("sha256");
  const info = await stat(pathOnDisk);
  const files = info.isDirectory()
    ? (await readdir(pathOnDisk, { withFileTypes: true }))
        .filter((d) => d.isFile() && !d.name.startsWith("."))
        .map((d) => d.name)
        .sort()
    : [null];
  for (const name of files) {
    const file = name === null ? pathOnDisk : path.join(pathOnDisk, name);
    if (name !== null) hash.update(`${name}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

export async function importFluxIae(
  handle: DatabaseHandle,
  pathOnDisk: string,
  options: ImportFluxIaeOptions = {},
): Promise<FluxIaeImportReport> {
  const displayName = options.originalName ?? path.basename(pathOnDisk);
  const entries = await listEntries(pathOnDisk, displayName);
  if (entries.length === 0)
    throw new ImportInputError(`${displayName} : aucun fichier à importer`, [
      { file: displayName, line: null, column: null, reason: "aucun fichier" },
    ]);
  const single = entries.length === 1;
  const checksum = await checksumPath(pathOnDisk);
  // Tell the views apart before opening a transaction (header + view name only).
  const probes: { view: FluxIaeView | null; label: string | null; file: string }[] = [];
  for (const entry of entries) {
    const opened = await openView(entry);
    probes.push({ view: opened.view, label: opened.viewLabel, file: entry.name });
  }
  const firstView = probes[0]?.view;
  if (single && !firstView) {
    throw new ImportInputError(
      `${displayName} : vue FluxIAE non reconnue${probes[0]?.label ? ` (${probes[0].label})` : ""} — vues importées : ${Object.keys(IMPORTERS).join(", ")}`,
      [{ file: displayName, line: 1, column: null, reason: "vue FluxIAE non reconnue" }],
    );
  }
  const format: ImportFormat = single && firstView ? `fluxiae:${firstView}` : "fluxiae";
  const views: ViewTiming[] = [];
  const territory = options.territory ?? NATION;
  const deliveryView = async (wanted: FluxIaeView) => {
    const i = probes.findIndex((p) => p.view === wanted);
    const entry = entries[i];
    return entry ? openView(entry) : null;
  };
  const report = await runImport(
    handle,
    { format, source: displayName, checksum, dryRun: options.dryRun ?? false, actor: options.actor ?? IMPORT_ACTOR, territory },
    async (tx, tally) => {
      await deferScopeRollups(tx.db);
      const ctx: FluxImportContext = {
        tx,
        tally,
        territory,
        pii: options.pii ?? null,
        pseudonymise: options.pseudonymise ?? false,
        // PostgreSQL only by default: measured on 102,155 monthly rows, the merge without triggers + rebuild takes
        // 4.7–5.2 s against 6.4–11.5 s on PostgreSQL, but 11.4 s against 8.5 s on PGlite (its rebuild costs more).
        bulkMinRows: options.bulkMinRows ?? (handle.engine === "postgresql" ? 10_000 : Number.POSITIVE_INFINITY),
        exitCategoryById: new Map(),
        touchedStructures: new Set(),
        touchedContracts: false,
      };
      const ordered = entries
        .map((entry, i) => ({ entry, probe: probes[i] }))
        .filter((x): x is { entry: (typeof entries)[number]; probe: (typeof probes)[number] } => x.probe !== undefined)
        .sort((a, b) => (a.probe.view ? importOrder(a.probe.view) : 99) - (b.probe.view ? importOrder(b.probe.view) : 99));
      const seenViews = new Map<FluxIaeView, string>();
      for (const { entry, probe } of ordered) {
        const importer = probe.view ? IMPORTERS[probe.view] : undefined;
        if (!probe.view || !importer) {
          tally.warn({
            file: entry.name,
            line: null,
            column: null,
            reason: `vue ${probe.label ?? "inconnue"} non importée par Passerelle : fichier ignoré`,
          });
          continue;
        }
        const other = seenViews.get(probe.view);
        if (other) {
          tally.warn({
            file: entry.name,
            line: null,
            column: null,
            reason: `deuxième fichier de la vue ${probe.view} (après ${other}) : importé ensuite, ses lignes l'emportent`,
          });
        }
        seenViews.set(probe.view, entry.name);
        const opened = await openView(entry);
        const missing = REQUIRED_COLUMNS[probe.view].filter((c) => !opened.header.includes(c));
        if (missing.length > 0) {
          throw new ImportInputError(
            `${entry.name} : colonnes obligatoires absentes de la vue ${probe.view} : ${missing.join(", ")} — colonnes trouvées : ${opened.header.join(", ")}`,
            missing.map((column) => ({
              file: entry.name,
              line: null,
              column,
              reason: `colonne obligatoire absente (colonnes trouvées : ${opened.header.join(", ")})`,
            })),
          );
        }
        const gate = await territoryGate(ctx, probe.view, deliveryView);
        const view = gate ? gatedView(opened, gate, ctx) : opened;
        const progress = options.onProgress;
        let lastReported = tally.rowsRead;
        const watched: OpenedView = progress
          ? {
              ...view,
              records: async function* () {
                for await (const r of view.records()) {
                  if (tally.rowsRead - lastReported >= 10_000) {
                    lastReported = tally.rowsRead;
                    progress(tally.rowsRead, probe.view ?? "");
                  }
                  yield r;
                }
              },
            }
          : view;
        const started = performance.now();
        const rowsBefore = tally.rowsRead;
        ctx.steps = undefined;
        await importer(ctx, watched);
        views.push({
          view: probe.view,
          file: entry.name,
          rows: tally.rowsRead - rowsBefore,
          ms: Math.round(performance.now() - started),
          ...(ctx.steps ? { steps: ctx.steps } : {}),
        });
        progress?.(tally.rowsRead, probe.view);
      }
      if (ctx.touchedContracts) {
        const started = performance.now();
        const exits = await deriveExits(ctx);
        views.push({ view: "sorties (dérivées des contrats)", file: "", rows: exits, ms: Math.round(performance.now() - started) });
      }
      const scopeStarted = performance.now();
      await endScopeRollupsDeferral(tx.db);
      // Reported beside the exits when contracts were written (its cost then; negligible otherwise).
      if (ctx.touchedContracts)
        views.push({ view: "agrégats par département (recalcul)", file: "", rows: 0, ms: Math.round(performance.now() - scopeStarted) });
    },
  );
  return { ...report, views };
}
