import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ROUTES } from '../services/routes';

const ITEMS = [
  { key: 'verify', text: '验卡核销', url: ROUTES.staffVerify },
  { key: 'pickup', text: '提货核销', url: ROUTES.staffPickup },
  { key: 'orders', text: '订单', url: ROUTES.staffOrders },
] as const;

/** The counter tasks, one tap apart. */
export function StaffNav({ current }: { current: (typeof ITEMS)[number]['key'] }) {
  return (
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
  );
}
