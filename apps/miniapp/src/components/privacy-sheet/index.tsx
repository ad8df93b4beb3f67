import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Popup } from '@nutui/nutui-react-taro';
import type { ConsentState } from '@allycard/contracts';
import { AgreePrivacyButton } from '../../platform';
import { memberApi } from '../../services/api';
import { toastError, toastSuccess } from '../../services/errors';
import { privacyGate, type PrivacyQuestion } from '../../services/privacy-gate';
import { ROUTES, withQuery } from '../../services/routes';
import './index.scss';

export interface PrivacySheetProps {
  visible: boolean;
  title: string;
  /** why the app asks now */
  reason: string;
  busy?: boolean;
  onAgree: () => void;
  onDecline: () => void;
}

/** Links to the two documents, opened in the privacy sub-package. */
export function PolicyLinks({ scene, share }: { scene?: string; share?: string }) {
  // a link inside the join page's agreement row must not tick it
  const open = (doc: 'terms' | 'privacy') => (event: { stopPropagation: () => void }) => {
    event.stopPropagation();
    void Taro.navigateTo({ url: withQuery(ROUTES.policy, { doc, scene, share }) });
  };
  return (
    <>
      <Text className="policy-link" onClick={open('terms')}>
        《用户协议》
      </Text>
      和
      <Text className="policy-link" onClick={open('privacy')}>
        《隐私政策》
      </Text>
    </>
  );
}

/** The unticked agreement above a join button (join page, a friend's coupon): never pre-ticked. */
export function ConsentCheck(props: {
  checked: boolean;
  onToggle: () => void;
  scene?: string;
  share?: string;
}) {
  // aria-* on Taro's H5 components as strings: under Preact (the H5 build) Taro's component wrapper
  // copies a boolean onto the element as a property only, and the attribute would keep its first value
  return (
    <View
      className="consent-check"
      role="checkbox"
      aria-checked={props.checked ? 'true' : 'false'}
      onClick={props.onToggle}
    >
      <View className={`consent-check__tick${props.checked ? ' consent-check__tick--on' : ''}`}>
        {props.checked ? '✓' : ''}
      </View>
      <Text className="consent-check__text">
        我已阅读并同意
        <PolicyLinks scene={props.scene} share={props.share} />
      </Text>
    </View>
  );
}

/** The privacy sheet: the reason, both documents, agree or not. Never agreed for the user. */
export function PrivacySheet({ visible, title, reason, busy, onAgree, onDecline }: PrivacySheetProps) {
  return (
    <Popup className="privacy-sheet" visible={visible} position="bottom" round closeOnOverlayClick={false}>
      <View className="privacy-sheet__body">
        <Text className="privacy-sheet__title">{title}</Text>
        <Text className="privacy-sheet__reason">{reason}</Text>
        <View className="privacy-sheet__docs">
          请阅读
          <PolicyLinks />
          ，同意后继续。
        </View>
        <AgreePrivacyButton loading={busy} onAgree={onAgree} />
        <Button className="privacy-sheet__decline" fill="none" block disabled={busy} onClick={onDecline}>
          暂不同意
        </Button>
      </View>
    </Popup>
  );
}

/** Answers the platform layer's privacy questions (phone, location, messages) on this page. */
export function PrivacyGateSheet() {
  const [question, setQuestion] = useState<PrivacyQuestion | null>(null);
  useEffect(() => privacyGate.subscribe(setQuestion), []);
  return (
    <PrivacySheet
      visible={question !== null}
      title="隐私保护提示"
      reason={question?.reason ?? ''}
      onAgree={() => question?.answer(true)}
      onDecline={() => question?.answer(false)}
    />
  );
}

/**
 * A member who has not agreed to the current version (a new one was published, or the member joined
 * before there was one) is asked again; GET /me says so. Declining asks again at the next visit.
 */
export function ConsentSheet({ consent }: { consent: ConsentState | undefined }) {
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const version = consent?.currentVersion ?? null;
  const agree = async () => {
    if (version === null) return;
    setBusy(true);
    try {
      await memberApi.acceptPolicy(version);
      setDismissed(version);
      toastSuccess('已同意');
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PrivacySheet
      visible={!!consent?.required && dismissed !== version}
      title={consent?.acceptedVersion ? '用户协议和隐私政策已更新' : '请阅读用户协议和隐私政策'}
      reason="我们更新了会员服务的协议和隐私政策，请阅读后确认。"
      busy={busy}
      onAgree={() => void agree()}
      onDecline={() => setDismissed(version)}
    />
  );
}
