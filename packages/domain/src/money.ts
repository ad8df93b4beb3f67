/** Money is integer fen everywhere; this is the one place it becomes text for people. */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error('fen must be an integer');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}
