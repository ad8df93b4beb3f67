import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Dialog } from '@nutui/nutui-react-taro';
import type { Offer, PrivacyPolicy } from '@allycard/contracts';
import { CouponTicket } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { ConsentCheck } from '../../components/privacy-sheet';
import { memberApi } from '../../services/api';
import {
  couponCondition,
  couponFace,
  couponTags,
  offerValidity,
  usableText,
} from '../../services/coupon-text';
import { hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { joinAlliance } from '../../services/joining';
import { merchantNames, visitorMerchantNames } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import '../coupon.scss';

type OfferState = 'claimable' | 'claimed' | 'sold_out';

export function offerState(offer: Offer): OfferState {
  if (offer.claimedByMe >= offer.perMemberLimit) return 'claimed';
  if (offer.remaining <= 0) return 'sold_out';
  return 'claimable';
}

function stockLine(offer: Offer): string {
  const parts: string[] = [];
  if (offer.remaining > 0) parts.push(`剩 ${offer.remaining} 张`);
  if (offer.perMemberLimit > 1) parts.push(`每人限领 ${offer.perMemberLimit} 张`);
  if (offer.claimedByMe > 0 && offer.claimedByMe < offer.perMemberLimit)
    parts.push(`已领 ${offer.claimedByMe} 张`);
  return parts.join(' · ');
}

export default function OffersPage() {
  // a visitor who has not joined browses the offers of the scanned code's alliance
  const scene = pageParam(useRouter().params, 'scene') ?? undefined;
  const keys = useActionKeys();
  const [claiming, setClaiming] = useState<string | null>(null);
  // the coupon each offer gave in this visit, so 去使用 opens it
  const [claimedCoupons, setClaimedCoupons] = useState<Record<string, string>>({});
  // a visitor's first claim joins first: the offer waiting for it, and the policy to agree to
  const [joinFor, setJoinFor] = useState<Offer | null>(null);
  // undefined while it loads (joining waits for it), null when the alliance published none
  const [policy, setPolicy] = useState<PrivacyPolicy | null | undefined>(undefined);
  const [agreed, setAgreed] = useState(false);
  const [joining, setJoining] = useState(false);
  const { state, reload, update } = useMemberPage(
    async () => {
      const [offers, names] = await Promise.all([memberApi.offers(), merchantNames()]);
      return { offers, names, guest: false };
    },
    {
      guest: async () => {
        const [offers, names] = await Promise.all([
          memberApi.browseOffers(scene),
          visitorMerchantNames(scene),
        ]);
        return { offers, names, guest: true };
      },
    },
  );

  const patch = (id: string, change: (offer: Offer) => Offer) =>
    update((data) => ({ ...data, offers: data.offers.map((o) => (o.id === id ? change(o) : o)) }));

  const askToJoin = async (offer: Offer) => {
    setJoinFor(offer);
    setAgreed(false);
    setPolicy(undefined);
    try {
      setPolicy(await memberApi.privacyPolicy({ scene }));
    } catch (error) {
      if (hasCode(error, 404)) setPolicy(null);
      else toastError(error);
    }
  };

  const joinAndClaim = async () => {
    const offer = joinFor;
    if (!offer || joining || policy === undefined) return;
    if (policy && !agreed) {
      toastError(userError('请先阅读并勾选同意《用户协议》和《隐私政策》'));
      return;
    }
    setJoining(true);
    try {
      const joined = await joinAlliance({ scene, policyVersion: policy?.version });
      setJoinFor(null);
      await claim(offer, joined.newlyJoined ? '入会成功，券已领取' : '领取成功');
      void reload();
    } catch (error) {
      // a new version came out while the sheet was open: show it and ask again
      if (hasCode(error, 409)) {
        setAgreed(false);
        void askToJoin(offer);
      }
      toastError(error);
    } finally {
      setJoining(false);
    }
  };

  const claim = async (offer: Offer, done = '领取成功') => {
    if (claiming) return;
    setClaiming(offer.id);
    try {
      const coupon = await keys.run(`claim:${offer.id}`, (key) => memberApi.claimOffer(offer.id, key));
      setClaimedCoupons((known) => ({ ...known, [offer.id]: coupon.id }));
      patch(offer.id, (o) => ({
        ...o,
        claimedByMe: o.claimedByMe + 1,
        remaining: Math.max(0, o.remaining - 1),
      }));
      toastSuccess(done);
    } catch (error) {
      toastError(error);
      if (hasCode(error, 409, 'OUT_OF_STOCK')) patch(offer.id, (o) => ({ ...o, remaining: 0 }));
      else if (hasCode(error, 409, 'LIMIT_REACHED'))
        patch(offer.id, (o) => ({ ...o, claimedByMe: o.perMemberLimit }));
      else if (hasCode(error, 422)) void reload();
    } finally {
      setClaiming(null);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" title="正在找好券…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="领券中心没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }

  const use = (offer: Offer) => {
    const couponId = claimedCoupons[offer.id];
    void Taro.navigateTo({
      url: couponId ? withQuery(ROUTES.couponDetail, { id: couponId }) : ROUTES.myCoupons,
    });
  };

  const { offers, names, guest } = state.data;
  return (
    <View className="page coupons">
      <View className="coupons__bar">
        <Text className="coupons__lead">联盟好店的券，先到先得</Text>
        {guest ? (
          <Text className="coupons__lead coupons__lead--guest">入会后即可领取</Text>
        ) : (
          <Text className="coupons__link" onClick={() => void Taro.navigateTo({ url: ROUTES.myCoupons })}>
            我的券 ›
          </Text>
        )}
      </View>
      {offers.length ? (
        offers.map((offer) => {
          const status = offerState(offer);
          return (
            <CouponTicket
              key={offer.id}
              className={`offer offer--${status}`}
              face={couponFace(offer)}
              condition={couponCondition(offer)}
              title={offer.title}
              description={offer.description}
              lines={[usableText(offer, names), offerValidity(offer), stockLine(offer)]}
              tags={couponTags(offer)}
              muted={status === 'sold_out'}
              action={
                status === 'claimable' ? (
                  <Button
                    className="offer__claim"
                    type="primary"
                    size="small"
                    loading={claiming === offer.id}
                    onClick={() => void (guest ? askToJoin(offer) : claim(offer))}
                  >
                    立即领取
                  </Button>
                ) : status === 'claimed' ? (
                  <View className="offer__taken">
                    <Text className="offer__taken-text">已领取</Text>
                    <Button className="offer__use" size="small" fill="outline" onClick={() => use(offer)}>
                      去使用
                    </Button>
                  </View>
                ) : (
                  <Button className="offer__done" size="small" disabled>
                    已抢光
                  </Button>
                )
              }
            />
          );
        })
      ) : (
        <PageState
          status="empty"
          title="暂时没有可领的券"
          description="联盟商户上新活动时，会第一时间放在这里"
          actionText={guest ? '先去入会' : '看看我的券'}
          onAction={() =>
            void Taro.navigateTo({ url: guest ? withQuery(ROUTES.join, { scene }) : ROUTES.myCoupons })
          }
        />
      )}
      <Dialog
        className="offers__join"
        visible={joinFor !== null}
        title="入会领券"
        // own buttons: a refused tap (agreement not ticked) keeps the sheet open
        footer={
          <View className="offers__join-actions">
            <Button className="offers__join-cancel" onClick={() => setJoinFor(null)}>
              再看看
            </Button>
            <Button
              className="offers__join-confirm"
              type="primary"
              loading={joining}
              onClick={() => void joinAndClaim()}
            >
              入会并领取
            </Button>
          </View>
        }
        onClose={() => setJoinFor(null)}
      >
        <View className="offers__join-body">
          <Text className="offers__join-text">
            {joinFor ? `免费加入联盟会员，立即领取「${joinFor.title}」，联盟好店都能攒积分。` : ''}
          </Text>
          {policy ? (
            <ConsentCheck checked={agreed} onToggle={() => setAgreed((value) => !value)} scene={scene} />
          ) : null}
        </View>
      </Dialog>
    </View>
  );
}
