// Annual report as PDF, generated in-process with pdfkit (no browser): A4, standard Helvetica fonts
// (WinAnsi encoding: text is mapped to it), vector charts from the same layout as the HTML page.
import PDFDocument from "pdfkit";
import { layoutChart } from "./chartLayout.js";
import { formatCell, type ReportChart, type ReportModel, type ReportTable } from "./reportModel.js";

const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/** Maps text to what the standard PDF fonts can show (narrow no-break space, minus sign, ≥ …). */
export function pdfText(s: string): string {
  let out = "";
  for (const ch of s
    .replace(/\u202f/g, "\u00a0")
    .replace(/\u2212/g, "-")
    .replace(/≥/g, ">=")
    .replace(/≤/g, "<=")
    .replace(/[“”]/g, '"')) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 256 || WIN_ANSI_EXTRA.has(ch) ? ch : "?";
  }
  return out;
}

export const MARGIN = 50;
export const BLUE = "#000091";

export type Doc = InstanceType<typeof PDFDocument>;

export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

export function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.8).font("Helvetica-Bold").fontSize(14).fillColor(BLUE).text(pdfText(text), MARGIN, doc.y);
  doc.moveDown(0.3).fillColor("#161616");
}

function chart(doc: Doc, c: ReportChart): void {
  const width = doc.page.width - 2 * MARGIN;
  const height = 210;
  ensureSpace(doc, height + 30);
  doc.font("Helvetica-Bold").fontSize(10).fillColor("#161616").text(pdfText(c.title), MARGIN, doc.y);
  const top = doc.y + 4;
  for (const p of layoutChart(c, width, height)) {
    if (p.type === "rect") doc.rect(MARGIN + p.x, top + p.y, p.w, p.h).fill(p.color);
    else if (p.type === "line") {
      const [first, ...rest] = p.points;
      if (!first) continue;
      doc.save().moveTo(MARGIN + first[0], top + first[1]);
      for (const [x, y] of rest) doc.lineTo(MARGIN + x, top + y);
      if (p.dash) doc.dash(4, { space: 3 });
      doc.lineWidth(p.width).strokeColor(p.color).stroke().undash().restore();
    } else {
      doc.font("Helvetica").fontSize(p.size).fillColor(p.color);
      const text = pdfText(p.text);
      const w = doc.widthOfString(text);
      const x = p.anchor === "middle" ? p.x - w / 2 : p.anchor === "end" ? p.x - w : p.x;
      doc.text(text, MARGIN + x, top + p.y - p.size * 0.8, { lineBreak: false });
    }
  }
  doc.x = MARGIN;
  doc.y = top + height + 12;
}

