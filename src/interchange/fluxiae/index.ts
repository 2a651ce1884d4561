// FluxIAE (ASP → State services) — reader and importer. Public API:
//
//   importFluxIae(handle, pathOnDisk, { dryRun?, actor?, pii?, pseudonymise?, originalName?, onProgress? })
//     → ImportReport (src/interchange/importReport.ts). One view file or a whole delivery: folder, ZIP
//     archive (whatever its name: the ASP names ZIPs `.tar.gz`), gzip file. One transaction, idempotent.
//
//   Reading without importing (e.g. a round-trip test of an exporter):
//     for (const entry of await listEntries(path)) {          // container.ts: sniffs folder/ZIP/gzip/plain
//       const view = await openView(entry);                   // reader.ts: DEB marker, header, BOM
//       view.view;    // "AnnexeFinanciere" | … | null        // views.ts: FLUXIAE_VIEWS
//       view.header;  // column names, in file order
//       for await (const r of view.records()) r.values;       // { column: text | null }, r.line, r.problem?
//     }                                                       // (FIN<n> count checked at the end)
//   Value formats (values.ts): parseFluxDate ("dd/mm/yyyy" → "YYYY-MM-DD"), formatFluxDate (back),
//   parseFluxDuration ("35:00" → "35.00"), parseFluxBoolean, parseFluxDecimal.
//
//   Exporting a view back (columnMap.ts): a table row stores the mapped columns in fields (AF_COLUMNS in
//   views/annexeFinanciere.ts) and every other column — and any mapped column whose raw text would not
//   render back identically — in `extra` (jsonb). For each column of the view:
//     column in extra ? (extra[column] ?? "") : (renderFluxValue(type, row[field]) ?? "")
//
// Where each view goes: RefCategorieSort → ref_exit_category, RefMotifSort → ref_exit_motif, RefMontantIae →
// ref_asp_amount, Structure → asp_structure (+ refresh of `structure`; a Structure row alone creates no
// structure: the kind comes from the AF mesure), AnnexeFinanciere → financial_annex (+ structure created
// for (af_id_structure, kind) when missing).
export { type ContainerKind, type FluxIaeEntry, listEntries, sniffContainer } from "./container.js";
export { checksumPath, type ImportFluxIaeOptions, importFluxIae } from "./importFluxIae.js";
export { type FluxIaeRecord, type OpenedView, openView, textLines } from "./reader.js";
export { FLUXIAE_VIEWS, type FluxIaeView, REQUIRED_COLUMNS, viewFromHeader, viewFromName } from "./views.js";
export { computeExtra, type FluxColumnType, type MappedColumn, renderFluxValue } from "./columnMap.js";
export { formatFluxDate, parseFluxBoolean, parseFluxDate, parseFluxDecimal, parseFluxDuration, parseFluxTimestamp } from "./values.js";
export { AF_COLUMNS } from "./views/annexeFinanciere.js";
