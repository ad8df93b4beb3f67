// The request pool: `concurrency` operations in flight, bounded by a count and by a deadline; and the
// two ways an operation becomes an Outcome (an HTTP answer, or a timed baseline operation).
import { answerDetail, type Answer } from './http.js';
import type { Outcome, Run } from './types.js';

const hr = () => process.hrtime.bigint();
export const msSince = (start: bigint) => Number(hr() - start) / 1e6;

/** Runs task(0 … count-1), `concurrency` at a time; stops dispatching at the deadline. */
export async function runPool(
  count: number,
  concurrency: number,
  deadlineMs: number,
  task: (i: number) => Promise<Outcome>,
): Promise<Run> {
  const results = new Array<Outcome | undefined>(count);
  let next = 0;
  const stopAt = Date.now() + deadlineMs;
  const start = hr();
  const worker = async () => {
    while (next < count && Date.now() < stopAt) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallS = Number(hr() - start) / 1e9;
  return { results: results.filter((r): r is Outcome => r !== undefined), wallS, timedOut: next < count };
}

/** A synchronous loop, one at a time (the crypto-only baseline): the same Run as runPool gives. */
export function runLoop(count: number, step: (i: number) => void): Run {
  const results: Outcome[] = [];
  const start = hr();
  for (let i = 0; i < count; i++) {
    const s = hr();
    try {
      step(i);
      results.push({ outcome: 'ok', code: 'ok', ms: msSince(s) });
    } catch (e) {
      results.push({ outcome: 'error', code: 'error', ms: msSince(s), detail: (e as Error).message });
    }
  }
  return { results, wallS: Number(hr() - start) / 1e9, timedOut: false };
}

/** Sends one request and counts its answer; `judge` names the outcome and the code in the tables. */
export async function countAnswer<T>(
  send: () => Promise<Answer<T>>,
  judge: (res: Answer<T>) => { outcome: Outcome['outcome']; code: string },
): Promise<Outcome> {
  try {
    const res = await send();
    const { outcome, code } = judge(res);
    return outcome === 'error'
      ? { outcome, ms: res.ms, code, detail: answerDetail(res) }
      : { outcome, ms: res.ms, code };
  } catch (e) {
    return { outcome: 'error', ms: NaN, code: 'network', detail: (e as Error).message };
  }
}

/** Times one baseline operation; a thrown error counts as an error with its code. */
export async function timed(
  operation: () => Promise<{ outcome: Outcome['outcome']; code: string }>,
): Promise<Outcome> {
  const start = hr();
  try {
    return { ...(await operation()), ms: msSince(start) };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { outcome: 'error', code: err.code ?? 'error', ms: msSince(start), detail: err.message };
  }
}
