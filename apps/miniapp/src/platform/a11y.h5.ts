import type * as weapp from './a11y';

// In a browser Taro writes NutUI's `ariaRole` as an `aria-role` attribute, which no screen reader
// knows (and which leaves its aria-checked on an element without a role): give it the real role.
export const switchRole = { role: 'switch', ariaRole: undefined } as const;

switchRole satisfies Record<keyof typeof weapp.switchRole, unknown>;
