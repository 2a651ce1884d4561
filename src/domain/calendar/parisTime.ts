// Wall-clock parts of an instant in Europe/Paris time (the ASP's clock), for file names and timestamps.

const pad2 = (n: number) => String(n).padStart(2, "0");

const PARIS = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

// Europe/Paris offset per UTC hour (DST changes happen on whole UTC hours): Intl is slow, and an
// export formats millions of timestamps, so the offset is computed once per hour and cached.
const offsetByUtcHour = new Map<number, number>();

function parisOffsetMs(utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const parts = Object.fromEntries(PARIS.formatToParts(new Date(hour * 3_600_000)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    offset = asUtc - hour * 3_600_000;
    if (offsetByUtcHour.size > 100_000) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/** The calendar day in France (Europe/Paris) of an instant, YYYY-MM-DD: the day the users live in. */
export function parisDay(d: Date): string {
  const p = parisParts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

export function parisParts(d: Date): { year: string; month: string; day: string; hour: string; minute: string; second: string } {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError("date invalide");
  const local = new Date(ms + parisOffsetMs(ms));
  return {
    year: String(local.getUTCFullYear()),
    month: pad2(local.getUTCMonth() + 1),
    day: pad2(local.getUTCDate()),
    hour: pad2(local.getUTCHours()),
    minute: pad2(local.getUTCMinutes()),
    second: pad2(local.getUTCSeconds()),
  };
}
