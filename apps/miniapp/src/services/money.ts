import { parseYuan } from '@allycard/domain';

/** The largest amount a clerk may type at the counter: ¥1,000,000.00 (the server's limit). */
export const MAX_COUNTER_AMOUNT_FEN = 100_000_000;

/** A counter amount typed in yuan → fen; null when it is not yuan (see parseYuan) or over the limit. */
export function parseYuanToFen(input: string): number | null {
  const fen = parseYuan(input);
  return fen !== null && fen <= MAX_COUNTER_AMOUNT_FEN ? fen : null;
}
