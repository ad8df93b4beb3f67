import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup, Input, Switch } from '@nutui/nutui-react-taro';
import type { Merchant } from '@allycard/contracts';
import { decodeScene, formatFen, formatZhe, multiplierText } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { canScan, scanMerchantScene } from '../../platform';
import { switchRole } from '../../platform/a11y';
import { amountKeyboard } from '../../platform/keyboard';
import { memberApi } from '../../services/api';
import { errorMessage, hasCode, toastError, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { useMemberPage } from '../../services/member-page';
import { amountProblem, parseYuanToFen } from '../../services/money';
import { usePayment } from '../../services/payment';
import { pageParam } from '../../services/routes';
import type { OrderPreview, OrderRequest } from '@allycard/contracts';
import { CouponPicker, MerchantPicker } from './pickers';
import {
  chosenCoupon,
  couponRefusal,
  couponsForMerchant,
  memberPriceFen,
  tierDiscountPermille,
  type CouponChoice,
  type PriceContext,
} from './pricing';
import { resultUrl } from './texts';
import './pay.scss';

/** Wait this long after the last keystroke before asking the server for the price. */
export const PREVIEW_DEBOUNCE_MS = 300;

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; last: OrderPreview | null }
  | { status: 'ready'; key: string; data: OrderPreview }
  | { status: 'error'; key: string; message: string };

