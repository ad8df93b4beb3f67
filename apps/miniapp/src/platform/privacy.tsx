import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { privacyGate } from '../services/privacy-gate';

export const AGREE_BUTTON_ID = 'privacy-agree';

export interface AgreeButtonProps {
  onAgree: () => void;
  loading?: boolean;
}

/** weapp: WeChat checks that the user tapped a button of open-type agreePrivacyAuthorization. */
export function AgreePrivacyButton({ onAgree, loading }: AgreeButtonProps) {
  return (
    <Button
      id={AGREE_BUTTON_ID}
      type="primary"
      block
      loading={loading}
      openType="agreePrivacyAuthorization"
      onClick={onAgree}
    >
      同意并继续
    </Button>
  );
}

/**
 * weapp: WeChat holds a phone, location or subscribe-message call until the user agrees; our sheet
 * (the page's <PrivacyGateSheet>) asks, with the reason of the call that is waiting.
 */
export function listenForPrivacyPrompts(
  reason = '使用手机号、位置或消息通知前，请阅读并同意《隐私政策》',
): void {
  // base libraries before 2.32.3 have no privacy check: nothing to answer there
  if (typeof Taro.onNeedPrivacyAuthorization !== 'function') return;
  Taro.onNeedPrivacyAuthorization((resolve) => {
    resolve({ event: 'exposureAuthorization' });
    void privacyGate
      .ask(reason)
      .then((agreed) =>
        resolve(agreed ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' }),
      );
  });
}

/** Before getLocation / requestSubscribeMessage: true once the user agreed (WeChat remembers it). */
export function requirePrivacy(_reason: string): Promise<boolean> {
  return new Promise((resolve) => {
    Taro.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) });
  });
}
