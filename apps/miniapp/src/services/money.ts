import { formatFen, parseYuan } from '@allycard/domain';

/** The largest amount a clerk may type at the counter: ¥1,000,000.00 (the server's limit). */
export const MAX_COUNTER_AMOUNT_FEN = 100_000_000;

/** A counter amount typed in yuan → fen; null when it is not yuan (see parseYuan) or over the limit. */
export function parseYuanToFen(input: string): number | null {
  const fen = parseYuan(input);
  return fen !== null && fen <= MAX_COUNTER_AMOUNT_FEN ? fen : null;
}

/**
 * Why a typed amount cannot be charged, in words for the person typing it (`label` names the field);
 * null when it can. A 0 is an amount, just not one to charge: it is not called a typo.
 */
export function amountProblem(input: string, label = '金额'): string | null {
  const fen = parseYuan(input);
  if (fen === null) return `${label}请填数字，最多两位小数`;
  if (fen === 0) return `${label}要大于 0 元`;
  if (fen > MAX_COUNTER_AMOUNT_FEN) return `${label}最多 ${formatFen(MAX_COUNTER_AMOUNT_FEN)}`;
  return null;
}
