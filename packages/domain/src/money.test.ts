import fc from 'fast-check';
import { formatFen, parseYuan } from './money';

describe('formatFen', () => {
  it('groups thousands when asked', () => {
    expect(formatFen(123_456_789)).toBe('¥1234567.89');
    expect(formatFen(123_456_789, { grouped: true })).toBe('¥1,234,567.89');
    expect(formatFen(-100_000, { grouped: true })).toBe('-¥1,000.00');
  });
});

describe('parseYuan', () => {
  it('reads yuan as people type them', () => {
    expect(parseYuan('120')).toBe(12_000);
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('.5')).toBe(50);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('12.')).toBe(1200);
    expect(parseYuan('¥ 12.30')).toBe(1230);
    expect(parseYuan('￥1,234.50')).toBe(123_450);
  });

  it('rejects garbage, negatives and more than two decimals', () => {
    for (const bad of [
      '',
      ' ',
      '.',
      'abc',
      '12a',
      '-1',
      '-0.01',
      '1.234',
      '1.2.3',
      '1e3',
      '0x10',
      '¥',
      '12¥',
      '99999999999999',
    ]) {
      expect(parseYuan(bad)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        const fen = parseYuan(s);
        if (fen !== null) expect(Number.isSafeInteger(fen) && fen >= 0).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.stringMatching(/^\d{3,6}$/), (yuan, decimals) => {
        expect(parseYuan(`-${yuan}`)).toBeNull();
        expect(parseYuan(`${yuan}.${decimals}`)).toBeNull();
      }),
    );
  });

  it('round-trips formatFen for every fen in range, grouped or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 - 1 }), fc.boolean(), (fen, grouped) => {
        expect(parseYuan(formatFen(fen, { grouped }))).toBe(fen);
      }),
    );
  });
});
