import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../context.js";
import { envelopeOptions, register } from "./envelope.js";

describe("envelope options", () => {
  it("validates département, year and an observation date inside the year", () => {
    expect(envelopeOptions({ departement: "62", year: "2019", at: "2019-06-30" }, true)).toEqual({
      departement: "62",
      year: 2019,
      at: "2019-06-30",
    });
    expect(envelopeOptions({ departement: "2a", year: "2019" }, false)).toEqual({ departement: "2A", year: 2019, at: "2019-12-31" });
    expect(() => envelopeOptions({ departement: "62", year: "2019", at: "2020-01-31" }, true)).toThrow(/pas dans l'année/);
    expect(() => envelopeOptions({ departement: "62", year: "2019", at: "2019-02-30" }, true)).toThrow(InvalidInputError);
    expect(() => envelopeOptions({ departement: "62", year: "2019" }, true)).toThrow(/--at/);
    expect(() => envelopeOptions({ year: "2019", at: "2019-06-30" }, true)).toThrow(/--departement/);
    expect(() => envelopeOptions({ departement: "62", year: "19" }, false)).toThrow(/--year/);
  });
  it("registers `envelope` and its `backtest` subcommand", () => {
    const program = new Command();
    register(program);
    const envelope = program.commands.find((c) => c.name() === "envelope");
    expect(envelope?.commands.map((c) => c.name())).toEqual(["backtest"]);
  });
});
