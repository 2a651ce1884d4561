// The dialogue de gestion sheet and the CDIAE pack as State documents (docs/ddets-year.md): a document model
// (tiles, paragraphs, tables — the figures of computeDialogue / computeCdiaePack, French formats) rendered to
// PDF in the style of the annual report (src/reports/pdf.ts: A4, DSFR blue, page numbers) and to XLSX.
import ExcelJS from "exceljs";
import { FAMILY_LABELS } from "../domain/financing/modulationGrid.js";
import { REQUEST_DECISION_LABELS, REQUEST_STATE_LABELS, type RequestState } from "../domain/financing/requestStates.js";
import type { CdiaePack } from "../queries/cdiae.js";
import type { DialogueSheet, Quartiles, Share } from "../queries/dialogue.js";
import { formatEuros, formatNumber, formatPercent } from "./format.js";
import { BLUE, ensureSpace, finishStatePdf, heading, keyFigureTiles, MARGIN, openStatePdf, pdfText, table, titlePage } from "./pdf.js";
import type { ReportTable } from "./reportModel.js";

export interface DocSection {
  heading: string;
  /** Starts on a new page (one page per structure in the CDIAE pack). */
  newPage?: boolean;
  tiles?: { label: string; value: string }[];
  paragraphs?: string[];
  tables?: ReportTable[];
}

export interface FinancingDocument {
  title: string;
  subtitle: string;
  generatedOn: string;
  footer: string;
  sections: DocSection[];
}

const num = (v: string | number | null, digits = 2) => (v === null ? "—" : formatNumber(Number(v), digits));
const eur = (v: string | number | null) => (v === null ? "—" : formatEuros(Number(v), 2));
const pct = (v: number | null) => formatPercent(v, 1);
const tbl = (id: string, title: string, columns: ReportTable["columns"], rows: ReportTable["rows"]): ReportTable => ({
  id,
  title,
  columns,
  rows,
  definitions: [],
  printable: true,
});
const shareText = (s: Share) => (s.known === 0 ? "donnée absente" : `${s.count} / ${s.known} (${pct(s.share)})`);
const q = (x: Quartiles, f: (v: number | null) => string) => [f(x.q1), f(x.median), f(x.q3)];

