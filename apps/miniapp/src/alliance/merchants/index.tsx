import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { Merchant, StorePlace } from '@allycard/contracts';
import { formatDistance, isOpenAt, sortByDistance, type LatLng } from '@allycard/domain';
import { MerchantMark } from '../../components/merchant-mark';
import { PageState } from '../../components/page-state';
import { PrivacyGateSheet } from '../../components/privacy-sheet';
import { getShopperLocation, StoreMapLink } from '../../platform/location';
import { memberApi } from '../../services/api';
import { badgeColour } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { ROUTES } from '../../services/routes';
import './index.scss';

type Located =
  { status: 'idle' } | { status: 'asking' } | { status: 'failed' } | { status: 'known'; at: LatLng };

interface PlacedStore {
  store: StorePlace;
  distanceMetres: number | null;
}

/** Stores nearest first once the shopper's place is known, and merchants by their nearest store. */
export function arrange(
  merchants: Merchant[],
  at: LatLng | null,
): { merchant: Merchant; stores: PlacedStore[] }[] {
  const rows = merchants.map((merchant) => {
    const stores = merchant.stores ?? [];
    return {
      merchant,
      stores: at
        ? sortByDistance(stores, at).map(({ place, distanceMetres }) => ({ store: place, distanceMetres }))
        : stores.map((store) => ({ store, distanceMetres: null })),
    };
  });
  if (!at) return rows;
  // a merchant is as far as its nearest store (the first, now); those without coordinates go last
  const byNearest = rows.map((row) => ({
    row,
    latitude: row.stores[0]?.store.latitude ?? null,
    longitude: row.stores[0]?.store.longitude ?? null,
  }));
  return sortByDistance(byNearest, at).map(({ place }) => place.row);
}

function Logo({ merchant }: { merchant: Merchant }) {
  return (
    <MerchantMark
      name={merchant.name}
      logoUrl={merchant.logoUrl}
      colour={badgeColour(merchant.id)}
      className="merchants__logo"
      initialClassName="merchants__badge"
    />
  );
}

function Benefits({ merchant }: { merchant: Merchant }) {
  const benefits = merchant.cardBenefits;
  if (!benefits) return null;
  const { coupons, memberPrice, points } = benefits;
  const total = coupons.held + coupons.claimable;
  const counts = [
    ...(coupons.held ? [`已有 ${coupons.held} 张`] : []),
    ...(coupons.claimable ? [`可领 ${coupons.claimable} 张`] : []),
  ].join(' · ');
  return (
    <View className="merchants__benefits">
      {total ? (
        <View
          className="merchants__benefit merchants__benefit--link"
          onClick={() => void Taro.navigateTo({ url: coupons.claimable ? ROUTES.offers : ROUTES.myCoupons })}
        >
          <Text className="merchants__benefit-tag">券</Text>
          <Text className="merchants__benefit-text">
            {coupons.best ? `${coupons.best.text}${total > 1 ? ' 等' : ''}` : ''}（{counts}）
          </Text>
          <Text className="merchants__benefit-go">{coupons.claimable ? '去领券 ›' : '去看看 ›'}</Text>
        </View>
      ) : (
        <View className="merchants__benefit">
          <Text className="merchants__benefit-tag merchants__benefit-tag--quiet">券</Text>
          <Text className="merchants__benefit-text merchants__benefit-text--quiet">暂时没有这里能用的券</Text>
        </View>
      )}
      {memberPrice ? (
        <View className="merchants__benefit">
          <Text className="merchants__benefit-tag">会员价</Text>
          <Text className="merchants__benefit-text">{memberPrice.text}，买单自动优惠</Text>
        </View>
      ) : null}
      <View className="merchants__benefit">
        <Text className="merchants__benefit-tag">积分</Text>
        <Text className="merchants__benefit-text">{points.text}</Text>
      </View>
    </View>
  );
}

