import { describe, expect, it } from "vitest";
import { loadAdministrativeCriteria, loadAnnualHours, loadBareme, loadExitReferential } from "./loadReferenceFiles.js";

describe("reference files loader", () => {
  it("loads every passerelle reference file from the repo, whatever the cwd", () => {
    expect(loadBareme().length).toBeGreaterThan(100);
    expect(loadAnnualHours()).toHaveLength(5);
    expect(loadExitReferential().motifs.size).toBe(23);
    expect(loadAdministrativeCriteria()).toHaveLength(18);
  });
});
