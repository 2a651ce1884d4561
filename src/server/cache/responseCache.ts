// In-process cache of computed responses, keyed by (request key, data generation). The generation is read
// from the database at each request (readDataGeneration), so a write committed by any server on the same
// database is visible at the next request: entries of an older generation are never served again.
// Concurrent requests for the same missing key share one computation; failures are not cached.
// Access control is NOT this module's job: routes call it after their policy check, with a key made of
// every parameter the response depends on.

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
}

/** Hits and misses of every response cache of the process (/metrics). */
export const cacheLookups = { hits: 0, misses: 0 };

export class ResponseCache<T> {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Promise<T>>();
  #generation = -1;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = 500) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be a positive integer");
    this.#maxEntries = maxEntries;
  }

  /** The cached value of `key` at `generation`, computed by `compute` on a miss. */
  get(key: string, generation: number, compute: () => Promise<T>): Promise<T> {
    if (generation > this.#generation) {
      // Entries of older generations can never be served again: drop them at once.
      this.#entries.clear();
      this.#generation = generation;
    }
    const fullKey = `${generation}\u0000${key}`;
    const found = this.#entries.get(fullKey);
    if (found) {
      this.#hits++;
      cacheLookups.hits++;
      // Least recently used first: re-insert at the end.
      this.#entries.delete(fullKey);
      this.#entries.set(fullKey, found);
      return found;
    }
    this.#misses++;
    cacheLookups.misses++;
    const pending = compute();
    this.#entries.set(fullKey, pending);
    pending.catch(() => {
      if (this.#entries.get(fullKey) === pending) this.#entries.delete(fullKey);
    });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return pending;
  }

  stats(): CacheStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size };
  }
}

/** A stable key of query parameters (order-independent, undefined values left out). */
export function cacheKey(route: string, params: Record<string, string | number | undefined>): string {
  const parts = Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(params[k])}`);
  return `${route}?${parts.join("&")}`;
}
