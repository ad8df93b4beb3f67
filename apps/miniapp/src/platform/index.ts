/**
 * Everything that differs between weapp and h5. Each module has a weapp file and, where h5 differs,
 * a `.h5` twin that Taro's multi-platform resolver picks when building for h5, so pages never look at
 * TARO_ENV themselves.
 */
export { API_BASE_URL } from './config';
export { getLoginCode } from './login';
export { PhoneCodeButton, type PhoneCodeButtonProps } from './phone';
export { canScan, scanMemberCode, scanPickupCode } from './scan';
export { SharePanel, deliverShare, shareLink, useShareTarget, type ShareTarget } from './share';
