/**
 * mulberry32: a seeded pseudo-random generator (32-bit state, uniform on [0, 1)). Small and fast, not
 * cryptographic: the point is that a recorded seed replays the same sequence.
 */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
