// Annual report as one self-contained HTML page (inline CSS, SVG charts, definitions as hover titles and footnotes).
import { layoutChart, type Primitive } from "./chartLayout.js";
import { formatCell, type ReportChart, type ReportModel, type ReportTable } from "./reportModel.js";

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function svg(chart: ReportChart, width = 640, height = 260): string {
  const parts = layoutChart(chart, width, height).map((p: Primitive) => {
    switch (p.type) {
      case "rect":
        return `<rect x="${p.x.toFixed(1)}" y="${p.y.toFixed(1)}" width="${p.w.toFixed(1)}" height="${p.h.toFixed(1)}" fill="${p.color}"/>`;
      case "line":
        return `<polyline fill="none" stroke="${p.color}" stroke-width="${p.width}"${p.dash ? ' stroke-dasharray="4 3"' : ""} points="${p.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}"/>`;
      case "text":
        return `<text x="${p.x.toFixed(1)}" y="${p.y.toFixed(1)}" font-size="${p.size}" text-anchor="${p.anchor}" fill="${p.color}">${escapeHtml(p.text)}</text>`;
    }
    return "";
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(chart.title)}" font-family="Marianne, Arial, sans-serif">${parts.join("")}</svg>`;
}

function table(t: ReportTable, footnote: (key: string) => number): string {
  const head = t.columns.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join("");
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r
          .map((v, i) => {
            const col = t.columns[i];
            const text = escapeHtml(formatCell(v, col?.format));
            return i === 0 ? `<th scope="row">${text}</th>` : `<td class="${typeof v === "number" ? "num" : ""}">${text}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  const notes = t.definitions.map((k) => `<a href="#def-${k}">${footnote(k)}</a>`).join(", ");
  return `<section class="table" id="tab-${t.id}"><h3>${escapeHtml(t.title)}<sup class="notes">${notes}</sup></h3>
<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div></section>`;
}

export function renderReportHtml(model: ReportModel): string {
  const order = model.definitions.map((d) => d.key as string);
  const footnote = (key: string) => order.indexOf(key) + 1;
  const defOf = new Map(model.definitions.map((d) => [d.key as string, d.definition]));
  const highlights = model.highlights
    .map(
      (h) =>
        `<div class="tile" title="${escapeHtml(defOf.get(h.definition) ?? "")}"><p class="value">${escapeHtml(h.value)}</p><p class="label">${escapeHtml(h.label)}<sup><a href="#def-${h.definition}">${footnote(h.definition)}</a></sup></p></div>`,
    )
    .join("\n");
  const tables = model.tables
    .filter((t) => t.printable)
    .map((t) => table(t, footnote))
    .join("\n");
  const omitted = model.tables
    .filter((t) => !t.printable)
    .map((t) => `<p class="omitted">Le tableau « ${escapeHtml(t.title)} » (${t.rows.length} lignes) est disponible en CSV et XLSX.</p>`);
  const charts = model.charts
    .map((c) => `<figure id="graph-${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>${svg(c)}</figure>`)
    .join("\n");
  const defs = model.definitions
    .map((d, i) => `<li id="def-${d.key}"><strong>${i + 1}. ${escapeHtml(d.label)}</strong> — ${escapeHtml(d.definition)}</li>`)
    .join("\n");
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)} — ${escapeHtml(model.subtitle)}</title>
<style>
body{font-family:Marianne,Arial,sans-serif;color:#161616;max-width:60rem;margin:0 auto;padding:1.5rem;line-height:1.5}
header{border-bottom:4px solid #000091;margin-bottom:1.5rem}h1{font-size:1.8rem;margin:.2rem 0}h2{color:#000091;margin-top:2rem}
.subtitle{font-size:1.2rem;color:#3a3a3a;margin:0 0 .5rem}.meta{color:#666;font-size:.85rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.75rem}
.tile{background:#f5f5fe;border-bottom:3px solid #000091;padding:.75rem}.tile .value{font-size:1.6rem;font-weight:700;margin:0}.tile .label{margin:0;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}
thead th{background:#000091;color:#fff}td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}
figure{margin:1.5rem 0}figcaption{font-weight:700;margin-bottom:.25rem}svg{width:100%;height:auto}
sup a{text-decoration:none}.definitions li{margin-bottom:.4rem;font-size:.85rem}.omitted{font-style:italic}
</style></head>
<body>
<header><h1>${escapeHtml(model.title)}</h1><p class="subtitle">${escapeHtml(model.subtitle)}</p>
<p class="meta">Généré par Passerelle le ${escapeHtml(model.generatedOn)} à partir des annexes financières, des états mensuels et des sorties enregistrés.</p></header>
<main>
<section aria-label="Chiffres clés" class="tiles">
${highlights}
</section>
<h2>L'essentiel</h2>
${model.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
<h2>Graphiques</h2>
${charts}
<h2>Tableaux</h2>
${tables}
${omitted.join("\n")}
<h2>Définitions</h2>
<ol class="definitions" style="list-style:none;padding:0">
${defs}
</ol>
</main></body></html>
`;
}
