/** Money is integer fen everywhere; this is the one place it becomes text for people, and back. */

export interface FormatFenOptions {
  /** group the yuan by thousands ('¥1,234.50'), for wide report columns */
  grouped?: boolean;
}

/** 1230 → '¥12.30', -5 → '-¥0.05'. */
export function formatFen(fen: number, options: FormatFenOptions = {}): string {
  return `${fen < 0 ? '-' : ''}¥${formatYuan(Math.abs(fen), options)}`;
}

/** 1230 → '12.30': the amount without '¥', as an input box shows it for editing (parseYuan reads it back). */
export function formatYuan(fen: number, options: FormatFenOptions = {}): string {
  if (!Number.isSafeInteger(fen)) throw new Error('fen must be an integer');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const yuan = options.grouped ? whole.toLocaleString('en-US') : String(whole);
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 800 → '8', 850 → '8.5', 1205 → '12.05': yuan as shelves print them (¥8 满50可用), no trailing zeros. */
export function formatYuanShort(fen: number): string {
  return formatYuan(fen)
    .replace(/\.00$/, '')
    .replace(/(\.\d)0$/, '$1');
}

/**
 * Yuan as people type them ('120', '12.5', '.5', '¥ 12.30', '1,234.50') → integer fen, by string
 * arithmetic so no float ever touches money (0.29 * 100 = 28.999999999999996). Null for anything
 * else: empty, negative, more than two decimals, more than 13 yuan digits.
 */
export function parseYuan(text: string): number | null {
  const plain = text.replace(/[\s,，]/g, '').replace(/^[¥￥]/, '');
  const m = /^(\d{0,13})(?:\.(\d{0,2}))?$/.exec(plain);
  if (!m || (!m[1] && !m[2])) return null;
  return Number(m[1] || '0') * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * A discount as shops write it, from the per mille paid: 880 → '8.8折', 885 → '8.85折', exactly —
 * never rounded, so 999 is '9.99折', not a '10折' that would read as no discount.
 */
export function formatZhe(permille: number): string {
  if (!Number.isSafeInteger(permille) || permille < 0)
    throw new Error('permille must be a non-negative integer');
  const fraction = String(permille % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${Math.floor(permille / 100)}${fraction ? `.${fraction}` : ''}折`;
}
