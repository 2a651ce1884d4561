import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compareWithTargets,
  countExaminedExits,
  type ExitCandidate,
  examinedExitGroup,
  exitRates,
  meetsExaminedThreshold,
  recruitmentDurationMonths,
} from "./examined.js";
import { exitGroupOfMotif, exitReferentialFrom, parseExitReferential } from "./referential.js";

const read = (f: string) => readFileSync(new URL(`../../../data/reference/passerelle/${f}`, import.meta.url), "utf8");
const ref = parseExitReferential(read("ref_categorie_sortie.csv"), read("ref_motif_sortie.csv"));

describe("exit referential (iae-reference §6.2)", () => {
  it("maps motifs to groups through the data", () => {
    expect(ref.categories.get("5")?.group).toBe("retrait");
    expect(exitGroupOfMotif(ref, "2")).toBe("positive");
    expect(exitGroupOfMotif(ref, "96")).toBe("durable");
    expect(exitGroupOfMotif(ref, "7")).toBe("other");
    expect(exitGroupOfMotif(ref, "17")).toBe("retrait");
    expect(ref.motifs.size).toBe(23);
    expect(() => exitGroupOfMotif(ref, "99")).toThrow(/exits.motif/);
  });
  it("follows a different referential without code change", () => {
    const other = exitReferentialFrom(
      [{ code: "A", label: "x", group: "retrait", confidence: "H" }],
      [{ code: "7", label: "Au chômage", categoryCode: "A", confidence: "H" }],
    );
    expect(exitGroupOfMotif(other, "7")).toBe("retrait");
    expect(() => exitReferentialFrom([], [{ code: "1", label: "x", categoryCode: "Z", confidence: "H" }])).toThrow(
      /exits.referential.category/,
    );
    expect(() =>
      parseExitReferential("code;label;group;confidence;source\n1;x;weird;H;s", "code;label;category_code;confidence;source"),
    ).toThrow(/exits.referential.group/);
  });
});

const exit = (over: Partial<ExitCandidate>): ExitCandidate => ({
  kind: "ACI",
  recruitmentStart: "2024-01-01",
  exitDate: "2024-06-30",
  hoursWorked: "400",
  motifCode: "3",
  ...over,
});

describe("exits examined (iae-reference §6.3)", () => {
  it("uses PA's duration formula for ACI/EI (days × 0.0328767 > 2.65)", () => {
    expect(recruitmentDurationMonths("2024-01-01", "2024-03-21").toString()).toBe("2.630136"); // 80 days
    expect(meetsExaminedThreshold(exit({ exitDate: "2024-03-21" }))).toBe(false); // 80 days
    expect(meetsExaminedThreshold(exit({ exitDate: "2024-03-22" }))).toBe(true); // 81 days → 2.663
    expect(meetsExaminedThreshold(exit({ kind: "EI", hoursWorked: "0.5" }))).toBe(false);
  });
  it("uses 150 hours for AI/ETTI and 1 hour for EITI", () => {
    expect(meetsExaminedThreshold(exit({ kind: "AI", hoursWorked: "149.99", exitDate: "2025-01-01" }))).toBe(false);
    expect(meetsExaminedThreshold(exit({ kind: "ETTI", hoursWorked: "150", exitDate: "2024-01-02" }))).toBe(true);
    expect(meetsExaminedThreshold(exit({ kind: "EITI", hoursWorked: "1", exitDate: "2024-01-02" }))).toBe(true);
    expect(() => meetsExaminedThreshold(exit({ hoursWorked: "-1" }))).toThrow(/exits.hours/);
    expect(() => meetsExaminedThreshold(exit({ exitDate: "2023-01-01" }))).toThrow(/exits.duration/);
  });
  it("removes retraits and computes the rates and targets", () => {
    expect(examinedExitGroup(exit({ motifCode: "17" }), ref)).toBeNull();
    const exits = [
      exit({ motifCode: "3" }),
      exit({ motifCode: "10" }),
      exit({ motifCode: "5" }),
      exit({ motifCode: "7" }),
      exit({ motifCode: "17" }),
      exit({ motifCode: "7", exitDate: "2025-02-01" }),
      exit({ motifCode: "3", exitDate: "2024-01-15" }),
    ];
    const counts = countExaminedExits(exits, ref, "2024-01-01", "2024-12-31");
    expect(counts).toEqual({ examined: 4, durable: 1, transition: 1, positive: 1, other: 1 });
    const rates = exitRates(counts);
    expect(rates).toEqual({ dynamic: 0.75, durable: 0.25, transition: 0.25, positive: 0.25 });
    expect(compareWithTargets(rates)).toEqual({
      dynamic: { rate: 0.75, target: 0.6, reached: true },
      durable: { rate: 0.25, target: 0.25, reached: true },
    });
    expect(exitRates({ examined: 0, durable: 0, transition: 0, positive: 0, other: 0 }).dynamic).toBeNull();
    expect(compareWithTargets(exitRates({ examined: 0, durable: 0, transition: 0, positive: 0, other: 0 })).dynamic.reached).toBeNull();
  });
});
