import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatFen } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { formatDateTime } from '../../services/dates';
import { merchantNames } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { ORDER_STATUS_TEXT, orderSavingsFen } from '../../services/order-text';
import { ROUTES, withQuery } from '../../services/routes';
import type { Order } from '@allycard/contracts';
import './pay.scss';

/** 我的订单: every payment to a merchant, newest first; a tap opens its result (and pays a pending one). */
export default function OrdersPage() {
  const { state, reload } = useMemberPage(async () => {
    const [orders, names] = await Promise.all([memberApi.orders(), merchantNames()]);
    return { orders, names };
  });

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="订单没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const { orders, names } = state.data;
  if (!orders.length) {
    return (
      <PageState
        status="empty"
        title="还没有买单记录"
        description="在联盟商户买单，自动用券、攒积分"
        actionText="去买单"
        onAction={() => void Taro.redirectTo({ url: ROUTES.pay })}
      />
    );
  }

  return (
    <View className="page pay-orders">
      {orders.map((order) => (
        <OrderRow
          key={order.id}
          order={order}
          merchantName={names.get(String(order.merchantId)) ?? '联盟商户'}
        />
      ))}
    </View>
  );
}

function OrderRow({ order, merchantName }: { order: Order; merchantName: string }) {
  const savings = orderSavingsFen(order);
  const facts = [
    formatDateTime(order.paidAt ?? order.createdAt),
    savings > 0 ? `省 ${formatFen(savings)}` : '',
    order.pointsEarned > 0 ? `+${order.pointsEarned} 积分` : '',
  ].filter(Boolean);
  return (
    <View
      className={`pay-order pay-order--${order.status}`}
      onClick={() => void Taro.navigateTo({ url: withQuery(ROUTES.payResult, { id: order.id }) })}
    >
      <View className="pay-order__head">
        <Text className="pay-order__merchant">{merchantName}</Text>
        <Text className="pay-order__status">{ORDER_STATUS_TEXT[order.status]}</Text>
      </View>
      <View className="pay-order__money">
        <Text className="pay-order__payable">{formatFen(order.payableFen)}</Text>
        {order.amountFen !== order.payableFen ? (
          <Text className="pay-order__amount">原价 {formatFen(order.amountFen)}</Text>
        ) : null}
      </View>
      <Text className="pay-order__meta">{facts.join(' · ')}</Text>
      {order.refundedFen > 0 ? (
        <Text className="pay-order__refunded">已退款 {formatFen(order.refundedFen)}</Text>
      ) : null}
      {order.status === 'pending' ? <Text className="pay-order__pay">去支付 ›</Text> : null}
    </View>
  );
}
