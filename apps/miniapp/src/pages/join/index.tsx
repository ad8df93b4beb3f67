import { useCallback, useRef, useState } from 'react';
import Taro, { useDidShow, useLoad } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { Offer, PrivacyPolicy, SceneInfo } from '@allycard/contracts';
import { PageState } from '../../components/page-state';
import { ConsentCheck } from '../../components/privacy-sheet';
import { memberApi, memberToken } from '../../services/api';
import { joinGiftLine } from '../../services/coupon-text';
import { errorMessage, hasCode, toastError, userError } from '../../services/errors';
import { createSceneReader } from '../../services/scene';
import { ROUTES, withQuery } from '../../services/routes';
import { currentMember } from '../../services/session';
import { joinAlliance } from '../../services/joining';
import './index.scss';

type SceneState =
  | { status: 'none' }
  | { status: 'loading'; scene: string }
  | { status: 'ok'; scene: string; info: SceneInfo }
  /** unknown scene (404): joining still works, without the merchant's name */
  | { status: 'unknown'; scene: string }
  | { status: 'error'; scene: string; message: string };

type MemberState =
  { status: 'checking' } | { status: 'guest' } | { status: 'member' } | { status: 'error'; message: string };

const GIFT_FALLBACK = '新会员专享礼券';
const BENEFITS = [
  { title: '积分通用', text: '联盟好店都能攒、都能花' },
  { title: '越逛越省', text: '消费升级会员，享专属折扣' },
];

function merchantLine(state: SceneState): string | null {
  if (state.status !== 'ok') return null;
  const { merchant, storeName } = state.info;
  return `${merchant.name}${storeName ? ` · ${storeName}` : ''} 邀你加入`;
}

