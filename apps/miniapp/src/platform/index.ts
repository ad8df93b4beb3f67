/**
 * Everything that differs between weapp and h5. Each module has a weapp file and, where h5 differs,
 * a `.h5` twin that Taro's multi-platform resolver picks when building for h5, so pages never look at
 * TARO_ENV themselves.
 *
 * Paying (`./pay`: WeChat's cashier vs. the sandbox sheet) is imported from its own file by the pay
 * and mall pages only, so that the main package does not carry it.
 */
export { API_BASE_URL } from './config';
export { getLoginCode } from './login';
export { PhoneCodeButton, type PhoneCodeButtonProps } from './phone';
export { canScan, scanMemberCode, scanMerchantScene, scanPickupCode } from './scan';
export { SharePanel, deliverShare, shareLink, useShareTarget, type ShareTarget } from './share';
export { AgreePrivacyButton, listenForPrivacyPrompts, requirePrivacy } from './privacy';
export { requestSubscribe } from './subscribe';
