// Small statistics over repeated measurements: median and nearest-rank percentiles.

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile out of range: ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Milliseconds elapsed since `start` (a process.hrtime.bigint() value). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export interface Timed<T> {
  result: T;
  ms: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: elapsedMs(start) };
}

/**
 * Runs fn `warmup` times unmeasured then `runs` times measured; returns the durations (ms) and the last result.
 */
export async function repeat<T>(fn: () => Promise<T>, runs: number, warmup = 1): Promise<{ times: number[]; last: T }> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${runs}`);
  let last: T | undefined;
  for (let i = 0; i < warmup; i++) last = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await timed(fn);
    times.push(t.ms);
    last = t.result;
  }
  return { times, last: last as T };
}
