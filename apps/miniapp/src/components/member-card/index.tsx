import type { Member, TierProgress } from '@allycard/contracts';
import { formatCardNumber } from '@allycard/domain';
import { Text, View } from '@tarojs/components';
import './index.scss';

export interface MemberCardProps {
  member: Member & { tierProgress?: TierProgress };
  /** the alliance's name; the API will provide it later */
  allianceName?: string;
}

/** The member card itself: alliance, tier, card number, points and the way to the next tier. */
export function MemberCard({ member, allianceName = '联盟会员卡' }: MemberCardProps) {
  return (
    <View className={`member-card member-card--${member.tier.code}`}>
      <View className="member-card__head">
        <Text className="member-card__alliance">{allianceName}</Text>
        <Text className="member-card__tier">{member.tier.name}</Text>
      </View>
      <View className="member-card__number">{formatCardNumber(member.cardNo)}</View>
      <View className="member-card__foot">
        <View className="member-card__field">
          <Text className="member-card__label">持卡人</Text>
          <Text className="member-card__name">{member.nickname || '微信用户'}</Text>
        </View>
        <View className="member-card__field member-card__field--end">
          <Text className="member-card__label">积分</Text>
          <Text className="member-card__points">{member.points}</Text>
        </View>
      </View>
      {member.tierProgress?.text ? (
        <View className="member-card__progress">{member.tierProgress.text}</View>
      ) : null}
    </View>
  );
}

export default MemberCard;