/** The dialogue de gestion sheet as a document. */
export function dialogueDocument(s: DialogueSheet, generatedOn: string): FinancingDocument {
  const objectives = s.objectives;
  return {
    title: `Dialogue de gestion ${s.year}`,
    subtitle: `${s.structure.name} (${s.structure.kind}) — département ${s.structure.departement}`,
    generatedOn,
    footer: `Dialogue de gestion ${s.year} — ${s.structure.name}`,
    sections: [
      {
        heading: "Chiffres clés",
        tiles: [
          { label: "ETP conventionnés", value: num(s.etp.conventionnes) },
          { label: "ETP réalisés", value: num(s.etp.realises) },
          { label: "Taux de réalisation", value: pct(s.etp.tauxRealisation) },
          { label: "Personnes entrées / présentes", value: `${s.people.entered} / ${s.people.present}` },
          { label: "Taux de sorties dynamiques", value: pct(s.exits.dynamicRate) },
          { label: "Part modulée proposée", value: `${num(s.modulation.proposedPercent)} %` },
        ],
        paragraphs: [
          `Sorties examinées : ${s.exits.examined} (emploi durable ${s.exits.byCategory.durable}, transition ${s.exits.byCategory.transition}, positives ${s.exits.byCategory.positive}, autres ${s.exits.byCategory.other}).`,
          `Objectifs de l'annexe financière : sorties dynamiques ${pct(objectives.dynamicRate)}, durables ${pct(objectives.durableRate)} ; cibles nationales 60 % et 25 %.`,
          ...(s.people.medianParcoursMonths === null
            ? []
            : [`Durée médiane des parcours des sortants : ${num(s.people.medianParcoursMonths, 1)} mois.`]),
        ],
      },
      {
        heading: "ETP par mois",
        tables: [
          tbl(
            "mois",
            "ETP conventionnés et réalisés (en équivalent annuel)",
            [
              { key: "m", label: "Mois", format: "text" },
              { key: "c", label: "ETP conventionnés", format: "decimal2" },
              { key: "r", label: "ETP réalisés", format: "decimal2" },
            ],
            s.etp.byMonth.map((m) => [m.month, m.conventionnes, m.realises]),
          ),
        ],
      },
      {
        heading: "Sorties, objectifs et pairs",
        tables: [
          tbl(
            "sorties",
            "Taux de sorties : structure, objectifs de l'AF, cibles nationales, pairs",
            [
              { key: "k", label: "Taux", format: "text" },
              { key: "s", label: "Structure", format: "text" },
              { key: "o", label: "Objectif AF", format: "text" },
              { key: "n", label: "Cible nationale", format: "text" },
              { key: "q1", label: "Pairs Q1", format: "text" },
              { key: "q2", label: "Pairs médiane", format: "text" },
              { key: "q3", label: "Pairs Q3", format: "text" },
            ],
            [
              ["Sorties dynamiques", pct(s.exits.dynamicRate), pct(objectives.dynamicRate), "60 %", ...q(s.peers.dynamicRate, pct)],
              ["Emploi durable", pct(s.exits.durableRate), pct(objectives.durableRate), "25 %", ...q(s.peers.durableRate, pct)],
              ["Taux de réalisation", pct(s.etp.tauxRealisation), "—", "—", ...q(s.peers.tauxRealisation, pct)],
            ],
          ),
          tbl(
            "annees",
            "Les trois dernières années",
            [
              { key: "y", label: "Année", format: "text" },
              { key: "c", label: "ETP conv.", format: "decimal2" },
              { key: "r", label: "ETP réal.", format: "decimal2" },
              { key: "t", label: "Taux réal.", format: "percent" },
              { key: "e", label: "Entrées", format: "integer" },
              { key: "x", label: "Sorties exam.", format: "integer" },
              { key: "d", label: "Sorties dyn.", format: "percent" },
            ],
            s.history.map((h) => [
              String(h.year),
              h.etpConventionnes,
              h.etpRealises,
              h.tauxRealisation,
              h.entered,
              h.examined,
              h.dynamicRate,
            ]),
          ),
        ],
        paragraphs: [`Pairs : ${s.peers.count} structures ${s.peers.kind} du département ${s.peers.departement}.`],
      },
      {
        heading: "Public accueilli et accompagnement",
        tables: [
          tbl(
            "public",
            "Personnes entrées dans l'année",
            [
              { key: "k", label: "Public", format: "text" },
              { key: "v", label: "Nombre / renseignés (part)", format: "text" },
            ],
            [
              ["Bénéficiaires du RSA", shareText(s.public.rsa)],
              ["DELD (12–24 mois)", shareText(s.public.deld)],
              ["DETLD (+ 24 mois)", shareText(s.public.detld)],
              ["Jeunes (- 26 ans)", shareText(s.public.young)],
              ["Seniors (50 ans et +)", shareText(s.public.senior)],
              ["Travailleurs handicapés (RQTH)", shareText(s.public.rqth)],
              ["Résidents QPV", shareText(s.public.qpv)],
              ["Résidents ZRR", shareText(s.public.zrr)],
              ["Critère de niveau 1 au diagnostic", shareText(s.public.priorityLevel1)],
            ],
          ),
        ],
        paragraphs: [
          s.public.missing.length === 0 ? "Toutes les rubriques sont renseignées." : `Absent des données : ${s.public.missing.join(", ")}.`,
          `Accompagnement : ${s.support.actions} actions, ${num(s.support.hours, 0)} heures (${num(s.support.hoursPerPerson, 1)} h par salarié présent) ; formations : ${s.support.trainings} (${s.support.peopleTrained} personnes, ${pct(s.support.trainingShare)} des présents, ${s.support.qualifyingTrainings} qualifiantes).`,
          ...(s.support.barriers.length > 0
            ? [`Freins traités : ${s.support.barriers.map((b) => `${b.label} (${b.actions})`).join(", ")}.`]
            : []),
        ],
      },
      {
        heading: "Part modulée",
        paragraphs: [
          `Grille ${s.modulation.gridVersion === null ? "par défaut (point de départ local, aucune grille nationale n'est publiée)" : `du département, version ${s.modulation.gridVersion}`} ; plafond ${s.modulation.capPercent} %. Proposée : ${num(s.modulation.proposedPercent)} %${s.modulation.decidedPercent === null ? "" : ` ; décidée : ${num(s.modulation.decidedPercent)} % = ${eur(s.modulation.amount)}`}.`,
        ],
        tables: [
          tbl(
            "grille",
            "Calcul ligne à ligne",
            [
              { key: "f", label: "Famille", format: "text" },
              { key: "m", label: "Mesure", format: "text" },
              { key: "v", label: "Valeur", format: "text" },
              { key: "p", label: "Points", format: "text" },
              { key: "w", label: "Poids", format: "text" },
              { key: "c", label: "Contribution", format: "text" },
            ],
            s.modulation.criteria.map((c) => [
              FAMILY_LABELS[c.family],
              c.label,
              c.value === null ? "absente" : num(c.value, 2),
              num(c.points, 2),
              num(c.weight, 2),
              `${num(c.contribution)} %`,
            ]),
          ),
        ],
      },
      {
        heading: "Conclusions de la DDETS",
        paragraphs: [
          s.agent.conclusions === "" ? "Pas encore de conclusions." : s.agent.conclusions,
          `Objectifs convenus pour ${s.year + 1} : ${
            Object.entries(s.agent.nextObjectives)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ") || "—"
          }.`,
        ],
      },
    ],
  };
}

