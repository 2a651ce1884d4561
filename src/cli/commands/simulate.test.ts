import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register, runSimulateAf } from "./simulate.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (s: string) => out.push(s), e: (s: string) => err.push(s) };
}

describe("passerelle simulate af", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  it("prints one JSON document with the design §5 keys", async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
      writes.push(String(s));
      return true;
    });
    const program = new Command();
    program.exitOverride();
    register(program);
    await program.parseAsync(["simulate", "af", "--kind", "ACI", "--etp", "7.95", "--from", "2021-01-01", "--to", "2021-08-31", "--json"], {
      from: "user",
    });
    const doc = JSON.parse(writes.join("")) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(["kind", "unitAmount", "hoursPerEtp", "months", "total", "modulatedAmount", "monthly"]);
    expect(doc["hoursPerEtp"]).toBe("1820");
    expect(doc["total"]).toBe("109402.64");
    expect(doc["unitAmount"]).toBe("20642.00");
    expect((doc["monthly"] as unknown[])[0]).toEqual({ month: "2021-01", amount: "13675.33" });
    expect(process.exitCode).toBeUndefined();
  });
  it("prints a readable French table", () => {
    const c = capture();
    expect(runSimulateAf({ kind: "AI", etp: "10", from: "2022-01-01", to: "2022-12-31", modulation: "5" }, c.o, c.e)).toBe(0);
    expect(c.out.join("")).toContain("Montant total (socle) : 14\u202f410,00 €");
    expect(c.out.join("")).toContain("Régularisation");
  });
  it("names the option and value on invalid input and sets exit code 1", async () => {
    const c = capture();
    expect(runSimulateAf({ kind: "XYZ", etp: "1", from: "2022-01-01", to: "2022-12-31" }, c.o, c.e)).toBe(1);
    expect(c.err.join("")).toMatch(/--kind.*XYZ/);
    expect(runSimulateAf({ kind: "ACI", etp: "abc", from: "2022-01-01", to: "2022-12-31" }, c.o, c.e)).toBe(1);
    expect(c.err.join("")).toMatch(/--etp.*abc/);
    expect(runSimulateAf({ kind: "ACI", etp: "1", from: "2022-02-30", to: "2022-12-31" }, c.o, c.e)).toBe(1);
    expect(c.err.join("")).toMatch(/--from.*2022-02-30/);
    expect(runSimulateAf({ kind: "ACI", etp: "1", from: "2022-01-01", to: "2022-12-31", modulation: "12" }, c.o, c.e)).toBe(1);
    expect(c.err.join("")).toMatch(/--modulation.*12/);
    expect(c.out).toEqual([]);
    const errWrites: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
      errWrites.push(String(s));
      return true;
    });
    const program = new Command();
    register(program);
    await program.parseAsync(["simulate", "af", "--kind", "EITI", "--etp", "2", "--from", "2025-03-01", "--to", "2025-12-31"], {
      from: "user",
    });
    expect(process.exitCode).toBe(1);
    expect(errWrites.join("")).toMatch(/--unit/);
  });
  it("gives the arrêtés' amounts: ETTI 2021-01-01 = 4 341, Mayotte EITI and ETTI 2021-10-01 = 4 373 and 3 349", () => {
    const json = (o: Parameters<typeof runSimulateAf>[0]) => {
      const c = capture();
      expect(runSimulateAf({ ...o, json: true }, c.o, c.e)).toBe(0);
      return JSON.parse(c.out.join("")) as { unitAmount: string; hoursPerEtp: string };
    };
    expect(json({ kind: "ETTI", etp: "1", from: "2021-01-01", to: "2021-09-30" }).unitAmount).toBe("4341.00");
    expect(json({ kind: "EITI", etp: "1", from: "2021-10-01", to: "2021-12-31", territory: "mayotte" }).unitAmount).toBe("4373.00");
    expect(json({ kind: "ETTI", etp: "1", from: "2021-10-01", to: "2021-12-31", territory: "mayotte" }).unitAmount).toBe("3349.00");
    expect(["ACI", "AI", "EI"].map((kind) => json({ kind, etp: "1", from: "2024-01-01", to: "2024-12-31" }).hoursPerEtp)).toEqual([
      "1820",
      "1607",
      "1505",
    ]);
  });
});