export function table(doc: Doc, t: ReportTable, footnotes: string): void {
  const width = doc.page.width - 2 * MARGIN;
  const n = t.columns.length;
  const size = n > 6 ? 7 : 8.5;
  const firstW = n > 6 ? width * 0.26 : width * 0.4;
  const widths = t.columns.map((_, i) => (i === 0 ? firstW : (width - firstW) / (n - 1)));
  const pad = 3;
  const rowHeight = (cells: string[], header: boolean) =>
    Math.max(
      ...cells.map((c, i) => {
        doc.font(header || i === 0 ? "Helvetica-Bold" : "Helvetica").fontSize(size);
        return doc.heightOfString(c, { width: (widths[i] ?? 50) - 2 * pad });
      }),
    ) +
    2 * pad;
  const drawRow = (cells: string[], header: boolean, numeric: boolean[]) => {
    const h = rowHeight(cells, header);
    let x = MARGIN;
    const y = doc.y;
    if (header) doc.rect(MARGIN, y, width, h).fill(BLUE);
    cells.forEach((c, i) => {
      const w = widths[i] ?? 50;
      doc
        .font(header || i === 0 ? "Helvetica-Bold" : "Helvetica")
        .fontSize(size)
        .fillColor(header ? "#ffffff" : "#161616");
      doc.text(c, x + pad, y + pad, { width: w - 2 * pad, align: !header && numeric[i] ? "right" : "left" });
      x += w;
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .lineWidth(0.4)
      .strokeColor("#cccccc")
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  ensureSpace(doc, 80);
  doc
    .font("Helvetica-Bold")
    .fontSize(10)
    .fillColor("#161616")
    .text(pdfText(`${t.title} (${footnotes})`), MARGIN, doc.y);
  doc.moveDown(0.3);
  const header = t.columns.map((c) => pdfText(c.label));
  drawRow(header, true, []);
  for (const r of t.rows) {
    const cells = r.map((v, i) => pdfText(formatCell(v, t.columns[i]?.format)));
    const numeric = t.columns.map((c) => c.format !== undefined && c.format !== "text");
    if (doc.y + rowHeight(cells, false) > doc.page.height - MARGIN) {
      doc.addPage();
      drawRow(header, true, []);
    }
    drawRow(cells, false, numeric);
  }
  doc.moveDown(0.8);
}

/** An A4 State document (annual report, dialogue sheet, CDIAE pack) and the promise of its bytes. */
export function openStatePdf(title: string, subtitle: string): { doc: Doc; done: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: { Title: pdfText(`${title} — ${subtitle}`), Author: "Passerelle", Subject: "Insertion par l'activité économique" },
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  return { doc, done };
}

/** Key figures, three tiles per row: the value in bold over its label, a Marianne-blue underline. */
export function keyFigureTiles(
  doc: Doc,
  items: readonly { value: string; label: string }[],
  size: { height: number; valueFont: number },
): void {
  const tileW = (doc.page.width - 2 * MARGIN - 20) / 3;
  const tileH = size.height;
  ensureSpace(doc, tileH * Math.ceil(items.length / 3) + 20);
  const startY = doc.y;
  items.forEach((h, i) => {
    const x = MARGIN + (i % 3) * (tileW + 10);
    const y = startY + Math.floor(i / 3) * (tileH + 10);
    doc.rect(x, y, tileW, tileH).fill("#f5f5fe");
    doc.rect(x, y + tileH - 3, tileW, 3).fill(BLUE);
    doc
      .font("Helvetica-Bold")
      .fontSize(size.valueFont)
      .fillColor("#161616")
      .text(pdfText(h.value), x + 8, y + 8, { width: tileW - 16, lineBreak: false });
    doc
      .font("Helvetica")
      .fontSize(8)
      .text(pdfText(h.label), x + 8, y + size.valueFont + 16, { width: tileW - 16 });
  });
  doc.x = MARGIN;
  doc.y = startY + Math.ceil(items.length / 3) * (tileH + 10) + 5;
}

/** Writes "<footer> — page i/n" at the bottom of every page, then ends the document. */
export function finishStatePdf(doc: Doc, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.font("Helvetica").fontSize(7).fillColor("#666666");
    // Writing below the bottom margin would make pdfkit add a page: lift the margin for the footer.
    doc.page.margins.bottom = 0;
    doc.text(pdfText(`${footer} — page ${i + 1}/${range.count}`), MARGIN, doc.page.height - 30, {
      width: doc.page.width - 2 * MARGIN,
      align: "center",
      lineBreak: false,
    });
  }
  doc.end();
}

/** The first page's head: the blue band, the title, the subtitle and a small grey note. */
export function titlePage(
  doc: Doc,
  text: { title: string; subtitle: string },
  note: string,
  size: { top: number; title: number; subtitle: number },
): void {
  doc.rect(0, 0, doc.page.width, 8).fill(BLUE);
  doc.font("Helvetica-Bold").fontSize(size.title).fillColor("#161616").text(pdfText(text.title), MARGIN, size.top);
  doc.font("Helvetica").fontSize(size.subtitle).fillColor("#3a3a3a").text(pdfText(text.subtitle));
  doc.fontSize(8).fillColor("#666666").text(pdfText(note));
}

/** Renders the report to a PDF buffer. */
export function renderReportPdf(model: ReportModel): Promise<Buffer> {
  const { doc, done } = openStatePdf(model.title, model.subtitle);
  const order = model.definitions.map((d) => d.key as string);
  const notes = (keys: readonly string[]) => `déf. ${keys.map((k) => order.indexOf(k) + 1).join(", ")}`;

  titlePage(
    doc,
    { title: model.title, subtitle: model.subtitle },
    `Généré par Passerelle le ${model.generatedOn} à partir des annexes financières, des états mensuels et des sorties enregistrés.`,
    { top: 60, title: 20, subtitle: 14 },
  );
  doc.moveDown(1);

  keyFigureTiles(
    doc,
    model.highlights.map((h) => ({ value: h.value, label: `${h.label} (${notes([h.definition])})` })),
    { height: 52, valueFont: 16 },
  );

  heading(doc, "L'essentiel");
  doc.font("Helvetica").fontSize(10).fillColor("#161616");
  for (const p of model.paragraphs) {
    ensureSpace(doc, 40);
    doc.text(pdfText(p), MARGIN, doc.y, { align: "justify" }).moveDown(0.5);
  }
  heading(doc, "Graphiques");
  for (const c of model.charts) chart(doc, c);
  heading(doc, "Tableaux");
  for (const t of model.tables) {
    if (t.printable) table(doc, t, notes(t.definitions));
    else {
      ensureSpace(doc, 30);
      doc
        .font("Helvetica-Oblique")
        .fontSize(9)
        .fillColor("#161616")
        .text(pdfText(`Le tableau « ${t.title} » (${t.rows.length} lignes) est disponible en CSV et XLSX.`), MARGIN, doc.y)
        .moveDown(0.5);
    }
  }
  heading(doc, "Définitions");
  model.definitions.forEach((d, i) => {
    ensureSpace(doc, 30);
    doc
      .font("Helvetica-Bold")
      .fontSize(8.5)
      .fillColor("#161616")
      .text(pdfText(`${i + 1}. ${d.label} — `), MARGIN, doc.y, { continued: true });
    doc.font("Helvetica").text(pdfText(d.definition)).moveDown(0.3);
  });
  finishStatePdf(doc, `${model.subtitle} — bilan ${model.year}`);
  return done;
}
