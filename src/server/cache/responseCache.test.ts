import { describe, expect, it } from "vitest";
import { cacheKey, ResponseCache } from "./responseCache.js";

describe("ResponseCache", () => {
  it("computes once per (key, generation) and recomputes at a new generation", async () => {
    const cache = new ResponseCache<number>();
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cache.get("k", 1, compute)).toBe(1);
    expect(await cache.get("k", 1, compute)).toBe(1);
    expect(await cache.get("k", 2, compute)).toBe(2);
    expect(await cache.get("k", 2, compute)).toBe(2);
    expect(cache.stats()).toEqual({ hits: 2, misses: 2, entries: 1 });
  });

  it("shares one computation between concurrent requests and does not keep failures", async () => {
    const cache = new ResponseCache<string>();
    let calls = 0;
    let release: (v: string) => void = () => {};
    const slow = () => {
      calls++;
      return new Promise<string>((r) => {
        release = r;
      });
    };
    const a = cache.get("k", 1, slow);
    const b = cache.get("k", 1, slow);
    release("v");
    expect(await Promise.all([a, b])).toEqual(["v", "v"]);
    expect(calls).toBe(1);
    await expect(cache.get("e", 1, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.get("e", 1, async () => "ok")).toBe("ok");
  });

  it("evicts the least recently used entry beyond its size", async () => {
    const cache = new ResponseCache<string>(2);
    await cache.get("a", 1, async () => "a");
    await cache.get("b", 1, async () => "b");
    await cache.get("a", 1, async () => "a2"); // a is now the most recent
    await cache.get("c", 1, async () => "c");
    expect(await cache.get("a", 1, async () => "a3")).toBe("a");
    expect(await cache.get("b", 1, async () => "b2")).toBe("b2");
  });

  it("builds keys independent of parameter order, without undefined values", () => {
    expect(cacheKey("r", { b: 2, a: "x", c: undefined })).toBe(cacheKey("r", { a: "x", b: 2 }));
    expect(cacheKey("r", { a: "x" })).not.toBe(cacheKey("s", { a: "x" }));
  });
});
