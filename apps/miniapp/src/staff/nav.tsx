import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { StaffMe } from '@allycard/contracts';
import { staffApi, staffToken } from '../services/api';
import { ROUTES } from '../services/routes';

const ITEMS = [
  { key: 'verify', text: '验卡核销', url: ROUTES.staffVerify },
  { key: 'records', text: '今日记录', url: ROUTES.staffRecords },
  { key: 'pickup', text: '提货核销', url: ROUTES.staffPickup },
  { key: 'orders', text: '订单', url: ROUTES.staffOrders },
] as const;

export const STAFF_ROLE_TEXT: Record<StaffMe['role'], string> = { clerk: '店员', merchant_admin: '店长' };

/** Who is signed in, per token: asked once, shown on every staff page. */
let known: { token: string; me: StaffMe } | null = null;

/** The store and the account signed in (a shared tablet changes hands: the clerk sees whose it is). */
export function StaffWho() {
  const token = staffToken.get();
  const [me, setMe] = useState<StaffMe | null>(known && known.token === token ? known.me : null);
  useEffect(() => {
    if (!token || me) return;
    let live = true;
    // A failure shows nothing here: the page's own request reports it (and a 401 signs out).
    staffApi.staffMe().then(
      (answer) => {
        known = { token, me: answer };
        if (live) setMe(answer);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [token, me]);
  if (!me) return null;
  return (
    <View className="staff-who">
      <Text className="staff-who__store">{me.merchantName}</Text>
      <Text className="staff-who__account">
        {me.username} · {STAFF_ROLE_TEXT[me.role]}
      </Text>
    </View>
  );
}

/** The counter tasks, one tap apart, under the store and account signed in. */
export function StaffNav({ current }: { current: (typeof ITEMS)[number]['key'] }) {
  return (
    <>
      <StaffWho />
      <View className="staff-nav">
        {ITEMS.map((item) => (
          <Text
            key={item.key}
            className={`staff-nav__item${item.key === current ? ' staff-nav__item--active' : ''}`}
            onClick={() => {
              if (item.key !== current) void Taro.redirectTo({ url: item.url });
            }}
          >
            {item.text}
          </Text>
        ))}
      </View>
    </>
  );
}
