// Europe/Paris wall clock of an instant, against Intl on the instants where it is easy to get wrong: around
// midnight UTC (the Paris day is already the next one) and the two DST changes of a year.
import { describe, expect, it } from "vitest";
import { parisDay, parisParts } from "./parisTime.js";

const intlDay = (d: Date) => new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(d);

describe("Paris wall clock", () => {
  it("the Paris day of 23:30 UTC is the next day (UTC+1 in winter, UTC+2 in summer)", () => {
    expect(parisDay(new Date("2019-01-15T23:30:00Z"))).toBe("2019-01-16");
    expect(parisDay(new Date("2019-07-15T21:59:59Z"))).toBe("2019-07-15");
    expect(parisDay(new Date("2019-07-15T22:00:00Z"))).toBe("2019-07-16");
  });

  it("agrees with Intl every 20 minutes around both DST changes of 2019", () => {
    for (const start of ["2019-03-30T20:00:00Z", "2019-10-26T20:00:00Z"]) {
      for (let i = 0; i < 36; i++) {
        const d = new Date(Date.parse(start) + i * 20 * 60_000);
        expect(parisDay(d), d.toISOString()).toBe(intlDay(d));
        const hour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" }).format(d);
        expect(parisParts(d).hour, d.toISOString()).toBe(hour);
      }
    }
  });
});
