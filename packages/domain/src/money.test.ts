import fc from 'fast-check';
import { formatFen, formatYuan, formatYuanShort, formatZhe, parseYuan } from './money';

describe('formatFen', () => {
  it('groups thousands when asked', () => {
    expect(formatFen(123_456_789)).toBe('¥1234567.89');
    expect(formatFen(123_456_789, { grouped: true })).toBe('¥1,234,567.89');
    expect(formatFen(-100_000, { grouped: true })).toBe('-¥1,000.00');
  });

  it('refuses what is not whole fen', () => {
    for (const bad of [0.5, NaN, Infinity, 2 ** 53]) expect(() => formatFen(bad)).toThrow();
  });
});

describe('formatYuan', () => {
  it('writes yuan without the sign for an input box', () => {
    expect(formatYuan(11_800)).toBe('118.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-1230)).toBe('-12.30');
    expect(formatYuan(123_456, { grouped: true })).toBe('1,234.56');
  });

  it('is formatFen without the ¥', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.boolean(), (fen, grouped) => {
        expect(formatFen(fen, { grouped }).replace('¥', '')).toBe(formatYuan(fen, { grouped }));
      }),
    );
  });
});

describe('formatYuanShort', () => {
  it('prints yuan as shelves do, without trailing zeros', () => {
    expect(formatYuanShort(800)).toBe('8');
    expect(formatYuanShort(850)).toBe('8.5');
    expect(formatYuanShort(1205)).toBe('12.05');
    expect(formatYuanShort(1000)).toBe('10');
    expect(formatYuanShort(10)).toBe('0.1');
    expect(formatYuanShort(5)).toBe('0.05');
    expect(formatYuanShort(0)).toBe('0');
  });
});

describe('formatZhe', () => {
  it('writes the per mille paid as 折, exactly', () => {
    expect(formatZhe(880)).toBe('8.8折');
    expect(formatZhe(850)).toBe('8.5折');
    expect(formatZhe(885)).toBe('8.85折');
    expect(formatZhe(999)).toBe('9.99折');
    expect(formatZhe(905)).toBe('9.05折');
    expect(formatZhe(500)).toBe('5折');
    expect(formatZhe(1)).toBe('0.01折');
    expect(() => formatZhe(8.5)).toThrow();
  });

  it('reads back as the same per mille: no two discounts look alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (permille) => {
        const m = /^(\d+)(?:\.(\d{1,2}))?折$/.exec(formatZhe(permille));
        expect(m).not.toBeNull();
        expect(Number(m![1]) * 100 + Number((m![2] ?? '').padEnd(2, '0'))).toBe(permille);
      }),
    );
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

  it('round-trips formatFen and formatYuan for every fen in range, grouped or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 - 1 }), fc.boolean(), (fen, grouped) => {
        expect(parseYuan(formatFen(fen, { grouped }))).toBe(fen);
        expect(parseYuan(formatYuan(fen, { grouped }))).toBe(fen);
      }),
    );
  });

  it('refuses amounts past 13 yuan digits instead of losing precision', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{13,20}$/),
        fc.stringMatching(/^(\.\d{0,2})?$/),
        (yuan, cents) => {
          expect(parseYuan(yuan + cents)).toBeNull();
        },
      ),
    );
    expect(parseYuan('9999999999999.99')).toBe(999_999_999_999_999);
  });
});
