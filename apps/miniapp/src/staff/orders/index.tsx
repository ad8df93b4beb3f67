import { useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Dialog, Input } from '@nutui/nutui-react-taro';
import { amountKeyboard } from '../../platform/keyboard';
import { formatFen, formatYuan } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { staffApi } from '../../services/api';
import { formatDateTime } from '../../services/dates';
import { errorMessage, hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { parseYuanToFen } from '../../services/money';
import { ORDER_STATUS_TEXT, refundableFen, shortTradeNo } from '../../services/order-text';
import type { Order } from '@allycard/contracts';
import { StaffNav } from '../nav';
import { endedStaffSession, signOutStaff, useStaffGuard } from '../staff-session';
import '../staff.scss';

/**
 * WeChat settles a refund a moment after accepting it; look again after these pauses until the
 * order shows it (bounded: the clerk can pull to refresh with 刷新 after that).
 */
export const REFUND_RECHECK_MS: readonly number[] = [1500, 3000, 6000];

type ListState =
  { status: 'loading' } | { status: 'ready'; orders: Order[] } | { status: 'error'; message: string };

/** A refund the server accepted and the order does not show yet: refundedFen before and the amount. */
interface Settling {
  refundedBeforeFen: number;
  amountFen: number;
}

type RefundDraft = { order: Order; mode: 'full' | 'partial'; amount: string };

export default function StaffOrdersPage() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [settling, setSettling] = useState<Record<string, Settling>>({});
  const [draft, setDraft] = useState<RefundDraft | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const keys = useActionKeys();
  const loaded = useRef(false);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useStaffGuard();

  const load = async () => {
    if (!loaded.current) setList({ status: 'loading' });
    try {
      const orders = await staffApi.merchantOrders();
      loaded.current = true;
      setList({ status: 'ready', orders });
      // a refund counts as settled once the order's refunded amount has grown by it
      setSettling((prev) => {
        const next = { ...prev };
        for (const order of orders) {
          const s = next[order.id];
          if (s && (order.status === 'refunded' || order.refundedFen >= s.refundedBeforeFen + s.amountFen))
            delete next[order.id];
        }
        return next;
      });
    } catch (error) {
      if (await endedStaffSession(error)) return;
      if (!loaded.current) setList({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  useDidShow(() => void load());
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  const recheckLater = () => {
    for (const ms of REFUND_RECHECK_MS) timers.current.push(setTimeout(() => void load(), ms));
  };

  const open = (order: Order) => setDraft({ order, mode: 'full', amount: formatYuan(refundableFen(order)) });

  /** The amount the draft refunds, in fen; undefined for the whole rest; null when not an amount. */
  const draftAmount = (d: RefundDraft, left: number): number | undefined | null => {
    if (d.mode === 'full') return undefined;
    const fen = parseYuanToFen(d.amount);
    return fen !== null && fen > 0 && fen <= left ? fen : null;
  };

  const refund = async (d: RefundDraft) => {
    if (submitting) return;
    const left = refundableFen(d.order) - (settling[d.order.id]?.amountFen ?? 0);
    const amountFen = draftAmount(d, left);
    if (amountFen === null) {
      const error = userError(`退款金额请填 0.01 到 ${formatFen(left)} 之间`);
      toastError(error);
      // NutUI's Dialog stays open when onConfirm rejects: the clerk corrects the amount
      throw error;
    }
    setSubmitting(true);
    try {
      const res = await keys.run(`refund:${d.order.id}:${amountFen ?? 'all'}`, (key) =>
        staffApi.refundOrder(d.order.id, amountFen, key),
      );
      setDraft(null);
      setSettling((prev) => ({
        ...prev,
        [d.order.id]: {
          refundedBeforeFen: prev[d.order.id]?.refundedBeforeFen ?? d.order.refundedFen,
          amountFen: (prev[d.order.id]?.amountFen ?? 0) + res.refund.amountFen,
        },
      }));
      toastSuccess('退款已提交');
      recheckLater();
    } catch (error) {
      setDraft(null);
      if (await endedStaffSession(error)) return;
      toastError(error);
      if (hasCode(error, 409)) void load();
    } finally {
      setSubmitting(false);
    }
  };

  const body = () => {
    if (list.status === 'loading') return <PageState status="loading" compact title="正在加载订单…" />;
    if (list.status === 'error')
      return (
        <PageState
          status="error"
          compact
          title="订单没加载出来"
          description={list.message}
          actionText="重试"
          onAction={() => void load()}
        />
      );
    if (!list.orders.length)
      return (
        <PageState status="empty" compact title="还没有订单" description="顾客在小程序里买单后会显示在这里" />
      );
    return list.orders.map((order) => (
      <OrderCard key={order.id} order={order} settling={settling[order.id]} onRefund={() => open(order)} />
    ));
  };

  const draftLeft = draft ? refundableFen(draft.order) - (settling[draft.order.id]?.amountFen ?? 0) : 0;

  return (
    <View className="page staff staff-orders">
      <StaffNav current="orders" />
      <View className="staff-orders__bar">
        <Text className="staff-orders__lead">本店最近的买单</Text>
        <Text className="staff-orders__refresh" onClick={() => void load()}>
          刷新
        </Text>
      </View>
      {body()}

      <Dialog
        className="staff-orders__dialog"
        visible={draft !== null}
        title="给顾客退款"
        confirmText={submitting ? '提交中' : '确认退款'}
        cancelText="取消"
        disableConfirmButton={submitting}
        onConfirm={() => (draft ? refund(draft) : undefined)}
        onCancel={() => setDraft(null)}
        onClose={() => setDraft(null)}
      >
        {draft ? (
          <View className="staff-orders__form">
            <Text className="staff-orders__form-line">
              订单 {shortTradeNo(draft.order.outTradeNo)} · 实付 {formatFen(draft.order.payableFen)}
            </Text>
            <View className="staff-orders__modes">
              {(draft.order.payableFen > 0 ? (['full', 'partial'] as const) : (['full'] as const)).map(
                (mode) => (
                  <Text
                    key={mode}
                    className={`staff-orders__mode${draft.mode === mode ? ' staff-orders__mode--active' : ''}`}
                    onClick={() => setDraft({ ...draft, mode })}
                  >
                    {mode === 'full' ? `全额 ${formatFen(draftLeft)}` : '部分退款'}
                  </Text>
                ),
              )}
            </View>
            {draft.mode === 'partial' ? (
              <View className="staff-orders__amount">
                <Text className="staff-orders__yuan">¥</Text>
                <Input
                  className="staff-orders__amount-input"
                  name="refundAmount"
                  {...amountKeyboard}
                  placeholder={`最多 ${formatFen(draftLeft)}`}
                  value={draft.amount}
                  onChange={(amount: string) => setDraft({ ...draft, amount })}
                />
              </View>
            ) : null}
            <Text className="staff-orders__form-note">
              退款原路退回顾客微信；积分、优惠券按退款比例退回或扣回
            </Text>
          </View>
        ) : null}
      </Dialog>

      <View className="verify__footer">
        <Button size="small" fill="none" className="verify__logout" onClick={() => void signOutStaff()}>
          退出登录
        </Button>
      </View>
    </View>
  );
}

function OrderCard({
  order,
  settling,
  onRefund,
}: {
  order: Order;
  settling?: Settling;
  onRefund: () => void;
}) {
  const left = refundableFen(order) - (settling?.amountFen ?? 0);
  // an order paid entirely with coupon and points is "refunded" to give them back
  const canRefund = left > 0 || (order.status === 'paid' && order.payableFen === 0 && !settling);
  return (
    <View className={`staff-order staff-order--${order.status}`}>
      <View className="staff-order__head">
        <Text className="staff-order__no">订单 {shortTradeNo(order.outTradeNo)}</Text>
        <Text className="staff-order__status">{ORDER_STATUS_TEXT[order.status]}</Text>
      </View>
      <View className="staff-order__money">
        <Text className="staff-order__payable">实收 {formatFen(order.payableFen)}</Text>
        <Text className="staff-order__amount">消费 {formatFen(order.amountFen)}</Text>
      </View>
      <Text className="staff-order__meta">{formatDateTime(order.paidAt ?? order.createdAt)}</Text>
      {order.refundedFen > 0 ? (
        <Text className="staff-order__refunded">已退款 {formatFen(order.refundedFen)}</Text>
      ) : null}
      {settling ? (
        <Text className="staff-order__settling">退款处理中 {formatFen(settling.amountFen)}</Text>
      ) : null}
      {canRefund ? (
        <View className="staff-order__actions">
          <Button className="staff-order__refund" size="small" fill="outline" onClick={onRefund}>
            退款
          </Button>
        </View>
      ) : null}
    </View>
  );
}