export default function PayPage() {
  const params = useRouter().params;
  const keys = useActionKeys();
  const payment = usePayment();
  const [merchantId, setMerchantId] = useState<string | null>(pageParam(params, 'merchantId'));
  const [amountText, setAmountText] = useState('');
  const [choice, setChoice] = useState<CouponChoice>({ mode: 'auto' });
  const [usePoints, setUsePoints] = useState(false);
  // what the server taught us: coupons it refused for this member, and that they bought before
  const [refused, setRefused] = useState<ReadonlySet<string>>(new Set());
  const [learnedPurchased, setLearnedPurchased] = useState(false);
  // the coupon the page chose that the server refused, and why: said next to the coupon row
  const [switched, setSwitched] = useState<{ title: string; reason: string } | null>(null);
  const [picking, setPicking] = useState<'merchant' | 'coupon' | null>(null);
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const [submitting, setSubmitting] = useState(false);
  const now = useRef(new Date()).current;

  const { state, reload } = useMemberPage(async () => {
    const [merchants, profile, tiers, coupons] = await Promise.all([
      memberApi.merchants(),
      memberApi.me(),
      memberApi.tiers(),
      memberApi.coupons('available'),
    ]);
    return { merchants, profile, tiers, coupons };
  });
  const data = state.status === 'ready' ? state.data : null;
  // GET /me says whether first-order coupons still apply, so none is preselected to be refused
  const hasPurchased = learnedPurchased || Boolean(data?.profile.hasPurchased);

  // A merchant's QR code may open this page with its scene instead of the merchant's id.
  const scene = decodeScene(pageParam(params, 'scene'));
  useEffect(() => {
    if (!scene || merchantId) return;
    memberApi
      .scene(scene)
      .then((info) => setMerchantId((current) => current ?? String(info.merchant.id)))
      .catch(() => setPicking('merchant'));
    // once per scene: picking a merchant by hand afterwards wins
  }, [scene]);

  const merchant = data?.merchants.find((m) => String(m.id) === merchantId) ?? null;
  const amountFen = parseYuanToFen(amountText);
  const amountOk = amountFen !== null && amountFen > 0;
  const tierPermille = data ? tierDiscountPermille(data.tiers, data.profile.tier.code) : 1000;
  const context: PriceContext | null =
    merchant && amountOk
      ? { merchantId: String(merchant.id), amountFen, tierDiscountPermille: tierPermille, hasPurchased, now }
      : null;
  const candidates = useMemo(
    () =>
      data && merchant
        ? couponsForMerchant(data.coupons, String(merchant.id)).filter((c) => !refused.has(c.id))
        : [],
    [data, merchant, refused],
  );
  const coupon = context ? chosenCoupon(choice, candidates, context) : null;
  const lastPreview =
    preview.status === 'ready' ? preview.data : preview.status === 'loading' ? preview.last : null;
  const pointsBalance = lastPreview?.pointsBalance ?? data?.profile.points ?? 0;

  const request: OrderRequest | null = context
    ? {
        merchantId: context.merchantId,
        amountFen: context.amountFen,
        ...(coupon ? { couponId: coupon.id } : {}),
        ...(usePoints && pointsBalance > 0 ? { points: pointsBalance } : {}),
      }
    : null;
  const requestKey = request ? JSON.stringify(request) : null;

  const choiceRef = useRef(choice);
  choiceRef.current = choice;
  // The live price: the server's own calculation, asked for once the typing pauses. `requestKey`
  // stands for everything the request holds.
  useEffect(() => {
    if (!request || !requestKey) {
      setPreview({ status: 'idle' });
      return;
    }
    setPreview((prev) => ({
      status: 'loading',
      last: prev.status === 'ready' ? prev.data : prev.status === 'loading' ? prev.last : null,
    }));
    let live = true;
    const timer = setTimeout(() => {
      memberApi.previewOrder(request).then(
        (next) => {
          if (live) setPreview({ status: 'ready', key: requestKey, data: next });
        },
        (error: unknown) => {
          if (!live) return;
          const { couponId } = request;
          if (couponId && (hasCode(error, 422) || hasCode(error, 409) || hasCode(error, 404))) {
            // The server refuses this coupon (it knows more, e.g. an earlier purchase): price without it.
            if (hasCode(error, 422, 'FIRST_ORDER_ONLY')) setLearnedPurchased(true);
            setRefused((prev) => new Set(prev).add(couponId));
            const title = data?.coupons.find((c) => c.id === couponId)?.title ?? '所选优惠券';
            setSwitched({ title, reason: errorMessage(error) });
            if (choiceRef.current.mode === 'manual') {
              toastError(error);
              setChoice({ mode: 'auto' });
            }
            return;
          }
          setPreview({ status: 'error', key: requestKey, message: errorMessage(error) });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [requestKey]);

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="付款页没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const { merchants, profile } = state.data;

  const fresh = preview.status === 'ready' && preview.key === requestKey ? preview.data : null;
  const shown = fresh ?? lastPreview;
  const stale = !fresh;

  const scan = async () => {
    const scanned = await scanMerchantScene();
    if (!scanned) return;
    try {
      const info = await memberApi.scene(scanned);
      setMerchantId(String(info.merchant.id));
    } catch (error) {
      toastError(hasCode(error, 404) ? userError('没认出这个商户码，请从列表选择') : error);
    }
  };

  const pickMerchant = (m: Merchant) => {
    setMerchantId(String(m.id));
    setChoice({ mode: 'auto' });
    setPicking(null);
  };

  const submit = async () => {
    if (!request || !requestKey || !merchant || !fresh || submitting) return;
    setSubmitting(true);
    try {
      const { order, payParams } = await keys.run(`order:${requestKey}`, (key) =>
        memberApi.createOrder(request, key),
      );
      // Nothing left to pay (coupon and points cover it): the order is paid already.
      const outcome = payParams
        ? await payment.pay({
            orderId: order.id,
            outTradeNo: order.outTradeNo,
            payableFen: order.payableFen,
            payee: merchant.name,
            payParams,
          })
        : null;
      await Taro.redirectTo({ url: resultUrl(order.id, outcome) });
    } catch (error) {
      toastError(error);
      // the coupon or the points changed meanwhile: show what is true now
      if (hasCode(error, 409) || hasCode(error, 422)) void reload();
    } finally {
      setSubmitting(false);
    }
  };

  const couponOptions = context
    ? candidates.map((c) => ({ coupon: c, refusal: couponRefusal(c, context) }))
    : candidates.map((c) => ({ coupon: c, refusal: null }));
  const usableCount = couponOptions.filter((o) => !o.refusal).length;
  const memberPrice = context ? memberPriceFen(context) : 0;

  const couponValue = (): string => {
    if (!merchant) return '先选择商户';
    if (!amountOk) return candidates.length ? `${candidates.length} 张可用` : '暂无可用';
    if (coupon)
      return shown?.couponId === coupon.id ? `-${formatFen(shown.couponDiscountFen)}` : coupon.title;
    return usableCount ? `${usableCount} 张可用` : '暂无可用';
  };

  const pointsLabel = (): string => {
    if (pointsBalance <= 0) return '暂无积分';
    if (usePoints && shown?.pointsUsed) return `用 ${shown.pointsUsed} 积分`;
    return `共 ${pointsBalance} 积分，最多抵实付一半`;
  };

  return (
    <View className="page pay">
      <View className="pay__merchant">
        <View className="pay__merchant-main" onClick={() => setPicking('merchant')}>
          <Text className="pay__merchant-label">付款给</Text>
          <Text className={`pay__merchant-name${merchant ? '' : ' pay__merchant-name--empty'}`}>
            {merchant ? merchant.name : '选择商户'}
          </Text>
        </View>
        {canScan ? (
          <Button className="pay__scan" size="small" fill="outline" onClick={() => void scan()}>
            扫码
          </Button>
        ) : null}
        <Text className="pay__merchant-change" onClick={() => setPicking('merchant')}>
          {merchant ? '更换 ›' : '选择 ›'}
        </Text>
      </View>

      <View className="section pay__amount">
        <Text className="pay__amount-label">消费金额</Text>
        <View className="pay__amount-row">
          <Text className="pay__yuan">¥</Text>
          <Input
            className="pay__amount-input"
            name="amount"
            {...amountKeyboard}
            placeholder="询问店员后输入"
            value={amountText}
            onChange={setAmountText}
          />
        </View>
        {amountText.trim() && !amountOk ? (
          <Text className="pay__amount-hint">{amountProblem(amountText)}</Text>
        ) : null}
      </View>

      <CellGroup className={`facts section pay__breakdown${stale && shown ? ' pay__breakdown--stale' : ''}`}>
        <Cell
          className="pay__row pay__row--amount"
          title="原价"
          extra={amountOk ? formatFen(amountFen) : '—'}
        />
        <Cell
          className="pay__row pay__row--tier"
          title={`会员折扣 · ${profile.tier.name}${tierPermille < 1000 ? ` ${formatZhe(tierPermille)}` : ''}`}
          extra={shown && shown.tierDiscountFen > 0 ? `-${formatFen(shown.tierDiscountFen)}` : '无'}
        />
        {shown && shown.memberDayDiscountFen > 0 ? (
          <Cell
            className="pay__row pay__row--member-day"
            title="会员日优惠"
            extra={<Text className="pay__minus">-{formatFen(shown.memberDayDiscountFen)}</Text>}
          />
        ) : null}
        <Cell
          className="pay__row pay__row--coupon"
          title={
            <View className="pay__coupon-title">
              <Text>优惠券</Text>
              {coupon ? <Text className="pay__coupon-name">{coupon.title}</Text> : null}
            </View>
          }
          extra={<Text className={coupon ? 'pay__minus' : 'pay__muted'}>{couponValue()} ›</Text>}
          clickable
          onClick={() => {
            if (!merchant) setPicking('merchant');
            else if (candidates.length) setPicking('coupon');
            else toastError(userError('没有能在这家店用的券'));
          }}
        />
        {switched ? (
          <Text className="pay__coupon-switched">
            「{switched.title}」不能用：{switched.reason}
            {coupon ? '，已换成其他优惠' : ''}
          </Text>
        ) : null}
        <Cell
          className="pay__row pay__row--points"
          align="center"
          title={
            <View className="pay__points-title">
              <Text>积分抵扣</Text>
              <Text className="pay__points-hint">{pointsLabel()}</Text>
            </View>
          }
          extra={
            <View className="pay__points-extra">
              {usePoints && shown && shown.pointsDiscountFen > 0 ? (
                <Text className="pay__minus">-{formatFen(shown.pointsDiscountFen)}</Text>
              ) : null}
              <Switch
                className="pay__points-switch"
                {...switchRole}
                ariaLabel="积分抵扣"
                checked={usePoints}
                disabled={pointsBalance <= 0}
                loadingIcon={null}
                onChange={(on: boolean) => setUsePoints(on)}
              />
            </View>
          }
        />
      </CellGroup>

      <View className="section pay__total">
        <View className="pay__total-row">
          <Text className="pay__total-label">实付</Text>
          <Text className="pay__payable">{shown && request ? formatFen(shown.payableFen) : '—'}</Text>
        </View>
        {shown && request ? (
          <Text className="pay__earn">
            预计获得 {shown.pointsEarned} 积分
            {shown.amountFen > shown.payableFen
              ? ` · 共省 ${formatFen(shown.amountFen - shown.payableFen)}`
              : ''}
          </Text>
        ) : null}
        {shown && request && (shown.earning?.memberDay || shown.memberDayDiscountFen > 0) ? (
          <Text className="pay__member-day">
            今天会员日
            {shown.memberDayDiscountFen > 0 ? ` 再享 -${formatFen(shown.memberDayDiscountFen)}` : ''}
            {shown.earning ? ` · 本单积分 ${multiplierText(shown.earning.multiplierPermille)}` : ''}
            {shown.earning?.capped ? '（已达叠加上限）' : ''}
          </Text>
        ) : null}
        {shown && request && shown.earning && shown.earning.promotionIds.length > 0 ? (
          <Text className="pay__promotion">
            积分活动进行中 · 本单 {multiplierText(shown.earning.multiplierPermille)} 积分
          </Text>
        ) : null}
        {preview.status === 'error' && preview.key === requestKey ? (
          <Text className="pay__error">{preview.message}</Text>
        ) : null}
      </View>

      <View className="pay__actions">
        <Button
          className="pay__submit"
          type="primary"
          block
          disabled={!fresh}
          // Taro's button is no native one: say it is off, for screen readers and contrast checks
          aria-disabled={fresh ? 'false' : 'true'}
          loading={submitting}
          onClick={() => void submit()}
        >
          {fresh ? `确认支付 ${formatFen(fresh.payableFen)}` : '确认支付'}
        </Button>
        <Text className="pay__note">实付金额以服务器计算为准；付款后积分自动到账</Text>
      </View>

      <MerchantPicker
        visible={picking === 'merchant'}
        merchants={merchants}
        selectedId={merchant ? String(merchant.id) : null}
        onPick={pickMerchant}
        onClose={() => setPicking(null)}
      />
      <CouponPicker
        visible={picking === 'coupon'}
        options={couponOptions}
        selectedId={coupon?.id ?? null}
        memberPriceFen={memberPrice}
        onPick={(couponId) => {
          setChoice({ mode: 'manual', couponId });
          setSwitched(null);
          setPicking(null);
        }}
        onClose={() => setPicking(null)}
      />
      {payment.sheet}
    </View>
  );
}
