import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import type * as weapp from './privacy';
import { privacyGate } from '../services/privacy-gate';

const AGREED_KEY = 'allycard.privacyAgreed';

export const AGREE_BUTTON_ID = 'privacy-agree';

/** h5: a plain button; there is no WeChat to tell. */
export function AgreePrivacyButton({ onAgree, loading }: weapp.AgreeButtonProps) {
  return (
    <Button id={AGREE_BUTTON_ID} type="primary" block loading={loading} onClick={onAgree}>
      同意并继续
    </Button>
  );
}

/** h5 has no WeChat prompt to listen for: requirePrivacy asks itself. */
export function listenForPrivacyPrompts(): void {}

/** h5 stands in for WeChat's privacy check: the same sheet, once; the answer is kept on the device. */
export async function requirePrivacy(reason: string): Promise<boolean> {
  if (Taro.getStorageSync(AGREED_KEY) === 'yes') return true;
  const agreed = await privacyGate.ask(reason);
  if (agreed) Taro.setStorageSync(AGREED_KEY, 'yes');
  return agreed;
}

AgreePrivacyButton satisfies typeof weapp.AgreePrivacyButton;
requirePrivacy satisfies typeof weapp.requirePrivacy;