export default function JoinPage() {
  const readScene = useRef(createSceneReader()).current;
  const [scene, setScene] = useState<SceneState>({ status: 'none' });
  const [member, setMember] = useState<MemberState>({ status: 'checking' });
  const [joining, setJoining] = useState(false);
  // the alliance's current policy (null: none published, nothing to agree to) and the shopper's tick
  const [policy, setPolicy] = useState<PrivacyPolicy | null>(null);
  const [agreed, setAgreed] = useState(false);
  // what joining gives here (null: not known yet, or could not be read: a general line is shown)
  const [gifts, setGifts] = useState<Offer[] | null>(null);
  const lookedUp = useRef<string | null>(null);

  const policyFor = useRef<string | null | undefined>(undefined);

  const loadPolicy = useCallback(async (sceneValue: string | null) => {
    policyFor.current = sceneValue;
    // the gifts are the alliance's too; a failure only keeps the general line
    memberApi.joinGifts(sceneValue ?? undefined).then(setGifts, () => setGifts(null));
    try {
      setPolicy(await memberApi.privacyPolicy({ scene: sceneValue ?? undefined }));
    } catch (error) {
      if (hasCode(error, 404)) setPolicy(null);
      else toastError(error);
    }
  }, []);

  const lookUpScene = useCallback(async (value: string) => {
    lookedUp.current = value;
    setScene({ status: 'loading', scene: value });
    try {
      const info = await memberApi.scene(value);
      if (lookedUp.current === value) setScene({ status: 'ok', scene: value, info });
    } catch (error) {
      if (lookedUp.current !== value) return;
      if (hasCode(error, 404)) setScene({ status: 'unknown', scene: value });
      else setScene({ status: 'error', scene: value, message: errorMessage(error) });
    }
  }, []);

  const refreshScene = useCallback(() => {
    const value = readScene();
    // the policy is the alliance's: read again only when the scene (so maybe the alliance) changed
    if (value !== policyFor.current) void loadPolicy(value);
    if (!value) {
      lookedUp.current = null;
      setScene({ status: 'none' });
    } else if (value !== lookedUp.current) {
      void lookUpScene(value);
    }
  }, [lookUpScene, readScene, loadPolicy]);

  const checkMember = useCallback(async () => {
    if (!memberToken.get()) {
      setMember({ status: 'guest' });
      return;
    }
    setMember({ status: 'checking' });
    try {
      setMember({ status: (await currentMember()) ? 'member' : 'guest' });
    } catch (error) {
      setMember({ status: 'error', message: errorMessage(error) });
    }
  }, []);

  // WeChat keeps this page alive across scans: read the scene when it loads and again on every show.
  useLoad(() => refreshScene());
  useDidShow(() => {
    refreshScene();
    void checkMember();
  });

  const join = async () => {
    if (joining) return;
    if (policy && !agreed) {
      toastError(userError('请先阅读并勾选同意《用户协议》和《隐私政策》'));
      return;
    }
    setJoining(true);
    try {
      const res = await joinAlliance({
        scene: scene.status === 'none' ? undefined : scene.scene,
        policyVersion: policy?.version,
      });
      await Taro.switchTab({ url: ROUTES.card });
      void Taro.showToast({
        title: res.newlyJoined ? '入会成功' : '欢迎回来',
        icon: 'success',
        duration: 2000,
      });
    } catch (error) {
      // a new version came out while the page was open: show it and ask again
      if (hasCode(error, 409)) {
        setAgreed(false);
        void loadPolicy(scene.status === 'none' ? null : scene.scene);
      }
      toastError(error);
    } finally {
      setJoining(false);
    }
  };

  const line = merchantLine(scene);

  return (
    <View className="page join">
      <View className="join__hero">
        <Text className="join__alliance">联盟会员卡</Text>
        <Text className="join__headline">一张卡，逛遍联盟好店</Text>
        {line ? <Text className="join__merchant">{line}</Text> : null}
        {scene.status === 'loading' ? (
          <Text className="join__merchant join__merchant--muted">正在识别商户…</Text>
        ) : null}
        <View className="join__benefits">
          {gifts?.length !== 0 ? (
            <View className="join__benefit join__benefit--gift">
              <Text className="join__benefit-title">入会有礼</Text>
              <Text className="join__benefit-text">{(gifts && joinGiftLine(gifts)) ?? GIFT_FALLBACK}</Text>
            </View>
          ) : null}
          {BENEFITS.map((benefit) => (
            <View className="join__benefit" key={benefit.title}>
              <Text className="join__benefit-title">{benefit.title}</Text>
              <Text className="join__benefit-text">{benefit.text}</Text>
            </View>
          ))}
        </View>
      </View>

      {scene.status === 'error' ? (
        <View className="join__notice" onClick={() => void lookUpScene(scene.scene)}>
          商户信息没加载出来（{scene.message}），不影响入会，点此重试
        </View>
      ) : null}

      <View className="join__actions">
        {member.status === 'checking' ? (
          <PageState status="loading" title="正在确认会员身份…" compact />
        ) : null}
        {member.status === 'error' ? (
          <PageState
            status="error"
            compact
            title="暂时无法确认会员身份"
            description={member.message}
            actionText="重试"
            onAction={() => void checkMember()}
          />
        ) : null}
        {member.status === 'member' ? (
          <View className="join__member">
            <Text className="join__member-text">你已是会员</Text>
            <Button type="primary" block onClick={() => void Taro.switchTab({ url: ROUTES.card })}>
              查看会员卡
            </Button>
          </View>
        ) : null}
        {member.status === 'guest' ? (
          <>
            <Button
              className="join__button"
              type="primary"
              block
              loading={joining}
              onClick={() => void join()}
            >
              一键入会
            </Button>
            {policy ? (
              <ConsentCheck
                checked={agreed}
                onToggle={() => setAgreed((value) => !value)}
                scene={scene.status === 'none' ? undefined : scene.scene}
              />
            ) : null}
            <Text className="join__terms">免费入会 · 只需微信授权，不填资料</Text>
            <Text
              className="join__browse"
              onClick={() =>
                void Taro.navigateTo({
                  url: withQuery(ROUTES.offers, { scene: scene.status === 'none' ? undefined : scene.scene }),
                })
              }
            >
              先逛逛领券中心 ›
            </Text>
          </>
        ) : null}
      </View>
    </View>
  );
}
