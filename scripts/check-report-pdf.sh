#!/usr/bin/env bash
# Renders the annual report PDF to PNG pages (pdftoppm, Debian package poppler-utils) and checks that
# every page rendered and is not blank. Usage:
#   scripts/check-report-pdf.sh bilan-62-2019.pdf [out-folder]
# With no PDF given, generates one from the configured database first:
#   scripts/check-report-pdf.sh --departement 62 --year 2019
# Exit 0 when every page rendered, 1 on a bad argument, 2 when a page is missing/blank or a tool is absent.
set -euo pipefail

if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  echo "pdftoppm/pdfinfo introuvables : installer le paquet poppler-utils (apt-get install poppler-utils)" >&2
  exit 2
fi

if [[ $# -ge 1 && "$1" == --* ]]; then
  out_dir=$(mktemp -d)
  pdf="$out_dir/bilan.pdf"
  npm run -s cli -- report "$@" --format pdf --out "$pdf" >&2
else
  pdf=${1:?"usage : $0 <bilan.pdf> [dossier] | $0 --departement <code> --year <AAAA>"}
  out_dir=${2:-$(mktemp -d)}
fi
[[ -f "$pdf" ]] || { echo "fichier introuvable : $pdf" >&2; exit 1; }
mkdir -p "$out_dir"

pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
[[ "${pages:-0}" -ge 1 ]] || { echo "PDF illisible ou sans page : $pdf" >&2; exit 2; }
pdftoppm -r 60 -png "$pdf" "$out_dir/page"
rendered=$(find "$out_dir" -name 'page-*.png' | wc -l)
if [[ "$rendered" -ne "$pages" ]]; then
  echo "$rendered page(s) rendue(s) sur $pages" >&2
  exit 2
fi
# A blank page compresses to almost nothing: each rendered page must carry some drawing.
for png in "$out_dir"/page-*.png; do
  size=$(stat -c %s "$png")
  if [[ "$size" -lt 3000 ]]; then
    echo "page vide ou presque : $png ($size octets)" >&2
    exit 2
  fi
done
echo "$pages page(s) rendue(s) dans $out_dir"
