import { decodeScene, isValidScene } from './scene';
import { formatFen } from './money';
import { isChinaMobile, maskPhone } from './phone';

describe('formatFen', () => {
  it('shows yuan with two decimals', () => {
    expect(formatFen(1230)).toBe('¥12.30');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(-199)).toBe('-¥1.99');
    expect(() => formatFen(1.5)).toThrow();
  });
});

describe('phones', () => {
  it('masks the middle digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('12345678')).toBe('123***78');
  });
  it('recognises mainland mobile numbers', () => {
    expect(isChinaMobile('13812345678')).toBe(true);
    expect(isChinaMobile('12812345678')).toBe(false);
    expect(isChinaMobile('1381234567')).toBe(false);
  });
});

describe('scenes', () => {
  it('accepts WeChat scene characters up to 32', () => {
    expect(isValidScene('m1s2c3')).toBe(true);
    expect(isValidScene('a'.repeat(32))).toBe(true);
    expect(isValidScene('a'.repeat(33))).toBe(false);
    expect(isValidScene('有中文')).toBe(false);
    expect(isValidScene('')).toBe(false);
  });
  it('decodes once- or twice-encoded scenes', () => {
    expect(decodeScene('abc%3D1')).toBe('abc=1');
    expect(decodeScene('abc%253D1')).toBe('abc=1');
    expect(decodeScene('plain')).toBe('plain');
    expect(decodeScene(undefined)).toBeNull();
    expect(decodeScene('%E0%A4%A')).toBeNull();
  });
});
