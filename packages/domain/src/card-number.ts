/**
 * Member card numbers: 16 digits, the last a Luhn check digit, so a mistyped number at the counter is
 * caught before any lookup. The 15 payload digits are random (not a sequence) so a card number tells
 * nobody how many members the alliance has; uniqueness is the database's unique key, with a retry.
 */
export const CARD_NUMBER_LENGTH = 16;

export function luhnCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new Error('payload must be digits');
  let sum = 0;
  // Walk from the right; the digit next to the (future) check digit is doubled.
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidCardNumber(cardNo: string): boolean {
  if (!/^\d+$/.test(cardNo) || cardNo.length !== CARD_NUMBER_LENGTH) return false;
  return luhnCheckDigit(cardNo.slice(0, -1)) === Number(cardNo[cardNo.length - 1]);
}

/**
 * Builds a card number from random digits. `randomDigits(n)` must return n random decimal digits;
 * the caller supplies a cryptographic source. The first digit is never 0 so numbers keep their length
 * in spreadsheets.
 */
export function makeCardNumber(randomDigits: (n: number) => string): string {
  const digits = randomDigits(CARD_NUMBER_LENGTH - 1);
  if (!/^\d+$/.test(digits) || digits.length !== CARD_NUMBER_LENGTH - 1) {
    throw new Error('randomDigits returned something else than digits');
  }
  const payload = (digits[0] === '0' ? '8' : digits[0]) + digits.slice(1);
  return payload + luhnCheckDigit(payload);
}

/**
 * Digits in groups, the way people read a number aloud or type it at the counter: card numbers and
 * member codes in fours (6222 0212 3456 7890), pickup codes in fives.
 */
export function groupDigits(digits: string, size = 4): string {
  return digits.replace(/\s+/g, '').replace(new RegExp(`(\\d{${size}})(?=\\d)`, 'g'), '$1 ');
}

/** 6222 **** **** 7890 — a card number in a list staff see, first and last four digits only. */
export function maskCardNumber(cardNo: string): string {
  const digits = cardNo.replace(/\s+/g, '');
  if (digits.length <= 8) return groupDigits(digits);
  return `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
}

/** 6222 0212 3456 7890 — for display on the card. */
export function formatCardNumber(cardNo: string): string {
  return groupDigits(cardNo);
}
