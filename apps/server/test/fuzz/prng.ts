/** A small seeded PRNG (mulberry32): the same seed replays the same sequence of requests. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    /** an integer in [0, n) */
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    chance: (p: number) => next() < p,
    hex: (length: number) => Array.from({ length }, () => int(16).toString(16)).join(''),
  };
}

export type Rng = ReturnType<typeof prng>;