/** 营业时间 with 营业中 / 已打烊 when the store gives its opening and closing times. */
function StoreHours({ store }: { store: PlacedStore['store'] }) {
  const hours =
    store.hoursText ?? (store.opensAt && store.closesAt ? `${store.opensAt}–${store.closesAt}` : null);
  if (!hours) return null;
  const open = isOpenAt(store, new Date());
  return (
    <View className="merchants__hours">
      {open !== null ? (
        <Text className={`merchants__open${open ? '' : ' merchants__open--closed'}`}>
          {open ? '营业中' : '已打烊'}
        </Text>
      ) : null}
      <Text className="merchants__line">营业时间 {hours}</Text>
    </View>
  );
}

function Store({ store, distanceMetres }: PlacedStore) {
  const { latitude, longitude } = store;
  return (
    <View className="merchants__store">
      <View className="merchants__store-head">
        <Text className="merchants__store-name">{store.name}</Text>
        {distanceMetres !== null ? (
          <Text className="merchants__distance">距你 {formatDistance(distanceMetres)}</Text>
        ) : null}
      </View>
      {store.address ? <Text className="merchants__line">{store.address}</Text> : null}
      <StoreHours store={store} />
      <View className="merchants__actions">
        {store.phone ? (
          <Text
            className="merchants__action"
            aria-label={`拨打${store.name}电话 ${store.phone}`}
            onClick={() => void Taro.makePhoneCall({ phoneNumber: store.phone!.replace(/-/g, '') })}
          >
            电话 {store.phone}
          </Text>
        ) : null}
        {latitude !== null && longitude !== null ? (
          <StoreMapLink
            className="merchants__action"
            place={{ name: store.name, address: store.address, latitude, longitude }}
          />
        ) : null}
      </View>
    </View>
  );
}

export default function MerchantsPage() {
  const { state, reload } = useMemberPage(() => memberApi.merchantDirectory());
  const [located, setLocated] = useState<Located>({ status: 'idle' });

  const locate = async () => {
    setLocated({ status: 'asking' });
    const at = await getShopperLocation();
    setLocated(at ? { status: 'known', at } : { status: 'failed' });
  };

  if (state.status === 'loading') return <PageState status="loading" title="正在找联盟商户…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="联盟商户没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const merchants = state.data;
  if (!merchants.length) {
    return (
      <PageState
        status="empty"
        title="联盟里还没有商户"
        description="商户加入联盟后，你的会员卡就能在那里用了"
      />
    );
  }

  const rows = arrange(merchants, located.status === 'known' ? located.at : null);
  return (
    <View className="page merchants">
      <View className="merchants__locate">
        {located.status === 'known' ? (
          <Text className="merchants__locate-text">已按离你的距离排序</Text>
        ) : (
          <>
            <Text className="merchants__locate-text">
              {located.status === 'failed'
                ? '没有拿到你的位置，可以在设置里允许定位后再试'
                : '你的会员卡在这些商户都能用'}
            </Text>
            <Button
              className="merchants__locate-button"
              size="small"
              type="primary"
              fill="outline"
              loading={located.status === 'asking'}
              onClick={() => void locate()}
            >
              {located.status === 'failed' ? '重新定位' : '看看离我多远'}
            </Button>
          </>
        )}
      </View>
      {rows.map(({ merchant, stores }) => (
        <View key={merchant.id} className="merchants__merchant" data-merchant={merchant.name}>
          <View className="merchants__head">
            <Logo merchant={merchant} />
            <View className="merchants__title">
              <Text className="merchants__name">{merchant.name}</Text>
              {merchant.description ? (
                <Text className="merchants__description">{merchant.description}</Text>
              ) : null}
            </View>
          </View>
          <Benefits merchant={merchant} />
          {stores.map((placed) => (
            <Store key={placed.store.id} {...placed} />
          ))}
        </View>
      ))}
      <PrivacyGateSheet />
    </View>
  );
}
