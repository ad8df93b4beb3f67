import type * as weapp from './keyboard';

// NutUI renders `digit` as a plain text field in a browser (and `number` as `tel`), so a phone would
// open its full keyboard: `inputmode` asks for the number pad instead, and keeps the field text so a
// code typed with spaces or an amount with a decimal point is not thrown away as an invalid number.
export const amountKeyboard = { type: 'digit', nativeProps: { inputMode: 'decimal' } } as const;
export const digitsKeyboard = { type: 'number', nativeProps: { inputMode: 'numeric' } } as const;

amountKeyboard satisfies typeof weapp.amountKeyboard;
digitsKeyboard satisfies typeof weapp.digitsKeyboard;
