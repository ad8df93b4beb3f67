import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Dialog, Input } from '@nutui/nutui-react-taro';
import { amountKeyboard } from '../../platform/keyboard';
import {
  amountRequiredMessage,
  couponDiscountFen,
  formatCardNumber,
  formatFen,
  priceCounterBill,
} from '@allycard/domain';
import { CouponItem } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { staffApi } from '../../services/api';
import { toastError, toastSuccess, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { amountProblem, parseYuanToFen } from '../../services/money';
import type { CounterMemberDayDiscount, Redemption, StaffLookup, WalletCoupon } from '@allycard/contracts';
import { endedStaffSession } from '../staff-session';

export interface RedeemPanelProps {
  /** the member code the lookup used; a redemption names the member by it again */
  memberCode: string;
  lookup: StaffLookup;
  /** the clerk is done with this member */
  onNext: () => void;
}

/**
 * What the clerk is about to do, waiting for the confirmation. `firstOrderGift`: the member's
 * first-order coupon when this purchase is the member's first — offered by 仅记录消费, since the
 * purchase would otherwise end it unused.
 */
type Pending = { coupon: WalletCoupon | null; amountFen: number | null; firstOrderGift?: WalletCoupon };

/**
 * The first-order coupon this purchase can use (the lookup lists them only before the first
 * purchase): its threshold and discount count against what the member day leaves, as the server's.
 */
export function firstOrderOffer(
  coupons: WalletCoupon[],
  amountFen: number,
  memberDay: CounterMemberDayDiscount | null,
): WalletCoupon | null {
  const priceFen = amountFen - priceCounterBill(amountFen, memberDay, null).memberDayDiscountFen;
  const usable = coupons.filter((c) => c.firstOrderOnly && c.thresholdFen <= priceFen);
  const off = (c: WalletCoupon) =>
    couponDiscountFen({ ...c, maxDiscountFen: c.maxDiscountFen ?? null }, priceFen);
  return usable.sort((a, b) => off(b) - off(a))[0] ?? null;
}

/** The member after 验卡: points, usable coupons, the amount field, 核销 and 仅记录消费. */
export function RedeemPanel({ memberCode, lookup, onNext }: RedeemPanelProps) {
  const { member, coupons } = lookup;
  const memberDay = lookup.memberDayDiscount ?? null;
  const keys = useActionKeys();
  const [amount, setAmount] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<Redemption | null>(null);

  const ask = (coupon: WalletCoupon | null) => {
    const problem = amount.trim() ? amountProblem(amount, '消费金额') : null;
    if (problem) {
      toastError(userError(problem));
      return;
    }
    const amountFen = amount.trim() ? parseYuanToFen(amount) : null;
    if (!coupon && amountFen === null) {
      toastError(userError('请先输入消费金额'));
      return;
    }
    // a discount or threshold coupon redeemed without the amount would be used up for nothing
    const amountMissing = coupon && amountFen === null ? amountRequiredMessage(coupon) : null;
    if (amountMissing) {
      toastError(userError(amountMissing));
      return;
    }
    const gift = coupons.find((c) => c.firstOrderOnly);
    if (!coupon && amountFen !== null && gift) {
      // the member's first purchase: its first-order gift applies by default, one tap declines it
      const offer = firstOrderOffer(coupons, amountFen, memberDay);
      setPending({ coupon: offer, amountFen, firstOrderGift: offer ?? gift });
      return;
    }
    setPending({ coupon, amountFen });
  };

  const submit = async ({ coupon, amountFen }: Pending) => {
    if (submitting) return;
    setSubmitting(true);
    const body = {
      memberCode,
      ...(coupon ? { couponId: coupon.id } : {}),
      ...(amountFen !== null ? { amountFen } : {}),
    };
    try {
      const redemption = await keys.run(
        `redemption:${memberCode}:${coupon?.id ?? '-'}:${amountFen ?? '-'}`,
        (key) => staffApi.redeemAtCounter(body, key),
      );
      setPending(null);
      setDone(redemption);
      toastSuccess(coupon ? '核销成功' : '已记录消费');
    } catch (error) {
      setPending(null);
      if (await endedStaffSession(error)) return;
      toastError(error);
    } finally {
      setSubmitting(false);
    }
  };

  if (done) return <RedemptionResult redemption={done} onNext={onNext} />;

  return (
    <View className="verify__result">
      <View className="verify__member">
        <View className="verify__member-head">
          <Text className="verify__nickname">{member.nickname || '微信用户'}</Text>
          <Text className="verify__tier">{member.tier.name}</Text>
        </View>
        <Text className="verify__card-no">{formatCardNumber(member.cardNo)}</Text>
        <View className="verify__facts">
          <View className="verify__fact">
            <Text className="verify__fact-label">积分</Text>
            <Text className="verify__fact-value verify__points">{member.points}</Text>
          </View>
          <View className="verify__fact">
            <Text className="verify__fact-label">手机</Text>
            <Text className="verify__fact-value">{member.phoneMasked || '未绑定'}</Text>
          </View>
        </View>
      </View>

      {memberDay ? (
        <View className="verify__member-day">
          <Text className="verify__member-day-text">今天会员日 {memberDay.text}</Text>
        </View>
      ) : null}

      <View className="section verify__amount">
        <Text className="section__title">消费金额</Text>
        <View className="verify__amount-row">
          <Text className="verify__yuan">¥</Text>
          <Input
            className="staff__input verify__amount-input"
            name="amount"
            {...amountKeyboard}
            placeholder="输入金额（元），核销满减券、折扣券时必填"
            value={amount}
            onChange={setAmount}
          />
        </View>
        <Button className="verify__record" type="primary" fill="outline" block onClick={() => ask(null)}>
          仅记录消费（不用券，攒积分）
        </Button>
      </View>

      <View className="section">
        <Text className="section__title">可用券（{coupons.length}）</Text>
        {coupons.length ? (
          coupons.map((coupon) => (
            <CouponItem
              key={coupon.id}
              coupon={coupon}
              // the lookup lists only coupons usable at this merchant
              usableLine={coupon.usableAt === 'alliance' ? '全联盟通用' : '本店可用'}
              action={
                <Button className="verify__redeem" type="primary" size="small" onClick={() => ask(coupon)}>
                  核销
                </Button>
              }
            />
          ))
        ) : (
          <PageState status="empty" compact title="暂无可用券" />
        )}
      </View>

      <Dialog
        className="verify__dialog"
        visible={pending !== null}
        title={pending?.coupon ? '确认核销' : '确认记录消费'}
        confirmText={submitting ? '提交中' : '确认'}
        cancelText="取消"
        disableConfirmButton={submitting}
        onConfirm={() => {
          if (pending) void submit(pending);
        }}
        onCancel={() => setPending(null)}
        onClose={() => setPending(null)}
      >
        {pending ? <PendingSummary pending={pending} memberDay={memberDay} /> : null}
        {pending?.firstOrderGift && pending.coupon ? (
          <Button
            className="verify__decline"
            size="small"
            fill="none"
            onClick={() => setPending({ ...pending, coupon: null })}
          >
            不用此券，仅记录消费
          </Button>
        ) : null}
        {pending?.firstOrderGift &&
        !pending.coupon &&
        firstOrderOffer([pending.firstOrderGift], pending.amountFen ?? 0, memberDay) ? (
          <Button
            className="verify__decline"
            size="small"
            fill="none"
            onClick={() => setPending({ ...pending, coupon: pending.firstOrderGift! })}
          >
            改回使用首单券
          </Button>
        ) : null}
      </Dialog>
    </View>
  );
}

/**
 * The confirmation's body: the coupon and the expected price, by packages/domain's counter rule (the
 * member day's extra discount first, then the coupon), as the server prices it; its answer counts.
 */
function PendingSummary({
  pending: { coupon, amountFen, firstOrderGift },
  memberDay,
}: {
  pending: Pending;
  memberDay: CounterMemberDayDiscount | null;
}) {
  const lines: string[] = [];
  if (firstOrderGift && coupon) {
    lines.push(`顾客首单，已选用首单券「${coupon.title}」`);
  } else if (firstOrderGift) {
    const reach = firstOrderOffer([firstOrderGift], amountFen ?? 0, memberDay)
      ? ''
      : `（满 ${formatFen(firstOrderGift.thresholdFen)} 可用，本单未达到）`;
    lines.push(`顾客首单：首单券「${firstOrderGift.title}」${reach}记录后将失效`);
  } else if (coupon) {
    lines.push(`券：${coupon.title}`);
  }
  if (amountFen !== null) {
    lines.push(`消费：${formatFen(amountFen)}`);
    const terms = coupon && { ...coupon, maxDiscountFen: coupon.maxDiscountFen ?? null };
    const bill = priceCounterBill(amountFen, memberDay, terms);
    const memberPriceFen = amountFen - bill.memberDayDiscountFen;
    if (bill.memberDayDiscountFen > 0)
      lines.push(
        `今天会员日 再减 ${formatFen(bill.memberDayDiscountFen)}，应收 ${formatFen(bill.payableFen)}`,
      );
    if (coupon) {
      if (coupon.thresholdFen > memberPriceFen)
        lines.push(`未满 ${formatFen(coupon.thresholdFen)}，此券不可用`);
      else if (bill.couponDiscountFen > 0)
        lines.push(
          bill.memberDayDiscountFen > 0
            ? `券再优惠 ${formatFen(bill.couponDiscountFen)}`
            : `预计优惠 ${formatFen(bill.couponDiscountFen)}，实付 ${formatFen(bill.payableFen)}`,
        );
    }
  } else {
    lines.push('未填消费金额：只核销券，不攒积分');
  }
  return (
    <View className="verify__pending">
      {lines.map((line) => (
        <Text className="verify__pending-line" key={line}>
          {line}
        </Text>
      ))}
    </View>
  );
}

function RedemptionResult({ redemption, onNext }: { redemption: Redemption; onNext: () => void }) {
  const rows: [string, string, string][] = [
    ['amount', '消费金额', formatFen(redemption.amountFen)],
    ...(redemption.memberDayDiscountFen > 0
      ? [
          ['member-day', '会员日', `-${formatFen(redemption.memberDayDiscountFen)}`] as [
            string,
            string,
            string,
          ],
        ]
      : []),
    ...(redemption.coupon
      ? [['discount', '优惠', `-${formatFen(redemption.couponDiscountFen)}`] as [string, string, string]]
      : []),
    ['payable', '实付', formatFen(redemption.payableFen)],
    ['points', '积分', `+${redemption.pointsEarned}`],
  ];
  return (
    <View className="verify__result verify__done">
      <View className="verify__done-head">
        <Text className="verify__done-title">{redemption.coupon ? '核销成功' : '已记录消费'}</Text>
        {redemption.firstPurchase ? <Text className="verify__first">首单</Text> : null}
      </View>
      {redemption.coupon ? <Text className="verify__done-coupon">{redemption.coupon.title}</Text> : null}
      <View className="verify__done-rows">
        {rows.map(([key, label, value]) => (
          <View className="verify__done-row" key={key}>
            <Text className="verify__done-label">{label}</Text>
            <Text className={`verify__done-value verify__done-value--${key}`}>{value}</Text>
          </View>
        ))}
      </View>
      <Button className="verify__next" type="primary" block onClick={onNext}>
        下一位顾客
      </Button>
    </View>
  );
}
