// The generator's volume is proportional to --scale: nationally ≈ 2.3 million monthly rows a year
// (4.57 M for 2018–2019, seed 1), so a factor must give factor × that (a 0.5 ETP floor once inflated
// 0.002 ~8×: 103,742 rows for 2 years).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Random } from "../../demo/random.js";
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
      expect(etp).toBeGreaterThanOrEqual(2);
      sum += etp;
      kept++;
    }
    expect(sum / n / (20 * factor)).toBeGreaterThan(0.95);
    expect(sum / n / (20 * factor)).toBeLessThan(1.05);
    if (factor <= 0.01) expect(kept).toBeLessThan(n);
  });
});

describe("generateFluxIae volume", () => {
  it("gives ≈ factor × the national 4.57 million monthly rows (2 years)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "passerelle-scale-"));
    try {
      const s = await generateFluxIae({ factor: 0.002, out: dir, seed: 1, years: 2 });
      const expected = 0.002 * 4_570_000;
      expect(s.monthlyRows).toBeGreaterThan(expected * 0.8);
      expect(s.monthlyRows).toBeLessThan(expected * 1.2);
      expect(s.structures).toBeLessThan(3823);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
