import fc from 'fast-check';
import {
  formatCardNumber,
  maskCardNumber,
  groupDigits,
  isValidCardNumber,
  luhnCheckDigit,
  makeCardNumber,
} from './card-number';

describe('card numbers', () => {
  it('computes the Luhn check digit of known numbers', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('453201511283036')).toBe(6);
  });

  it('makes 16-digit numbers that validate and never start with 0', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15}$/), (digits) => {
        const cardNo = makeCardNumber(() => digits);
        expect(cardNo).toHaveLength(16);
        expect(cardNo[0]).not.toBe('0');
        expect(isValidCardNumber(cardNo)).toBe(true);
      }),
    );
  });

  it('catches every single-digit typo', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{15}$/),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (digits, position, delta) => {
          const cardNo = makeCardNumber(() => digits);
          const typo = String((Number(cardNo[position]) + delta) % 10);
          const mistyped = cardNo.slice(0, position) + typo + cardNo.slice(position + 1);
          expect(isValidCardNumber(mistyped)).toBe(false);
        },
      ),
    );
  });

  it('rejects non-digits and wrong lengths', () => {
    expect(isValidCardNumber('123')).toBe(false);
    expect(isValidCardNumber('abcdabcdabcdabcd')).toBe(false);
    expect(() => makeCardNumber(() => '12')).toThrow();
  });

  it('formats in groups of four', () => {
    expect(formatCardNumber('8123456789012345')).toBe('8123 4567 8901 2345');
    expect(maskCardNumber('8123456789012345')).toBe('8123 **** **** 2345');
    expect(maskCardNumber('8123 4567')).toBe('8123 4567');
  });

  it('groups any run of digits in fours from the left, as member codes are shown', () => {
    expect(groupDigits('123400000000017')).toBe('1234 0000 0000 017');
    expect(groupDigits('1234')).toBe('1234');
    expect(groupDigits('')).toBe('');
    expect(groupDigits('1234567890', 5)).toBe('12345 67890');
    expect(groupDigits('12345 678')).toBe('1234 5678');
  });
});
