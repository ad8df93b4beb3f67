/** Longest username an account may have, after normalising. */
export const USERNAME_MAX = 64;

/**
 * The one form a username is compared in: NFKC (fullwidth ｃｏｆｆｅｅ is coffee), trimmed, inner
 * whitespace collapsed to one space, lower-cased. Accounts are unique on it and logins look it up,
 * so ` COFFEE `, `Coffee` and `ｃｏｆｆｅｅ` are all the account `coffee`. NFKC runs again after
 * lower-casing because a few lower-case forms are not themselves NFKC (e.g. `İ`).
 */
export function normalizeUsername(input: string): string {
  return input.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase().normalize('NFKC');
}
