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
import type { WalletCoupon } from '@allycard/contracts';
import '../coupon.scss';

export type WalletTab = 'usable' | 'used' | 'expired';

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

function isTab(value: string | null): value is WalletTab {
  return TABS.some((t) => t.value === value);
}

export default function MyCouponsPage() {
  const [tab, setTab] = useState<WalletTab>('usable');
  useLoad((params: Record<string, string | undefined>) => {
    const wanted = pageParam(params, 'tab');
    if (isTab(wanted)) setTab(wanted);
  });

  // One request for all tabs: the wallet is small, and every tab shows its count.
  const { state, reload } = useMemberPage(async () => {
    const [coupons, names] = await Promise.all([memberApi.coupons(), merchantNames()]);
    return { coupons, names };
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

  const { coupons, names } = state.data;
  const open = (coupon: WalletCoupon) =>
    void Taro.navigateTo({ url: withQuery(ROUTES.couponDetail, { id: coupon.id }) });

  return (
    <View className="page coupons wallet">
      <Tabs
        className="coupons__tabs"
        value={tab}
        autoHeight
        onChange={(value) => setTab(String(value) as WalletTab)}
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
