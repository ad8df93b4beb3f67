import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { MemberProfile } from '@allycard/contracts';
import { formatFen } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { canForward } from '../../services/coupon-text';
import { formatDateTime } from '../../services/dates';
import { toastError, userError } from '../../services/errors';
import { merchantNames } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { orderSavingsFen, refundState, shortTradeNo } from '../../services/order-text';
import { usePayment } from '../../services/payment';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { OrderDetail, WalletCoupon } from '@allycard/contracts';
import { forgetWelcomeCoupon } from '../../services/welcome';
import './pay.scss';
import { SubscribePrompt } from '../../components/subscribe-sheet';

interface ResultData {
  order: OrderDetail;
  profile: MemberProfile;
  merchantName: string;
  /** coupons the member can forward to a friend right now */
  forwardable: WalletCoupon[];
}

/** 支付结果: what was paid and saved, the points, and a friend to invite; or the way to pay again. */
export default function PayResultPage() {
  const params = useRouter().params;
  const id = pageParam(params, 'id') ?? '';
  // how the last payment attempt ended, when it did not go through (the pay page passes it on)
  const [hint, setHint] = useState(pageParam(params, 'state'));
  const payment = usePayment();
  const [paying, setPaying] = useState(false);

  const { state, reload } = useMemberPage<ResultData>(async () => {
    const [order, profile, names, coupons] = await Promise.all([
      memberApi.order(id),
      memberApi.me(),
      merchantNames(),
      memberApi.coupons('available'),
    ]);
    // the join gift used on this order is no longer something to show on the card
    if (order.couponId && order.status !== 'pending' && order.status !== 'closed')
      forgetWelcomeCoupon(order.couponId);
    return {
      order,
      profile,
      merchantName: names.get(String(order.merchantId)) ?? '联盟商户',
      forwardable: coupons.filter(canForward),
    };
  });

  if (state.status === 'loading') return <PageState status="loading" title="正在确认支付结果…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="没查到这笔订单"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const { order, profile, merchantName, forwardable } = state.data;

  const payAgain = async () => {
    if (paying) return;
    if (!order.payParams) {
      void reload();
      return;
    }
    setPaying(true);
    try {
      const outcome = await payment.pay({
        orderId: order.id,
        outTradeNo: order.outTradeNo,
        payableFen: order.payableFen,
        payee: merchantName,
        payParams: order.payParams,
      });
      if (outcome.status === 'failed') toastError(userError(outcome.message));
      setHint(outcome.status === 'cancelled' || outcome.status === 'failed' ? outcome.status : null);
      // this page shows whatever the order is now: paid, still waiting, or closed
      await reload();
    } catch (error) {
      toastError(error);
    } finally {
      setPaying(false);
    }
  };

  const done = () => void Taro.switchTab({ url: ROUTES.card });
  const orderAgain = () =>
    void Taro.redirectTo({ url: withQuery(ROUTES.pay, { merchantId: order.merchantId }) });

  if (order.status === 'pending' || order.status === 'closed') {
    const closed = order.status === 'closed';
    const title = closed
      ? '订单已关闭'
      : hint === 'cancelled'
        ? '支付已取消'
        : hint === 'failed'
          ? '支付没有完成'
          : '正在确认支付结果';
    const note = closed
      ? '超时未支付，订单已关闭；用的券和积分已退回'
      : hint
        ? '订单保留 15 分钟，超时未付将自动关闭，券和积分退回'
        : '如已付款，稍等片刻刷新即可看到结果';
    return (
      <View className={`page pay-result pay-result--${closed ? 'closed' : 'unpaid'}`}>
        <View className="pay-result__hero">
          <View className="pay-result__mark pay-result__mark--unpaid">{closed ? '×' : '!'}</View>
          <Text className="pay-result__title">{title}</Text>
          <Text className="pay-result__merchant">{merchantName}</Text>
          <Text className="pay-result__amount">{formatFen(order.payableFen)}</Text>
          <Text className="pay-result__note">{note}</Text>
        </View>
        <View className="pay-result__actions">
          {closed ? (
            <Button className="pay-result__again" type="primary" block onClick={orderAgain}>
              重新下单
            </Button>
          ) : (
            <>
              <Button
                className="pay-result__again"
                type="primary"
                block
                loading={paying}
                onClick={() => void payAgain()}
              >
                重新支付
              </Button>
              {!hint ? (
                <Button className="pay-result__refresh" fill="outline" block onClick={() => void reload()}>
                  刷新
                </Button>
              ) : null}
            </>
          )}
          <Text className="pay-result__link" onClick={done}>
            返回会员卡
          </Text>
        </View>
        {payment.sheet}
      </View>
    );
  }

  const savings = orderSavingsFen(order);
  const refund = refundState(order);
  const summary = order.refundSummary;
  const rows: { key: string; label: string; value: string }[] = [
    { key: 'amount', label: '原价', value: formatFen(order.amountFen) },
    ...(savings > 0 ? [{ key: 'savings', label: '共优惠', value: `-${formatFen(savings)}` }] : []),
    ...(order.pointsUsed > 0 ? [{ key: 'used', label: '积分抵扣', value: `${order.pointsUsed} 积分` }] : []),
    { key: 'earned', label: '获得积分', value: `+${order.pointsEarned} 积分` },
    ...(summary && summary.processingFen > 0
      ? [{ key: 'processing', label: '退款中', value: formatFen(summary.processingFen) }]
      : []),
    ...(summary && summary.refundedFen > 0
      ? [{ key: 'refunded', label: '已退款', value: formatFen(summary.refundedFen) }]
      : []),
    ...(summary && summary.pointsClawedBack > 0
      ? [{ key: 'clawed', label: '退款扣回积分', value: `-${summary.pointsClawedBack} 积分` }]
      : []),
    ...(summary && summary.pointsReturned > 0
      ? [{ key: 'returned', label: '退回抵扣积分', value: `+${summary.pointsReturned} 积分` }]
      : []),
    ...(summary && summary.refundedFen > 0 && order.couponId
      ? [{ key: 'coupon', label: '优惠券', value: summary.couponReturned ? '已退回券包' : '未退回' }]
      : []),
    { key: 'balance', label: '会员卡积分', value: `${profile.points} 积分` },
    ...(order.paidAt ? [{ key: 'time', label: '支付时间', value: formatDateTime(order.paidAt) }] : []),
    ...(summary?.refundedAt
      ? [{ key: 'refund-time', label: '退款时间', value: formatDateTime(summary.refundedAt) }]
      : []),
  ];
  // the number the shopper quotes to the store: the staff order list shows the same digits
  const copyOrderNo = () => void Taro.setClipboardData({ data: order.outTradeNo }).catch(() => undefined);

  const invite = () => {
    const url =
      forwardable.length === 1
        ? withQuery(ROUTES.couponDetail, { id: forwardable[0].id })
        : withQuery(ROUTES.myCoupons, { tab: 'usable' });
    void Taro.navigateTo({ url });
  };

  return (
    <View className={`page pay-result pay-result--${refund ? 'refund' : 'paid'}`}>
      <View className="pay-result__hero">
        <View className={`pay-result__mark${refund ? ' pay-result__mark--refund' : ''}`}>
          {refund ? '↩' : '✓'}
        </View>
        <Text className="pay-result__title">{refund?.title ?? '支付成功'}</Text>
        <Text className="pay-result__merchant">{merchantName}</Text>
        <Text className="pay-result__amount">{formatFen(order.payableFen)}</Text>
        {refund ? (
          <Text className="pay-result__refunded">{refund.note}</Text>
        ) : savings > 0 ? (
          <Text className="pay-result__saved">本单共省 {formatFen(savings)}</Text>
        ) : null}
      </View>

      <View className="section pay-result__rows">
        {rows.map((row) => (
          <View className={`pay-result__row pay-result__row--${row.key}`} key={row.key}>
            <Text className="pay-result__label">{row.label}</Text>
            <Text className="pay-result__value">{row.value}</Text>
          </View>
        ))}
        <View className="pay-result__row pay-result__row--no" onClick={copyOrderNo}>
          <Text className="pay-result__label">订单号</Text>
          <Text className="pay-result__value">{shortTradeNo(order.outTradeNo)} 复制</Text>
        </View>
      </View>

      {!refund ? <SubscribePrompt moment="pay" /> : null}

      {forwardable.length && !refund ? (
        <View className="section pay-result__invite">
          <View className="pay-result__invite-main">
            <Text className="pay-result__invite-title">邀请好友</Text>
            <Text className="pay-result__invite-text">
              你有 {forwardable.length} 张券可以转赠，送给好友一起省
            </Text>
          </View>
          <Button className="pay-result__invite-button" type="primary" size="small" onClick={invite}>
            去转赠
          </Button>
        </View>
      ) : null}

      <View className="pay-result__actions">
        <Button className="pay-result__done" type="primary" block onClick={done}>
          完成
        </Button>
        <Text className="pay-result__link" onClick={() => void Taro.navigateTo({ url: ROUTES.orders })}>
          查看我的订单
        </Text>
      </View>
    </View>
  );
}
