import { useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type {
  Coupon,
  MemberBenefits,
  MemberCode,
  MemberProfile,
  ReferralRewardNotice,
  WalletCoupon,
} from '@allycard/contracts';
import { CouponItem } from '../../components/coupon-item';
import { MemberCard } from '../../components/member-card';
import { MemberQr } from '../../components/member-qr';
import { PageState } from '../../components/page-state';
import { ConsentSheet } from '../../components/privacy-sheet';
import { memberApi } from '../../services/api';
import { errorMessage, hasCode, toastError } from '../../services/errors';
import { ROUTES, withQuery } from '../../services/routes';
import { birthdayGiftText, memberDayBanner } from '../../services/benefits';
import { merchantNames } from '../../services/merchants';
import { withMember } from '../../services/session';
import {
  clearWelcomeCoupons,
  loadWelcomeCoupons,
  markReferralRewardSeen,
  markWelcomeSeen,
  referralRewardSeen,
  welcomeSeen,
} from '../../services/welcome';
import './index.scss';
import { SubscribePrompt } from '../../components/subscribe-sheet';

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

/** What a 拉新 reward gave, in one line. */
export function rewardText(reward: ReferralRewardNotice): string {
  const parts = [
    ...(reward.coupon ? [`「${reward.coupon.title}」已放入券包`] : []),
    ...(reward.points > 0 ? [`+${reward.points} 积分`] : []),
  ];
  return parts.join('，');
}

export default function CardPage() {
  const [state, setState] = useState<CardState>({ status: 'loading' });
  const [code, setCode] = useState<MemberCode | null>(null);
  const [codeStatus, setCodeStatus] = useState<'idle' | 'refreshing' | 'failed'>('idle');
  const [welcome, setWelcome] = useState<Coupon[]>([]);
  const [welcomeOpen, setWelcomeOpen] = useState(false);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [rewardDismissed, setRewardDismissed] = useState(false);
  const [benefits, setBenefits] = useState<MemberBenefits | null>(null);
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
      // the member-day and birthday banners are extras: the card works without them
      memberApi.benefits().then(setBenefits, () => setBenefits(null));
    } catch (error) {
      if (!loaded.current) setState({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  useDidShow(() => {
    visible.current = true;
    const gifts = loadWelcomeCoupons();
    setWelcome(gifts);
    setWelcomeOpen(gifts.length > 0 && !welcomeSeen());
    if (gifts.length) markWelcomeSeen();
    if (gifts.some((c) => c.usableAt === 'merchant')) void merchantNames().then(setNames);
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
  const dismissWelcome = () => {
    clearWelcomeCoupons();
    setWelcome([]);
  };
  const openWelcome = () => {
    dismissWelcome();
    const url =
      welcome.length === 1 ? withQuery(ROUTES.couponDetail, { id: welcome[0].id }) : ROUTES.myCoupons;
    void Taro.navigateTo({ url });
  };

  // a friend's forwarded coupon arrives the same way as the join gifts
  const welcomeBadge = welcome.some((c) => (c as WalletCoupon).receivedFrom) ? '好友赠送' : '入会礼';
  const reward = profile.referralReward;
  const dismissReward = () => {
    if (reward) markReferralRewardSeen(reward.at);
    setRewardDismissed(true);
  };
  const openReward = () => {
    dismissReward();
    const url = reward?.coupon ? withQuery(ROUTES.couponDetail, { id: reward.coupon.id }) : ROUTES.points;
    void Taro.navigateTo({ url });
  };

  const openBenefits = () => void Taro.navigateTo({ url: ROUTES.benefits });

  // The code comes first, above the fold on the smallest phones, as in the coffee chains' apps: at the
  // counter the member opens the card and shows it, nothing to scroll.
  return (
    <View className="page card">
      <MemberQr
        code={code?.code ?? null}
        refreshing={codeStatus === 'refreshing'}
        failed={codeStatus === 'failed'}
        onRefresh={() => void refreshCode(true)}
      />

      <View className="section">
        <MemberCard member={profile} allianceName={profile.alliance?.name || profile.alliance?.cardTitle} />
      </View>

      {welcome.length ? <SubscribePrompt moment="join" /> : null}
      {welcome.length && !welcomeOpen ? (
        <View className="section card__welcome card__welcome--folded" onClick={() => setWelcomeOpen(true)}>
          <Text className="card__welcome-badge">{welcomeBadge}</Text>
          <Text className="card__welcome-title">{welcome.length} 张礼券在你的券包</Text>
          <Text className="card__welcome-more">展开 ›</Text>
        </View>
      ) : null}
      {welcome.length && welcomeOpen ? (
        <View className="section card__welcome">
          <View className="card__welcome-head">
            <Text className="card__welcome-badge">{welcomeBadge}</Text>
            <Text className="card__welcome-title">{welcome.length} 张礼券已放入你的券包</Text>
          </View>
          {welcome.map((coupon) => (
            <CouponItem key={coupon.id} coupon={coupon} merchantNames={names} />
          ))}
          <Text className="card__welcome-hint">点「买单」付款时自动抵扣，或结账时出示会员码由店员核销</Text>
          <View className="card__welcome-actions">
            <Button size="small" fill="none" onClick={dismissWelcome}>
              知道了
            </Button>
            <Button size="small" type="primary" onClick={openWelcome}>
              去使用
            </Button>
          </View>
        </View>
      ) : null}

      {reward && !rewardDismissed && !referralRewardSeen(reward.at) ? (
        <View className="section card__reward">
          <Text className="card__reward-title">好友完成首单，拉新奖励已到账</Text>
          <Text className="card__reward-body">{rewardText(reward)}</Text>
          <View className="card__welcome-actions">
            <Button size="small" fill="none" onClick={dismissReward}>
              知道了
            </Button>
            <Button size="small" type="primary" onClick={openReward}>
              去看看
            </Button>
          </View>
        </View>
      ) : null}

      {benefits?.today.birthday && benefits.birthday ? (
        <View className="section card__benefit card__benefit--birthday" onClick={openBenefits}>
          <Text className="card__benefit-title">生日快乐</Text>
          <Text className="card__benefit-body">
            {benefits.today.birthdayGift ? '生日礼已送到：' : '今天送你 '}
            {birthdayGiftText(benefits.birthday)}
          </Text>
        </View>
      ) : null}
      {benefits && memberDayBanner(benefits) ? (
        <View className="section card__benefit" onClick={openBenefits}>
          <Text className="card__benefit-title">{memberDayBanner(benefits)}</Text>
          <Text className="card__benefit-body">今天买单，积分按会员日倍数到账</Text>
        </View>
      ) : null}

      <View className="section card__pay" onClick={() => void Taro.navigateTo({ url: ROUTES.pay })}>
        <View className="card__pay-main">
          <Text className="card__pay-title">买单</Text>
          <Text className="card__pay-hint">在联盟商户付款，自动用券、积分抵现</Text>
        </View>
        <Text className="card__pay-go">去付款 ›</Text>
      </View>

      <View className="section card__entries">
        <View className="card__entry" onClick={() => void Taro.navigateTo({ url: ROUTES.myCoupons })}>
          <View className="card__entry-figure">
            <Text className="card__entry-value">{profile.couponCount}</Text>
            <Text className="card__entry-unit">张</Text>
          </View>
          <Text className="card__entry-label">我的券</Text>
        </View>
        <View className="card__entry" onClick={() => void Taro.navigateTo({ url: ROUTES.points })}>
          <View className="card__entry-figure">
            <Text className="card__entry-value card__entry-points">{profile.points}</Text>
          </View>
          <Text className="card__entry-label">积分</Text>
        </View>
        <View className="card__entry" onClick={() => void Taro.navigateTo({ url: ROUTES.offers })}>
          <View className="card__entry-figure">
            <Text className="card__entry-word">领好券</Text>
          </View>
          <Text className="card__entry-label">领券中心</Text>
        </View>
        <View className="card__entry" onClick={() => void Taro.navigateTo({ url: ROUTES.mall })}>
          <View className="card__entry-figure">
            <Text className="card__entry-word">兑好礼</Text>
          </View>
          <Text className="card__entry-label">积分商城</Text>
        </View>
        <View
          className="card__entry card__entry--wide"
          onClick={() => void Taro.navigateTo({ url: ROUTES.merchants })}
        >
          <View className="card__entry-figure">
            <Text className="card__entry-word">哪里能用</Text>
          </View>
          <Text className="card__entry-label">联盟商户</Text>
        </View>
        <View className="card__entry card__entry--wide" onClick={openBenefits}>
          <View className="card__entry-figure">
            <Text className="card__entry-word">等级·生日·会员日</Text>
          </View>
          <Text className="card__entry-label">会员权益</Text>
        </View>
      </View>
      <ConsentSheet consent={profile.consent} />
    </View>
  );
}
