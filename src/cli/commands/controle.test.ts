import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../context.js";
import { register, sampleOptions } from "./controle.js";

describe("controle sample options", () => {
  it("needs a département, an ordered period and a seed; the percent is 20–40 (default 30)", () => {
    expect(sampleOptions({ departement: "62", from: "2019-01-01", to: "2019-12-31", seed: "42" })).toEqual({
      departement: "62",
      from: "2019-01-01",
      to: "2019-12-31",
      seed: 42,
      percent: 30,
    });
    expect(sampleOptions({ departement: "62", from: "2019-01-01", to: "2019-12-31", seed: "0", percent: "40" }).percent).toBe(40);
    expect(() => sampleOptions({ departement: "62", from: "2019-01-01", to: "2019-12-31", seed: "1", percent: "50" })).toThrow(/--percent/);
    expect(() => sampleOptions({ departement: "62", from: "2019-12-31", to: "2019-01-01", seed: "1" })).toThrow(/précéder/);
    expect(() => sampleOptions({ departement: "62", from: "2019-01-01", to: "2019-12-31" })).toThrow(/--seed/);
    expect(() => sampleOptions({ departement: "62", from: "2019-01-01", to: "2019-12-31", seed: "-3" })).toThrow(InvalidInputError);
    expect(() => sampleOptions({ from: "2019-01-01", to: "2019-12-31", seed: "1" })).toThrow(/--departement/);
  });
  it("registers `controle sample` and `controle campaigns`", () => {
    const program = new Command();
    register(program);
    expect(program.commands.find((c) => c.name() === "controle")?.commands.map((c) => c.name())).toEqual(["sample", "campaigns"]);
  });
});
