/** The largest amount a clerk may type at the counter: ¥1,000,000.00 (the server's limit). */
export const MAX_COUNTER_AMOUNT_FEN = 100_000_000;

/**
 * Yuan as people type them ("120", "12.5", ".5", "¥ 12.30") → integer fen, with string arithmetic so
 * no float ever touches money. Null for anything else: empty, negative, more than two decimals, too big.
 */
export function parseYuanToFen(input: string): number | null {
  const text = input.replace(/[\s,，]/g, '').replace(/^[¥￥]/, '');
  const match = /^(\d{0,9})(?:\.(\d{0,2}))?$/.exec(text);
  if (!match || (!match[1] && !match[2])) return null;
  const yuan = Number(match[1] || '0');
  const cents = Number((match[2] ?? '').padEnd(2, '0'));
  const fen = yuan * 100 + cents;
  return fen <= MAX_COUNTER_AMOUNT_FEN ? fen : null;
}