/** The CDIAE pack as a document: the agenda (all requests, totals vs envelope), then one page per structure. */
export function cdiaeDocument(p: CdiaePack, generatedOn: string): FinancingDocument {
  const stateLabel = (s: string) => REQUEST_STATE_LABELS[s as RequestState] ?? s;
  return {
    title: `Conseil départemental de l'IAE — ${p.departementName}`,
    subtitle: `Annexes financières ${p.year}${p.sessionOn ? ` — séance du ${p.sessionOn.split("-").reverse().join("/")}` : ""}`,
    generatedOn,
    footer: `CDIAE ${p.departementName} — ${p.year}`,
    sections: [
      {
        heading: "Ordre du jour et totaux",
        tiles: [
          { label: "Demandes présentées", value: String(p.totals.requests) },
          { label: "ETP demandés / proposés", value: `${num(p.totals.requestedEtp)} / ${num(p.totals.proposedEtp)}` },
          { label: "Montant proposé", value: eur(p.totals.proposedAmount) },
          { label: "Enveloppe notifiée", value: p.envelope.lines.length === 0 ? "non saisie" : eur(p.envelope.notifiedTotal) },
          { label: "Écart (notifié − proposé)", value: eur(p.envelope.gapTotal) },
          { label: "Écart État (notifié − proposé)", value: eur(p.envelope.gapState) },
        ],
        tables: [
          tbl(
            "enveloppe",
            "Enveloppe notifiée par ligne de financement",
            [
              { key: "l", label: "Ligne", format: "text" },
              { key: "n", label: "Notifié", format: "text" },
            ],
            [
              ...p.envelope.lines.map((l) => [l.label, eur(l.notified)]),
              ["Proposé — État", eur(p.totals.proposedState)],
              ["Proposé — conseil départemental", eur(p.totals.proposedDepartement)],
              ["Écart — conseil départemental", eur(p.envelope.gapDepartement)],
            ],
          ),
          tbl(
            "demandes",
            "Demandes",
            [
              { key: "s", label: "Structure", format: "text" },
              { key: "e", label: "État", format: "text" },
              { key: "d", label: "ETP demandés", format: "text" },
              { key: "p", label: "ETP proposés", format: "text" },
              { key: "m", label: "Montant proposé", format: "text" },
              { key: "o", label: "Avis", format: "text" },
            ],
            p.requests.map((r) => [
              `${r.name} (${r.kind})`,
              stateLabel(r.state),
              num(r.requestedEtp),
              num(r.proposedEtp),
              eur(r.proposedAmount),
              r.cdiaeOpinion ?? "—",
            ]),
          ),
        ],
      },
      ...p.requests.map(
        (r): DocSection => ({
          heading: `${r.name} (${r.kind})`,
          newPage: true,
          tiles: [
            { label: "ETP demandés", value: num(r.requestedEtp) },
            { label: "ETP proposés", value: num(r.proposedEtp) },
            { label: "Montant proposé", value: eur(r.proposedAmount) },
            { label: "Part modulée proposée", value: r.proposedModulationPercent === null ? "—" : `${num(r.proposedModulationPercent)} %` },
            { label: "Cofinancement déclaré", value: eur(r.cofinancingDeclared) },
            { label: "État de la demande", value: stateLabel(r.state) },
          ],
          paragraphs: [
            r.previousYear
              ? `${r.previousYear.year} : ${num(r.previousYear.etpConventionnes)} ETP conventionnés, ${num(r.previousYear.etpRealises)} réalisés (${pct(r.previousYear.tauxRealisation)}) ; ${r.previousYear.exitsExamined} sorties examinées, ${pct(r.previousYear.dynamicRate)} dynamiques, ${pct(r.previousYear.durableRate)} vers l'emploi durable.`
              : "Pas d'annexe financière l'année précédente.",
            `Avis du CDIAE : ${r.cdiaeOpinion ?? "à recueillir"}${r.decision ? ` ; décision : ${REQUEST_DECISION_LABELS[r.decision]} (${num(r.decidedEtp)} ETP, ${eur(r.decidedAmount)})` : ""}.`,
          ],
        }),
      ),
    ],
  };
}

