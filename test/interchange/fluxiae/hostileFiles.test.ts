// Hostile FluxIAE inputs are refused quickly, with memory bounded, naming the file and the limit:
// a decompression bomb, a file without line breaks, an archive entry that climbs out of the archive.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { afterAll, describe, expect, test } from "vitest";
import { listEntries } from "../../../src/interchange/fluxiae/container.js";
import { openView, textLines } from "../../../src/interchange/fluxiae/reader.js";
import { ImportInputError } from "../../../src/interchange/importReport.js";
import { inputLimitsFromEnv } from "../../../src/interchange/inputLimits.js";

const dir = mkdtempSync(path.join(tmpdir(), "passerelle-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string, limits = inputLimitsFromEnv({})): Promise<number> {
  let records = 0;
  for (const entry of await listEntries(file, path.basename(file), limits)) {
    const view = await openView(entry);
    for await (const _ of view.records()) records++;
  }
  return records;
}

/** 1 GiB of valid-looking lines, gzipped as 64 concatenated members of 16 MiB (a few MiB on disk). */
async function writeGzipBomb(file: string): Promise<void> {
  const line = "pph_id|ctr_id|emi_nb_heures_travail\n";
  const header = gzipSync(Buffer.from(line));
  const row = `${"1".repeat(50)}|${"2".repeat(50)}|${"3".repeat(26)}\n`; // 128 bytes, a real row's width
  const block = gzipSync(Buffer.from(row.repeat((16 * 1024 ** 2) / row.length)), { level: 9 });
  const out = createWriteStream(file);
  out.write(header);
  for (let i = 0; i < 64; i++) out.write(block);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

describe("hostile FluxIAE files", () => {
  test("a 1 GiB gzip bomb is refused by the ratio limit after 16 MiB, naming the file and the limit", { timeout: 60_000 }, async () => {
    const file = path.join(dir, "fluxIAE_EtatMensuelIndiv_31122019_235959.csv.gz");
    await writeGzipBomb(file);
    const rssBefore = process.memoryUsage().rss;
    const t0 = Date.now();
    const error = await readAll(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportInputError);
    expect((error as Error).message).toContain("fluxIAE_EtatMensuelIndiv_31122019_235959.csv.gz");
    expect((error as Error).message).toContain("PASSERELLE_IMPORT_MAX_RATIO");
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 ** 2);
    expect(Date.now() - t0).toBeLessThan(45_000);
  });

  test("the size cap holds whatever the ratio (a small cap for the test)", async () => {
    const file = path.join(dir, "gros.csv.gz");
    writeFileSync(file, gzipSync(Buffer.from(`a|b\n${"1|2\n".repeat(300_000)}`)));
    const limits = { ...inputLimitsFromEnv({}), maxDecompressedBytes: 1024 ** 2 };
    await expect(readAll(file, limits)).rejects.toThrow(/gros\.csv\.gz : plus de .*PASSERELLE_IMPORT_MAX_BYTES/);
    expect(await readAll(file)).toBe(300_000);
  });

  test("a line without a break is refused at the line limit, in linear time", async () => {
    async function* noBreak(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 4096; i++) yield Buffer.alloc(64 * 1024, 0x41);
    }
    const t0 = Date.now();
    const lines = textLines(noBreak(), "sans-fin.csv", 8 * 1024 * 1024);
    await expect(lines.next()).rejects.toThrow(/sans-fin\.csv, ligne 1 : ligne de plus de 8388608 caractères/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test("a ZIP entry named with .. or an absolute path is refused before anything is read", async () => {
    for (const name of ["../../x.csv", "/etc/x.csv", "a/../../x.csv"]) {
      const file = path.join(dir, "hostile.zip");
      writeFileSync(file, zipSync({ [name]: Buffer.from("a|b\n1|2\n") }));
      await expect(listEntries(file, "livraison.zip")).rejects.toThrow(/livraison\.zip:.*nom d'entrée refusé/);
    }
  });
});
