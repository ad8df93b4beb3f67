import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import type { MemberLookupResponse } from '@allycard/contracts';
import { formatCardNumber } from '@allycard/domain';
import { CouponItem } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { canScan, scanMemberCode } from '../../platform';
import { staffApi, staffToken } from '../../services/api';
import { errorMessage, hasCode, toastError, userError } from '../../services/errors';
import { ROUTES } from '../../services/routes';
import '../staff.scss';

type LookupState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'found'; result: MemberLookupResponse }
  | { status: 'error'; message: string };

/** Digits only: the code under the QR is shown as one run of digits; people type it with spaces. */
function normaliseCode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

export default function StaffVerifyPage() {
  const [input, setInput] = useState('');
  const [lookup, setLookup] = useState<LookupState>({ status: 'idle' });

  useLoad(() => {
    if (!staffToken.get()) void Taro.redirectTo({ url: ROUTES.staffLogin });
  });

  const signOut = async (notice?: string) => {
    staffToken.clear();
    if (notice) toastError(userError(notice));
    await Taro.redirectTo({ url: ROUTES.staffLogin });
  };

  const verify = async (raw: string) => {
    const memberCode = normaliseCode(raw);
    if (!memberCode) {
      toastError(userError('请输入会员码'));
      return;
    }
    setLookup({ status: 'loading' });
    try {
      const result = await staffApi.lookupMember(memberCode);
      // an error toast from the previous code must not linger over this member
      Taro.hideToast();
      setLookup({ status: 'found', result });
      setInput('');
    } catch (error) {
      if (hasCode(error, 401)) {
        await signOut('登录已过期，请重新登录');
        return;
      }
      setLookup({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  const scan = async () => {
    const code = await scanMemberCode();
    if (code) {
      setInput(code);
      await verify(code);
    }
  };

  return (
    <View className="page staff verify">
      <View className="verify__reader">
        {canScan ? (
          <Button className="verify__scan" type="primary" block onClick={() => void scan()}>
            扫会员码
          </Button>
        ) : null}
        <View className="verify__manual">
          <Input
            className="staff__input verify__input"
            name="memberCode"
            type="digit"
            placeholder={canScan ? '或输入会员码下方的数字' : '输入会员码下方的数字'}
            value={input}
            onChange={setInput}
            confirmType="search"
          />
          <Button
            className="verify__submit"
            type="primary"
            fill={canScan ? 'outline' : undefined}
            loading={lookup.status === 'loading'}
            onClick={() => void verify(input)}
          >
            查询
          </Button>
        </View>
      </View>

      {lookup.status === 'idle' ? (
        <PageState status="empty" compact title="等待验卡" description="请顾客打开「会员卡」出示会员码" />
      ) : null}
      {lookup.status === 'loading' ? <PageState status="loading" compact title="查询中…" /> : null}
      {lookup.status === 'error' ? (
        <PageState status="error" compact title="没查到" description={lookup.message} />
      ) : null}
      {lookup.status === 'found' ? <LookupResult result={lookup.result} /> : null}

      <View className="verify__footer">
        <Button size="small" fill="none" className="verify__logout" onClick={() => void signOut()}>
          退出登录
        </Button>
      </View>
    </View>
  );
}

function LookupResult({ result }: { result: MemberLookupResponse }) {
  const { member, coupons } = result;
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

      <View className="section">
        <Text className="section__title">可用券（{coupons.length}）</Text>
        {coupons.length ? (
          coupons.map((coupon) => <CouponItem key={coupon.id} coupon={coupon} />)
        ) : (
          <PageState status="empty" compact title="暂无可用券" />
        )}
      </View>
    </View>
  );
}
