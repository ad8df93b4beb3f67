import { useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { Coupon, MemberCode, MemberProfile } from '@allycard/contracts';
import { CouponItem } from '../../components/coupon-item';
import { MemberCard } from '../../components/member-card';
import { MemberQr } from '../../components/member-qr';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { errorMessage, hasCode, toastError } from '../../services/errors';
import { ROUTES } from '../../services/routes';
import { withMember } from '../../services/session';
import { clearWelcomeCoupons, loadWelcomeCoupons } from '../../services/welcome';
import './index.scss';

/** Fetch the next member code this long before the current one expires (codes live ≤ 60 s). */
export const CODE_REFRESH_LEAD_MS = 5_000;
const MIN_REFRESH_MS = 10_000;
const MAX_REFRESH_MS = 55_000;

/** Delay until the next code, bounded so a phone whose clock is off neither hammers nor lets codes lapse. */
export function refreshDelay(expiresAt: string, now = Date.now()): number {
  const left = Date.parse(expiresAt) - now - CODE_REFRESH_LEAD_MS;
  if (Number.isNaN(left)) return MIN_REFRESH_MS;
  return Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, left));
}

type CardState =
  { status: 'loading' } | { status: 'ready'; profile: MemberProfile } | { status: 'error'; message: string };

export default function CardPage() {
  const [state, setState] = useState<CardState>({ status: 'loading' });
  const [code, setCode] = useState<MemberCode | null>(null);
  const [codeStatus, setCodeStatus] = useState<'idle' | 'refreshing' | 'failed'>('idle');
  const [welcome, setWelcome] = useState<Coupon[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const visible = useRef(false);
  const loaded = useRef(false);

  const stopTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  const showCode = (next: MemberCode) => {
    setCode(next);
    setCodeStatus('idle');
    stopTimer();
    if (visible.current)
      timer.current = setTimeout(() => void refreshCode(false), refreshDelay(next.expiresAt));
  };

  const refreshCode = async (byTap: boolean) => {
    setCodeStatus('refreshing');
    try {
      showCode(await memberApi.memberCode());
    } catch (error) {
      setCodeStatus('failed');
      if (hasCode(error, 401)) void load();
      else if (byTap) toastError(error);
    }
  };

  const load = async () => {
    if (!loaded.current) setState({ status: 'loading' });
    try {
      const res = await withMember(() => Promise.all([memberApi.me(), memberApi.memberCode()]));
      if (!res) {
        stopTimer();
        await Taro.redirectTo({ url: ROUTES.join });
        return;
      }
      const [profile, memberCode] = res;
      loaded.current = true;
      setState({ status: 'ready', profile });
      showCode(memberCode);
    } catch (error) {
      if (!loaded.current) setState({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  useDidShow(() => {
    visible.current = true;
    setWelcome(loadWelcomeCoupons());
    void load();
  });
  // A code refreshed in the background is wasted and keeps the phone awake: stop while hidden.
  useDidHide(() => {
    visible.current = false;
    stopTimer();
  });
  useUnload(() => {
    visible.current = false;
    stopTimer();
  });

  if (state.status === 'loading') return <PageState status="loading" title="正在打开会员卡…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="会员卡没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void load()}
      />
    );
  }

  const { profile } = state;
  return (
    <View className="page card">
      <MemberCard member={profile} />

      <View className="section">
        <MemberQr
          code={code?.code ?? null}
          refreshing={codeStatus === 'refreshing'}
          failed={codeStatus === 'failed'}
          onRefresh={() => void refreshCode(true)}
        />
      </View>

      <View className="section">
        <Text className="section__title">我的券</Text>
        {welcome.length ? (
          <View className="card__welcome">
            <Text className="card__welcome-title">入会礼券已到账</Text>
            {welcome.map((coupon) => (
              <CouponItem key={coupon.id} coupon={coupon} />
            ))}
            <Button
              size="small"
              fill="none"
              onClick={() => {
                clearWelcomeCoupons();
                setWelcome([]);
              }}
            >
              知道了
            </Button>
          </View>
        ) : profile.couponCount > 0 ? (
          <View className="card__coupon-count">
            你有 <Text className="card__coupon-number">{profile.couponCount}</Text>{' '}
            张可用券，结账时出示会员码即可使用
          </View>
        ) : (
          <PageState status="empty" compact title="还没有券" description="入会礼和联盟活动的券会放在这里" />
        )}
      </View>
    </View>
  );
}
