import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import {
  canForward,
  COUPON_STATUS_TEXT,
  couponCondition,
  couponDescription,
  couponFace,
  couponTags,
  couponValidity,
  usableText,
} from '../../services/coupon-text';
import { MerchantMark } from '../merchant-mark';
import { brandOf, type MerchantBrand } from '../../services/merchants';
import type { WalletCoupon } from '@allycard/contracts';
import './index.scss';

export interface CouponTicketProps {
  /** the big figure: ¥20.00, 8.5折, 兑换 */
  face: string;
  /** under the figure: 满¥100.00可用, 无门槛 */
  condition: string;
  title: string;
  description?: string;
  /** smaller lines: where usable, validity, stock */
  lines?: string[];
  tags?: string[];
  /** greyed out (used, expired, sold out) */
  muted?: boolean;
  /** a word stamped over the ticket: 已使用, 转赠中 */
  stamp?: string;
  /** a button or hint at the bottom right */
  action?: ReactNode;
  onClick?: () => void;
  className?: string;
  /** the merchant it is for: its colour on the face, its logo (or initial) by the title */
  brand?: MerchantBrand;
}

/** One coupon as a ticket: the value on the left, title, rules and tags on the right. */
export function CouponTicket(props: CouponTicketProps) {
  const { face, condition, title, description, lines = [], tags = [], muted, stamp, action, onClick } = props;
  const brand = props.brand;
  const className = [
    'coupon-item',
    muted ? 'coupon-item--muted' : '',
    stamp ? 'coupon-item--stamped' : '',
    props.className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <View className={className} onClick={onClick}>
      <View className="coupon-item__face" style={brand && !muted ? { background: brand.colour } : undefined}>
        <Text className={`coupon-item__value${face.length > 7 ? ' coupon-item__value--long' : ''}`}>
          {face}
        </Text>
        <Text className="coupon-item__condition">{condition}</Text>
      </View>
      <View className="coupon-item__body">
        <View className="coupon-item__head">
          {brand ? (
            <MerchantMark
              {...brand}
              className="coupon-item__brand"
              initialClassName="coupon-item__brand--initial"
            />
          ) : null}
          <Text className="coupon-item__title">{title}</Text>
        </View>
        {description ? <Text className="coupon-item__rule">{description}</Text> : null}
        {lines.filter(Boolean).map((line) => (
          <Text className="coupon-item__line" key={line}>
            {line}
          </Text>
        ))}
        {tags.length || action ? (
          <View className="coupon-item__foot">
            <View className="coupon-item__tags">
              {tags.map((tag) => (
                <Text className="coupon-item__tag" key={tag}>
                  {tag}
                </Text>
              ))}
            </View>
            {action ? <View className="coupon-item__action">{action}</View> : null}
          </View>
        ) : null}
      </View>
      {stamp ? <Text className="coupon-item__stamp">{stamp}</Text> : null}
    </View>
  );
}

export interface CouponItemProps {
  coupon: WalletCoupon;
  /** merchant id → name, to say where the coupon is usable */
  merchantNames?: Map<string, string>;
  /** says where it is usable instead, e.g. 本店可用 at the counter */
  usableLine?: string;
  action?: ReactNode;
  onClick?: () => void;
}

/** A member's coupon as a ticket. */
export function CouponItem({ coupon, merchantNames, usableLine, action, onClick }: CouponItemProps) {
  const inactive = coupon.status === 'used' || coupon.status === 'expired' || coupon.status === 'void';
  return (
    <CouponTicket
      className={`coupon-item--${coupon.status}`}
      face={couponFace(coupon)}
      condition={couponCondition(coupon)}
      title={coupon.title}
      description={couponDescription(coupon)}
      lines={[usableLine ?? usableText(coupon, merchantNames ?? new Map()), couponValidity(coupon)]}
      tags={couponTags({ ...coupon, forwardable: canForward(coupon) })}
      brand={brandOf(coupon, merchantNames ?? new Map())}
      muted={inactive}
      stamp={coupon.status === 'available' ? undefined : COUPON_STATUS_TEXT[coupon.status]}
      action={action}
      onClick={onClick}
    />
  );
}

export default CouponItem;
