export * from './card-number';
export * from './member-code';
export * from './money';
export * from './phone';
export * from './scene';
export * from './tiers';
export * from './coupons';
export * from './points';