/** PDF in the annual report's style: A4, Marianne blue band and tiles, French formats, page numbers. */
export function renderFinancingPdf(d: FinancingDocument): Promise<Buffer> {
  const { doc, done } = openStatePdf(d.title, d.subtitle);
  titlePage(doc, d, `Généré par Passerelle le ${d.generatedOn.split("-").reverse().join("/")}.`, { top: 50, title: 18, subtitle: 12 });
  doc.moveDown(0.5);
  for (const s of d.sections) {
    if (s.newPage) {
      doc.addPage();
      doc.rect(0, 0, doc.page.width, 8).fill(BLUE);
      doc.x = MARGIN;
      doc.y = MARGIN;
    }
    heading(doc, s.heading);
    if (s.tiles) keyFigureTiles(doc, s.tiles, { height: 50, valueFont: 13 });
    for (const p of s.paragraphs ?? []) {
      ensureSpace(doc, 30);
      doc.font("Helvetica").fontSize(9.5).fillColor("#161616").text(pdfText(p), MARGIN, doc.y).moveDown(0.4);
    }
    for (const t of s.tables ?? []) table(doc, t, "source : Passerelle");
  }
  finishStatePdf(doc, d.footer);
  return done;
}

/** XLSX: one sheet of tiles and paragraphs per section, one sheet per table. */
export async function renderFinancingXlsx(d: FinancingDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Passerelle";
  wb.title = `${d.title} — ${d.subtitle}`;
  const summary = wb.addWorksheet("Synthèse");
  summary.addRow([d.title]).font = { bold: true, size: 14 };
  summary.addRow([d.subtitle]);
  summary.addRow([`Généré le ${d.generatedOn}`]);
  const used = new Set<string>(["Synthèse"]);
  for (const s of d.sections) {
    summary.addRow([]);
    summary.addRow([s.heading]).font = { bold: true };
    for (const tile of s.tiles ?? []) summary.addRow([tile.label, tile.value]);
    for (const p of s.paragraphs ?? []) summary.addRow([p]);
    for (const t of s.tables ?? []) {
      let name = t.title.replace(/[\\/*?:[\]]/g, " ").slice(0, 28);
      while (used.has(name)) name = `${name.slice(0, 25)} ${used.size}`;
      used.add(name);
      const ws = wb.addWorksheet(name);
      ws.addRow(t.columns.map((c) => c.label)).font = { bold: true };
      for (const r of t.rows) ws.addRow(r);
      t.columns.forEach((_c, i) => {
        ws.getColumn(i + 1).width = i === 0 ? 40 : 18;
      });
      ws.views = [{ state: "frozen", ySplit: 1 }];
    }
  }
  summary.getColumn(1).width = 60;
  summary.getColumn(2).width = 30;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
