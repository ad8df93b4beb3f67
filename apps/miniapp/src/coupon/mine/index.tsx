import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Tabs } from '@nutui/nutui-react-taro';
import { CouponItem } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { merchantNames } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { SentShare, WalletCoupon } from '@allycard/contracts';
import { formatDateTime } from '../../services/dates';
import '../coupon.scss';

export type WalletTab = 'usable' | 'used' | 'expired';
/** The wallet's tabs: the coupon tabs, and 已赠送 (the coupons the member forwarded). */
type Tab = WalletTab | 'sent';

const TABS: { value: WalletTab; title: string; empty: string }[] = [
  { value: 'usable', title: '可用', empty: '没有可用的券' },
  { value: 'used', title: '已使用', empty: '还没用过券' },
  { value: 'expired', title: '已失效', empty: '没有过期或失效的券' },
];

/**
 * Coupons being forwarded or held by a pending order are still the member's: they stay under 可用.
 * Expired ones and those that can never be used again (a first-order coupon after the first
 * purchase) go under 已失效.
 */
export function walletTab(coupon: WalletCoupon): WalletTab {
  if (coupon.status === 'used') return 'used';
  if (coupon.status === 'expired' || coupon.status === 'void') return 'expired';
  return 'usable';
}

function isTab(value: string | null): value is Tab {
  return value === 'sent' || TABS.some((t) => t.value === value);
}

/** Where a forwarded coupon stands, for the sender. */
export function sentShareLine(share: SentShare): string {
  if (share.status === 'accepted')
    return `好友已领取${share.acceptedAt ? ` · ${formatDateTime(share.acceptedAt)}` : ''}`;
  if (share.status === 'expired') return '好友未领取，已退回你的券包';
  return `等待好友领取 · ${formatDateTime(share.expiresAt)} 前有效`;
}

export default function MyCouponsPage() {
  const [tab, setTab] = useState<Tab>('usable');
  useLoad((params: Record<string, string | undefined>) => {
    const wanted = pageParam(params, 'tab');
    if (isTab(wanted)) setTab(wanted);
  });

  // One request for all tabs: the wallet is small, and every tab shows its count.
  const { state, reload } = useMemberPage(async () => {
    const [coupons, names, shares] = await Promise.all([
      memberApi.coupons(),
      merchantNames(),
      memberApi.sentShares(),
    ]);
    return { coupons, names, shares };
  });

  if (state.status === 'loading') return <PageState status="loading" title="正在打开券包…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="券包没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }

  const { coupons, names, shares } = state.data;
  const open = (coupon: WalletCoupon) =>
    void Taro.navigateTo({ url: withQuery(ROUTES.couponDetail, { id: coupon.id }) });

  return (
    <View className="page coupons wallet">
      <Tabs
        className="coupons__tabs"
        value={tab}
        autoHeight
        onChange={(value) => setTab(String(value) as Tab)}
      >
        {TABS.map((t) => {
          const list = coupons.filter((c) => walletTab(c) === t.value);
          return (
            <Tabs.TabPane
              key={t.value}
              value={t.value}
              title={list.length ? `${t.title}(${list.length})` : t.title}
            >
              <View className={`wallet__list wallet__list--${t.value}`}>
                {t.value === 'usable' && list.length ? (
                  <Text className="coupons__hint">点开券可查看详情、转赠好友；结账时出示会员码即可使用</Text>
                ) : null}
                {list.length ? (
                  list.map((coupon) => (
                    <CouponItem
                      key={coupon.id}
                      coupon={coupon}
                      merchantNames={names}
                      onClick={() => open(coupon)}
                    />
                  ))
                ) : (
                  <PageState
                    status="empty"
                    compact
                    title={t.empty}
                    description={t.value === 'usable' ? '去领券中心看看有什么好券' : undefined}
                    actionText={t.value === 'usable' ? '去领券' : undefined}
                    onAction={() => void Taro.navigateTo({ url: ROUTES.offers })}
                  />
                )}
              </View>
            </Tabs.TabPane>
          );
        })}
        <Tabs.TabPane key="sent" value="sent" title={shares.length ? `已赠送(${shares.length})` : '已赠送'}>
          <View className="wallet__list wallet__list--sent">
            {shares.length ? (
              shares.map((share) => (
                <CouponItem
                  key={share.id}
                  coupon={{ ...share.coupon, forwardable: false, receivedFrom: null }}
                  merchantNames={names}
                  usableLine={sentShareLine(share)}
                />
              ))
            ) : (
              <PageState
                status="empty"
                compact
                title="还没有转赠过券"
                description="可转赠的券点开后选「转赠好友」，好友领取后你可能获得拉新奖励"
              />
            )}
          </View>
        </Tabs.TabPane>
      </Tabs>
      {coupons.some((c) => walletTab(c) === tab) ? (
        <View className="wallet__footer">
          <Text className="coupons__link" onClick={() => void Taro.navigateTo({ url: ROUTES.offers })}>
            领更多券 ›
          </Text>
        </View>
      ) : null}
    </View>
  );
}
