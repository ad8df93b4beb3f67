import { useState } from 'react';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { CouponItem } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { ConsentCheck } from '../../components/privacy-sheet';
import { getLoginCode } from '../../platform';
import { memberApi, memberToken } from '../../services/api';
import { formatDateTime } from '../../services/dates';
import { errorMessage, hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { merchantNames } from '../../services/merchants';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { PrivacyPolicy, SharePreview } from '@allycard/contracts';
import { saveWelcomeCoupons } from '../../services/welcome';
import './index.scss';

/**
 * How this visitor stands to the coupon, as the server tells it (GET /shares/:token reads the
 * member token when there is one): the sender (own), the friend who took it (taken), or anyone else.
 */
type Relation = 'own' | 'taken' | null;

type ShareState =
  | { status: 'loading' }
  | { status: 'ready'; preview: SharePreview; relation: Relation; names: Map<string, string> }
  | { status: 'error'; message: string };

export default function SharePage() {
  const token = pageParam(useRouter().params, 'token');
  const [state, setState] = useState<ShareState>({ status: 'loading' });
  const [accepting, setAccepting] = useState(false);
  // the share's alliance policy (null: none published) and the friend's tick, as on the join page
  const [policy, setPolicy] = useState<PrivacyPolicy | null>(null);
  const [agreed, setAgreed] = useState(false);

  const loadPolicy = async (shareToken: string) => {
    try {
      setPolicy(await memberApi.privacyPolicy({ share: shareToken }));
    } catch (error) {
      if (hasCode(error, 404)) setPolicy(null);
      else toastError(error);
    }
  };

  const load = async () => {
    if (!token) {
      setState({ status: 'error', message: '链接不完整，请让好友重新转赠' });
      return;
    }
    try {
      const preview = await memberApi.sharePreview(token);
      const signedIn = Boolean(memberToken.get());
      const names = signedIn ? await merchantNames() : new Map<string, string>();
      const relation: Relation =
        preview.viewer === 'sender' ? 'own' : preview.viewer === 'receiver' ? 'taken' : null;
      setState({ status: 'ready', preview, relation, names });
    } catch (error) {
      setState({
        status: 'error',
        message: hasCode(error, 404) ? '这个转赠链接无效，请让好友重新转赠' : errorMessage(error),
      });
      if (!hasCode(error, 404)) toastError(error);
    }
  };

  useDidShow(() => {
    void load();
    if (token) void loadPolicy(token);
  });

  const accept = async () => {
    if (accepting || !token) return;
    if (policy && !agreed) {
      toastError(userError('请先阅读并勾选同意《用户协议》和《隐私政策》'));
      return;
    }
    setAccepting(true);
    try {
      const code = await getLoginCode();
      const res = await memberApi.acceptShare(token, code, policy?.version);
      memberToken.set(res.token);
      // the friend lands on the card (with the tab bar), where the gift and any join gifts are shown
      saveWelcomeCoupons([res.coupon, ...(res.newlyJoined ? res.coupons : [])]);
      toastSuccess(res.newlyJoined ? '领取成功，欢迎入会' : '领取成功');
      await Taro.switchTab({ url: ROUTES.card });
    } catch (error) {
      toastError(error);
      // a new version came out while the page was open: show it and ask again
      if (hasCode(error, 409, 'POLICY_OUTDATED')) {
        setAgreed(false);
        void loadPolicy(token);
      }
      setState((prev) => {
        if (prev.status !== 'ready') return prev;
        const preview = prev.preview;
        if (hasCode(error, 409, 'SHARE_USED'))
          return { ...prev, preview: { ...preview, status: 'accepted' } };
        if (hasCode(error, 409, 'SHARE_EXPIRED'))
          return { ...prev, preview: { ...preview, status: 'expired' } };
        if (hasCode(error, 422, 'CANNOT_ACCEPT_OWN')) return { ...prev, relation: 'own' };
        return prev;
      });
    } finally {
      setAccepting(false);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" title="正在打开好友的礼物…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="没打开这张券"
        description={state.message}
        actionText="去看看联盟会员卡"
        onAction={() => void Taro.switchTab({ url: ROUTES.card })}
      />
    );
  }

  const { preview, relation, names } = state;
  // An open share of a coupon that ran out meanwhile cannot be taken either.
  const status =
    preview.status === 'open' && preview.coupon.status === 'expired' ? 'expired' : preview.status;

  return (
    <View className="page share">
      <View className="share__hero">
        {/* the sender opening its own link sees its gift, not a gift to itself */}
        <Text className="share__from">{relation === 'own' ? '你' : preview.fromNickname}</Text>
        <Text className="share__headline">
          {relation === 'own' ? '转赠给好友的联盟好券' : '送你一张联盟好券'}
        </Text>
      </View>

      <View className="share__coupon">
        {/* a forwarded coupon cannot be forwarded again: no 可转赠 tag for the friend */}
        <CouponItem
          coupon={{
            ...preview.coupon,
            status: status === 'expired' ? 'expired' : 'available',
            forwardable: false,
          }}
          merchantNames={names}
        />
      </View>

      <View className="share__actions">
        {status === 'open' && relation === 'own' ? (
          <Outcome
            text="这是你转赠出去的券，等好友来领吧"
            action="查看这张券"
            url={withQuery(ROUTES.couponDetail, { id: preview.coupon.id })}
          />
        ) : null}
        {status === 'open' && relation !== 'own' ? (
          <>
            <Button
              className="share__accept"
              type="primary"
              block
              loading={accepting}
              onClick={() => void accept()}
            >
              一键领取
            </Button>
            {policy ? (
              <ConsentCheck
                checked={agreed}
                onToggle={() => setAgreed((value) => !value)}
                share={token ?? undefined}
              />
            ) : null}
            <Text className="share__terms">
              领取即免费加入联盟会员 · {formatDateTime(preview.expiresAt)} 前有效
            </Text>
          </>
        ) : null}
        {status === 'accepted' && relation === 'taken' ? (
          <Outcome text="你已领取这张券" action="去我的券" url={ROUTES.myCoupons} />
        ) : null}
        {status === 'accepted' && relation === 'own' ? (
          <Outcome
            text="好友已领取这张券"
            action="查看已赠送"
            url={withQuery(ROUTES.myCoupons, { tab: 'sent' })}
          />
        ) : null}
        {status === 'accepted' && relation === null ? (
          <Outcome text="来晚了，这张券已经被领走了" action="去领券中心看看" url={ROUTES.offers} />
        ) : null}
        {status === 'cancelled' ? (
          <Outcome text="好友已取消这次转赠" action="去看看联盟会员卡" url={ROUTES.card} />
        ) : null}
        {status === 'expired' ? (
          <Outcome text="转赠已过期，券已退回给好友" action="去看看联盟会员卡" url={ROUTES.card} />
        ) : null}
      </View>
    </View>
  );
}

function Outcome({ text, action, url }: { text: string; action: string; url: string }) {
  const go = () => {
    const tab = url === ROUTES.card || url === ROUTES.me;
    void (tab ? Taro.switchTab({ url }) : Taro.navigateTo({ url })).catch(() =>
      toastError(userError('页面没打开，请稍后再试')),
    );
  };
  return (
    <View className="share__outcome">
      <Text className="share__outcome-text">{text}</Text>
      <Button type="primary" fill="outline" block onClick={go}>
        {action}
      </Button>
    </View>
  );
}
