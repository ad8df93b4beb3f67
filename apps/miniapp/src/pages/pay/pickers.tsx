import { Text, View } from '@tarojs/components';
import { Popup } from '@nutui/nutui-react-taro';
import type { Merchant } from '@allycard/contracts';
import { couponDiscountFen, formatFen } from '@allycard/domain';
import { CouponTicket } from '../../components/coupon-item';
import { couponCondition, couponDescription, couponFace, couponValidity } from '../../services/coupon-text';
import type { WalletCoupon } from '@allycard/contracts';

export interface MerchantPickerProps {
  visible: boolean;
  merchants: Merchant[];
  selectedId: string | null;
  onPick: (merchant: Merchant) => void;
  onClose: () => void;
}

/** 选择商户: the alliance's merchants, one tap each. */
export function MerchantPicker({ visible, merchants, selectedId, onPick, onClose }: MerchantPickerProps) {
  return (
    <Popup
      className="pay-picker pay-picker--merchants"
      visible={visible}
      position="bottom"
      round
      title="选择商户"
      closeable
      onClose={onClose}
    >
      <View className="pay-picker__list">
        {merchants.length ? (
          merchants.map((m) => (
            <View
              key={m.id}
              className={`pay-picker__merchant${m.id === selectedId ? ' pay-picker__merchant--selected' : ''}`}
              onClick={() => onPick(m)}
            >
              <View className="pay-picker__merchant-main">
                <Text className="pay-picker__merchant-name">{m.name}</Text>
                {m.description ? <Text className="pay-picker__merchant-desc">{m.description}</Text> : null}
              </View>
              {m.id === selectedId ? <Text className="pay-picker__check">✓</Text> : null}
            </View>
          ))
        ) : (
          <Text className="pay-picker__empty">联盟里还没有商户</Text>
        )}
      </View>
    </Popup>
  );
}

export interface CouponOption {
  coupon: WalletCoupon;
  /** why it cannot be used on this payment; null when it can */
  refusal: string | null;
}

export interface CouponPickerProps {
  visible: boolean;
  options: CouponOption[];
  selectedId: string | null;
  /** the member price the reductions are worked out on (amount less the tier discount) */
  memberPriceFen: number;
  onPick: (couponId: string | null) => void;
  onClose: () => void;
}

/** 选择优惠券: what applies here first, then what does not and why; or none at all. */
export function CouponPicker(props: CouponPickerProps) {
  const { visible, options, selectedId, memberPriceFen, onPick, onClose } = props;
  const usable = options.filter((o) => !o.refusal);
  const unusable = options.filter((o) => o.refusal);
  return (
    <Popup
      className="pay-picker pay-picker--coupons"
      visible={visible}
      position="bottom"
      round
      title="选择优惠券"
      closeable
      onClose={onClose}
    >
      <View className="pay-picker__list">
        <View
          className={`pay-picker__none${selectedId === null ? ' pay-picker__none--selected' : ''}`}
          onClick={() => onPick(null)}
        >
          <Text>不使用优惠券</Text>
          {selectedId === null ? <Text className="pay-picker__check">✓</Text> : null}
        </View>
        {usable.map(({ coupon }) => {
          const off = couponDiscountFen(
            { ...coupon, maxDiscountFen: coupon.maxDiscountFen ?? null },
            memberPriceFen,
          );
          return (
            <CouponTicket
              key={coupon.id}
              className={`pay-picker__coupon${coupon.id === selectedId ? ' pay-picker__coupon--selected' : ''}`}
              face={couponFace(coupon)}
              condition={couponCondition(coupon)}
              title={coupon.title}
              description={couponDescription(coupon)}
              lines={[couponValidity(coupon)]}
              tags={coupon.firstOrderOnly ? ['首单专享'] : []}
              action={
                <Text className="pay-picker__off">
                  {coupon.id === selectedId ? '✓ ' : ''}省{formatFen(off)}
                </Text>
              }
              onClick={() => onPick(coupon.id)}
            />
          );
        })}
        {unusable.length ? <Text className="pay-picker__section">本单不可用</Text> : null}
        {unusable.map(({ coupon, refusal }) => (
          <CouponTicket
            key={coupon.id}
            className="pay-picker__coupon pay-picker__coupon--unusable"
            face={couponFace(coupon)}
            condition={couponCondition(coupon)}
            title={coupon.title}
            description={couponDescription(coupon)}
            lines={[refusal ?? '']}
            muted
          />
        ))}
      </View>
    </Popup>
  );
}
