import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup, Dialog, InputNumber } from '@nutui/nutui-react-taro';
import { formatFen } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { serverAsset } from '../../services/assets';
import { hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { useMemberPage } from '../../services/member-page';
import { usePayment } from '../../services/payment';
import {
  fulfilmentText,
  MALL_BLOCK_TEXT,
  mallItemBlock,
  mallPrice,
  maxQuantity,
} from '../../services/points-text';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { MallItem, MallOrder } from '@allycard/contracts';
import '../points.scss';
import './index.scss';

export default function MallItemPage() {
  const id = pageParam(useRouter().params, 'id');
  const keys = useActionKeys();
  const [quantity, setQuantity] = useState(1);
  const [confirming, setConfirming] = useState(false);
  const [redeeming, setRedeeming] = useState(false);
  // a points + cash exchange whose cash part is still to be paid
  const [unpaid, setUnpaid] = useState<{ order: MallOrder; paymentOrderId: string; note: string } | null>(
    null,
  );
  const payment = usePayment();

  const { state, reload } = useMemberPage(async () => {
    const [items, summary] = await Promise.all([memberApi.mallItems(), memberApi.points()]);
    return { item: items.find((i) => i.id === id) ?? null, balance: summary.balance };
  });

  const done = async (order: MallOrder) => {
    toastSuccess('兑换成功');
    await Taro.redirectTo({ url: withQuery(ROUTES.mallOrders, { new: order.id }) });
  };

  /** The cash part goes through the same pay flow as 买单; the exchange is handed over once paid. */
  const payCash = async (item: MallItem, order: MallOrder, paymentOrderId: string) => {
    const detail = await memberApi.order(paymentOrderId);
    if (detail.status !== 'pending' || !detail.payParams) {
      await Taro.redirectTo({ url: withQuery(ROUTES.mallOrders, { new: order.id }) });
      return;
    }
    const outcome = await payment.pay({
      orderId: detail.id,
      outTradeNo: detail.outTradeNo,
      payableFen: detail.payableFen,
      payee: item.merchantName ?? '积分商城',
      payParams: detail.payParams,
    });
    if (outcome.status === 'paid') {
      setUnpaid(null);
      await done(order);
    } else if (outcome.status === 'pending') {
      await Taro.redirectTo({ url: withQuery(ROUTES.mallOrders, { new: order.id }) });
    } else {
      const note = outcome.status === 'cancelled' ? '支付已取消' : outcome.message;
      setUnpaid({ order, paymentOrderId, note });
    }
  };

  const redeem = async (item: MallItem, count: number) => {
    if (redeeming) return;
    setRedeeming(true);
    try {
      const order = await keys.run(`redeem:${item.id}:${count}`, (key) =>
        memberApi.redeemMallItem(item.id, count, key),
      );
      setConfirming(false);
      if (order.status === 'pending_payment' && order.paymentOrderId) {
        await payCash(item, order, order.paymentOrderId);
        return;
      }
      await done(order);
    } catch (error) {
      setConfirming(false);
      toastError(error);
      // stock, limit or balance changed meanwhile: show what is true now
      if (hasCode(error, 409) || hasCode(error, 422)) void reload();
    } finally {
      setRedeeming(false);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="没打开这件好礼"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const { item, balance } = state.data;
  if (!item) {
    return (
      <PageState
        status="empty"
        title="这件好礼已下架"
        description="去积分商城看看别的吧"
        actionText="去积分商城"
        onAction={() => void Taro.redirectTo({ url: ROUTES.mall })}
      />
    );
  }

  const block = mallItemBlock(item, balance);
  const max = maxQuantity(item, balance);
  const count = Math.min(Math.max(1, quantity), Math.max(1, max));
  const cost = item.pointsPrice * count;
  const cashFen = item.cashFen * count;

  const payUnpaid = async () => {
    if (!unpaid || redeeming) return;
    setRedeeming(true);
    try {
      await payCash(item, unpaid.order, unpaid.paymentOrderId);
    } catch (error) {
      toastError(error);
    } finally {
      setRedeeming(false);
    }
  };

  const open = () => {
    if (block) {
      toastError(userError(MALL_BLOCK_TEXT[block]));
      return;
    }
    setConfirming(true);
  };

  return (
    <View className="page mall-item">
      <View className="mall-item__hero">
        {item.imageUrl ? (
          <Image
            className="mall-item__photo"
            src={serverAsset(item.imageUrl)}
            mode="aspectFill"
            ariaLabel={item.title}
          />
        ) : null}
        <Text className="mall-item__title">{item.title}</Text>
        {item.description ? <Text className="mall-item__description">{item.description}</Text> : null}
        <Text className="mall-item__price">{mallPrice(item)}</Text>
      </View>

      <CellGroup className="facts mall-item__facts">
        <Cell title="领取方式" extra={fulfilmentText(item)} />
        <Cell title="库存" extra={item.remaining > 0 ? `剩 ${item.remaining} 件` : '已兑完'} />
        <Cell
          title="每人限兑"
          extra={`${item.perMemberLimit} 件${item.redeemedByMe ? `（已兑 ${item.redeemedByMe} 件）` : ''}`}
        />
        <Cell title="我的积分" extra={String(balance)} />
        {max > 1 ? (
          <Cell
            title="兑换数量"
            align="center"
            extra={
              <InputNumber
                className="mall-item__quantity"
                min={1}
                max={max}
                value={count}
                onChange={(value) => setQuantity(Number(value) || 1)}
              />
            }
          />
        ) : null}
      </CellGroup>

      {unpaid ? (
        <View className="mall-item__unpaid">
          <Text className="mall-item__unpaid-title">
            {unpaid.note}：还需支付 {formatFen(unpaid.order.cashFen ?? cashFen)}
          </Text>
          <Text className="mall-item__unpaid-note">积分已扣，15 分钟内未付款将自动取消并退回积分</Text>
          <Button
            className="mall-item__unpaid-pay"
            type="primary"
            block
            loading={redeeming}
            onClick={() => void payUnpaid()}
          >
            继续支付
          </Button>
        </View>
      ) : null}

      <View className="mall-item__actions">
        <Button type="primary" block disabled={Boolean(block) || unpaid !== null} onClick={open}>
          {block ? MALL_BLOCK_TEXT[block] : `立即兑换 · ${mallPrice(item, count)}`}
        </Button>
        {block === 'insufficient_points' ? (
          <Text className="mall-item__hint">
            还差 {item.pointsPrice - balance} 积分，到联盟商户消费就能攒
          </Text>
        ) : null}
      </View>

      <Dialog
        className="mall-item__dialog"
        visible={confirming}
        title="确认兑换"
        confirmText={redeeming ? '兑换中' : '确认'}
        cancelText="再想想"
        disableConfirmButton={redeeming}
        onConfirm={() => void redeem(item, count)}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      >
        <View className="mall-item__confirm">
          <Text className="mall-item__confirm-line">
            {item.title} × {count}
          </Text>
          <Text className="mall-item__confirm-line">消耗 {cost} 积分</Text>
          {cashFen > 0 ? (
            <Text className="mall-item__confirm-line mall-item__confirm-cash">
              另需微信支付 {formatFen(cashFen)}
            </Text>
          ) : null}
          <Text className="mall-item__confirm-balance">
            积分 {balance} → {balance - cost}
          </Text>
          <Text className="mall-item__confirm-note">
            {fulfilmentText(item)}，{cashFen > 0 ? '付款后即可提货' : '兑换后不退换'}
          </Text>
        </View>
      </Dialog>
      {payment.sheet}
    </View>
  );
}
