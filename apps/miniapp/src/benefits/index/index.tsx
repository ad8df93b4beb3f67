import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { MemberBenefits } from '@allycard/contracts';
import {
  businessDateTime,
  formatFen,
  formatZhe,
  memberDayDiscountText,
  memberDayText,
  multiplierText,
  tierProgress,
} from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { useMemberPage } from '../../services/member-page';
import { birthdayGiftText, memberDayBanner } from '../../services/benefits';
import { ROUTES } from '../../services/routes';
import './index.scss';

export default function BenefitsPage() {
  const { state, reload } = useMemberPage(() => memberApi.benefits());

  if (state.status === 'loading') return <PageState status="loading" title="正在打开会员权益…" />;
  if (state.status === 'error')
    return (
      <PageState
        status="error"
        title="会员权益没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );

  const b = state.data;
  const progress = b.tiers.length ? tierProgress(b.tiers, b.tierCode, b.spendFen) : null;
  const banner = memberDayBanner(b);
  return (
    <View className="page benefits">
      {b.today.birthday && b.birthday ? (
        <View className="section benefits__banner benefits__banner--birthday">
          <Text className="benefits__banner-title">生日快乐</Text>
          <Text className="benefits__banner-body">
            {b.today.birthdayGift
              ? `生日礼已送到：${birthdayGiftText(b.birthday)}`
              : `今天送你 ${birthdayGiftText(b.birthday)}`}
          </Text>
        </View>
      ) : null}
      {banner ? (
        <View className="section benefits__banner">
          <Text className="benefits__banner-title">{banner}</Text>
        </View>
      ) : null}

      <View className="section benefits__block">
        <Text className="benefits__heading">会员等级</Text>
        {progress ? <Text className="benefits__progress">{progress.text}</Text> : null}
        <View className="benefits__ladder">
          {b.tiers.map((tier) => (
            <View
              key={tier.code}
              className={`benefits__tier${tier.code === b.tierCode ? ' benefits__tier--mine' : ''}`}
              aria-current={tier.code === b.tierCode ? 'true' : undefined}
            >
              <View className="benefits__tier-head">
                <Text className="benefits__tier-name">{tier.name}</Text>
                {tier.code === b.tierCode ? <Text className="benefits__tier-badge">当前</Text> : null}
              </View>
              <Text className="benefits__tier-line">
                {tier.minSpendFen > 0 ? `近 12 个月消费满 ${formatFen(tier.minSpendFen)}` : '入会即享'}
              </Text>
              <Text className="benefits__tier-line">
                {tier.discountPermille < 1000 ? `买单 ${formatZhe(tier.discountPermille)}` : '买单原价'} ·
                积分
                {multiplierText(tier.pointsMultiplierPermille)}
              </Text>
            </View>
          ))}
        </View>
      </View>

      <View className="section benefits__block">
        <Text className="benefits__heading">会员日</Text>
        {b.memberDay ? (
          <Text className="benefits__line">
            {memberDayText(b.memberDay)}消费，积分再{multiplierText(b.memberDay.pointsMultiplierPermille)}
            （与等级倍数相乘，最多 {b.maxMultiplierPermille / 1000} 倍）
            {b.memberDay.discountPermille !== null || b.memberDay.discountFen !== null
              ? `，买单${memberDayDiscountText({ offPermille: b.memberDay.discountPermille, offFen: b.memberDay.discountFen })}`
              : ''}
            {b.memberDay.merchantIds ? '（限指定商户）' : ''}
            {b.memberDay.forMe ? '' : `，${tierName(b, b.memberDay.minTierCode)}及以上可享`}
          </Text>
        ) : (
          <Text className="benefits__line benefits__muted">联盟暂未设置会员日</Text>
        )}
      </View>

      {b.promotions.length ? (
        <View className="section benefits__block benefits__promotions">
          <Text className="benefits__heading">积分活动</Text>
          {b.promotions.map((p) => (
            <Text key={p.id} className="benefits__line benefits__promotion">
              {`${p.name}：${p.merchantIds ? '指定商户' : '全联盟商户'}消费积分${multiplierText(p.multiplierPermille)}，至 ${businessDateTime(new Date(p.endsAt))}`}
            </Text>
          ))}
        </View>
      ) : null}

      {b.spendGet.length ? (
        <View className="section benefits__block benefits__spend-get">
          <Text className="benefits__heading">满额返券</Text>
          {b.spendGet.map((r) => (
            <Text key={r.id} className="benefits__line benefits__spend-get-rule">
              {`${r.merchantId ? '指定商户' : '全联盟商户'}单笔实付满 ${formatFen(r.minPaidFen)}，返「${r.couponTitle}」`}
            </Text>
          ))}
          <Text className="benefits__line benefits__muted">全额退款时，未使用的返券会收回</Text>
        </View>
      ) : null}

      <View className="section benefits__block">
        <Text className="benefits__heading">生日礼</Text>
        {b.birthday ? (
          <Text className="benefits__line">
            生日当天送你 {birthdayGiftText(b.birthday)}
            {b.birthday.memberBirthday ? '' : '，先去填写生日吧'}
          </Text>
        ) : (
          <Text className="benefits__line benefits__muted">联盟暂未设置生日礼</Text>
        )}
        {b.birthday && !b.birthday.memberBirthday ? (
          <Text className="benefits__link" onClick={() => void Taro.switchTab({ url: ROUTES.me })}>
            去填写生日 ›
          </Text>
        ) : null}
      </View>

      {b.tasks.length ? (
        <View className="section benefits__block">
          <Text className="benefits__heading">任务</Text>
          {b.tasks.map((task) => (
            <View key={task.code} className="benefits__task">
              <Text className="benefits__task-title">{task.title}</Text>
              <Text className={`benefits__task-state${task.done ? ' benefits__task-state--done' : ''}`}>
                {task.done ? `已完成 +${task.points}` : `+${task.points} 积分`}
              </Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}

function tierName(b: MemberBenefits, code: string | null): string {
  return b.tiers.find((t) => t.code === code)?.name ?? '指定等级';
}
