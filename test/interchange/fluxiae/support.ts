// Small FluxIAE files made for the tests (written to a temp folder, never committed).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";

export interface TempDir {
  dir: string;
  write(name: string, content: string | Uint8Array): string;
  writeGzip(name: string, content: string): string;
  writeZip(name: string, files: Record<string, string | Uint8Array>): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), "passerelle-fluxiae-"));
  return {
    dir,
    write(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    writeGzip(name, content) {
      const p = path.join(dir, name);
      writeFileSync(p, gzipSync(Buffer.from(content, "utf8")));
      return p;
    },
    writeZip(name, files) {
      const p = path.join(dir, name);
      const data: Record<string, Uint8Array> = {};
      for (const [n, c] of Object.entries(files)) data[n] = typeof c === "string" ? new TextEncoder().encode(c) : c;
      writeFileSync(p, zipSync(data));
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A view file: optional DEB marker, header, rows, optional FIN line (n = rows unless given). */
export function viewText(view: string, header: readonly string[], rows: readonly (readonly (string | null)[])[], opts: { deb?: boolean; fin?: boolean | number; bom?: boolean } = {}): string {
  const pad = "|".repeat(header.length - 1);
  const lines: string[] = [];
  if (opts.deb !== false) lines.push(`DEB${view}07022022_063004${pad}`);
  lines.push(header.join("|"));
  for (const r of rows) lines.push(r.map((v) => v ?? "").join("|"));
  if (opts.fin !== undefined && opts.fin !== false) lines.push(`FIN${opts.fin === true ? rows.length : opts.fin}${pad}`);
  return `${opts.bom ? "\ufeff" : ""}${lines.join("\n")}\n`;
}
