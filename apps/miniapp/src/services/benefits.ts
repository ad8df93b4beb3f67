import type { MemberBenefits } from '@allycard/contracts';
import { multiplierText } from '@allycard/domain';

/** What the birthday gift is, in one line: 「生日券」+ 200 积分. */
export function birthdayGiftText(b: NonNullable<MemberBenefits['birthday']>): string {
  const parts = [
    ...(b.couponTemplateId ? [`「${b.couponTitle ?? '生日券'}」`] : []),
    ...(b.points > 0 ? [`${b.points} 积分`] : []),
  ];
  return parts.join(' + ');
}

/** The card's member-day banner: 今天会员日 积分双倍. */
export function memberDayBanner(b: MemberBenefits): string | null {
  if (!b.today.memberDay || !b.memberDay?.forMe) return null;
  return `今天会员日 积分${multiplierText(b.memberDay.pointsMultiplierPermille).replace(' ', '')}`;
}
