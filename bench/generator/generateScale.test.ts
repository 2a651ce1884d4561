// The generator's volume is proportional to --scale: the national header promises ≈ 3 million
// monthly rows a year, so a factor must give factor × that (a 0.5 ETP floor once inflated 0.002 ~8×).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Random } from "../../src/demo/random.js";
import { generateFluxIae, structureEtp } from "./generateFluxIae.js";

describe("structureEtp", () => {
  it.each([1, 0.1, 0.01, 0.002])("keeps the expected ETP at factor %s", (factor) => {
    const rnd = new Random(3);
    let sum = 0;
    let kept = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const etp = structureEtp(rnd, 20, factor);
      if (etp === null) continue;
      expect(etp).toBeGreaterThanOrEqual(0.5);
      sum += etp;
      kept++;
    }
    expect(sum / n / (20 * factor)).toBeGreaterThan(0.95);
    expect(sum / n / (20 * factor)).toBeLessThan(1.05);
    if (factor <= 0.01) expect(kept).toBeLessThan(n);
  });
});

describe("generateFluxIae volume", () => {
  it("gives ≈ factor × 3 million monthly rows a year", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passerelle-scale-"));
    try {
      const s = await generateFluxIae({ factor: 0.002, out: dir, seed: 1, years: 1 });
      const expected = 0.002 * 3_000_000;
      expect(s.monthlyRows).toBeGreaterThan(expected * 0.7);
      expect(s.monthlyRows).toBeLessThan(expected * 1.3);
      expect(s.structures).toBeLessThan(3823);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
