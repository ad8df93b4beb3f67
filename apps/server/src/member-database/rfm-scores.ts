/**
 * Quintile scores 1–5 of `values`, higher value → higher score: a value's score is
 * ⌊5 × (members ranked below it) / n⌋ + 1, so equal values share a score (the lowest rank of their
 * tie) and each score holds about a fifth of the members.
 */
export function quintiles(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const below = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!below.has(v)) below.set(v, i);
  });
  return values.map((v) => scoreOf(below.get(v)!, values.length));
}

/** The score of a value with `below` of `n` values ranked below it. */
export function scoreOf(below: number, n: number): number {
  return n > 0 ? Math.min(5, Math.floor((5 * below) / n) + 1) : 1;
}

/** The window the scores look at: the 12 months up to `now`. */
export function rfmSince(now: Date): Date {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}
