/**
 * Numeric keyboards for the fields that take only numbers, spread onto NutUI's <Input>. On weapp
 * `digit` is the number pad with a decimal point (amounts) and `number` the bare number pad (codes).
 */
export const amountKeyboard = { type: 'digit' } as const;
export const digitsKeyboard = { type: 'number' } as const;
