import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatFen } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { formatDateTime } from '../../services/dates';
import { useMemberPage } from '../../services/member-page';
import { MALL_ORDER_STATUS_TEXT } from '../../services/points-text';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { MallOrder } from '@allycard/contracts';
import { PickupCode } from './pickup-code';
import '../points.scss';
import './index.scss';

export default function MallOrdersPage() {
  const fresh = pageParam(useRouter().params, 'new');
  const { state, reload } = useMemberPage(() => memberApi.mallOrders());

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="兑换记录没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const orders = state.data;
  if (!orders.length) {
    return (
      <PageState
        status="empty"
        title="还没有兑换过"
        description="积分能在积分商城换好礼"
        actionText="去积分商城"
        onAction={() => void Taro.redirectTo({ url: ROUTES.mall })}
      />
    );
  }

  return (
    <View className="page orders">
      {orders.map((order) => (
        <OrderCard
          key={order.id}
          order={order}
          fresh={order.id === fresh && (order.status === 'awaiting_pickup' || order.status === 'completed')}
        />
      ))}
    </View>
  );
}

function OrderCard({ order, fresh }: { order: MallOrder; fresh: boolean }) {
  return (
    <View className={`order order--${order.status}${fresh ? ' order--fresh' : ''}`}>
      {fresh ? <Text className="order__fresh">兑换成功</Text> : null}
      <View className="order__head">
        <Text className="order__title">
          {order.title} × {order.quantity}
        </Text>
        <Text className="order__status">{MALL_ORDER_STATUS_TEXT[order.status]}</Text>
      </View>
      <Text className="order__meta">
        消耗 {order.pointsSpent} 积分{order.cashFen ? ` + ${formatFen(order.cashFen)}` : ''} ·{' '}
        {formatDateTime(order.createdAt)}
      </Text>
      {order.status === 'pending_payment' ? (
        <Text className="order__note">付款后即可提货；15 分钟内未付款将自动取消，积分退回</Text>
      ) : null}
      {order.status === 'pending_payment' && order.paymentOrderId ? (
        <Text
          className="order__link"
          onClick={() =>
            void Taro.navigateTo({ url: withQuery(ROUTES.payResult, { id: order.paymentOrderId! }) })
          }
        >
          去付款 ›
        </Text>
      ) : null}
      {order.status === 'cancelled' ? (
        <Text className="order__note">未付款，兑换已取消，积分已退回</Text>
      ) : null}
      {order.status === 'awaiting_pickup' && order.pickupCode ? (
        <PickupCode code={order.pickupCode} merchantName={order.merchantName} />
      ) : null}
      {order.status === 'fulfilled' ? (
        <Text className="order__note">{order.merchantName ? `已在${order.merchantName}提货` : '已提货'}</Text>
      ) : null}
      {order.coupon ? (
        <Text
          className="order__link"
          onClick={() =>
            void Taro.navigateTo({ url: withQuery(ROUTES.couponDetail, { id: order.coupon!.id }) })
          }
        >
          券「{order.coupon.title}」已放入我的券 ›
        </Text>
      ) : null}
    </View>
  );
}
