import type { Coupon } from '@allycard/contracts';
import { Text, View } from '@tarojs/components';
import { couponFace, couponRule, couponValidity } from '../../services/coupon-text';
import './index.scss';

/** One coupon as a ticket: the value on the left, title and rules on the right. */
export function CouponItem({ coupon }: { coupon: Coupon }) {
  return (
    <View className={`coupon-item coupon-item--${coupon.status}`}>
      <View className="coupon-item__face">
        <Text className="coupon-item__value">{couponFace(coupon)}</Text>
      </View>
      <View className="coupon-item__body">
        <Text className="coupon-item__title">{coupon.title}</Text>
        <Text className="coupon-item__rule">{couponRule(coupon)}</Text>
        <Text className="coupon-item__validity">{couponValidity(coupon)}</Text>
      </View>
    </View>
  );
}

export default CouponItem;
