import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { serverAsset } from '../../services/assets';
import { useMemberPage } from '../../services/member-page';
import { fulfilmentText, MALL_BLOCK_TEXT, mallItemBlock, mallPrice } from '../../services/points-text';
import { ROUTES, withQuery } from '../../services/routes';
import '../points.scss';

export default function MallPage() {
  const { state, reload } = useMemberPage(async () => {
    const [items, summary] = await Promise.all([memberApi.mallItems(), memberApi.points()]);
    return { items, balance: summary.balance };
  });

  if (state.status === 'loading') return <PageState status="loading" title="正在上架好礼…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="积分商城没打开"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }

  const { items, balance } = state.data;
  return (
    <View className="page mall">
      <View className="mall__bar">
        <Text className="mall__mine">
          我的积分 <Text className="mall__mine-points">{balance}</Text>
        </Text>
        <Text className="mall__link" onClick={() => void Taro.navigateTo({ url: ROUTES.mallOrders })}>
          我的兑换 ›
        </Text>
      </View>
      {items.length ? (
        items.map((item) => {
          const block = mallItemBlock(item, balance);
          return (
            <View
              key={item.id}
              className={`mall__item${block && block !== 'insufficient_points' ? ' mall__item--blocked' : ''}`}
              onClick={() => void Taro.navigateTo({ url: withQuery(ROUTES.mallItem, { id: item.id }) })}
            >
              {item.imageUrl ? (
                <Image
                  className="mall__photo"
                  src={serverAsset(item.imageUrl)}
                  mode="aspectFill"
                  lazyLoad
                  ariaLabel={item.title}
                />
              ) : null}
              <View className="mall__item-body">
                <View className="mall__item-head">
                  <Text className="mall__title">{item.title}</Text>
                  {block ? <Text className="mall__badge">{MALL_BLOCK_TEXT[block]}</Text> : null}
                </View>
                {item.description ? <Text className="mall__description">{item.description}</Text> : null}
                <View className="mall__item-foot">
                  <Text className="mall__price">{mallPrice(item)}</Text>
                  <Text className="mall__meta">
                    {fulfilmentText(item)}
                    {item.remaining > 0 ? ` · 剩 ${item.remaining} 件` : ''}
                  </Text>
                </View>
              </View>
            </View>
          );
        })
      ) : (
        <PageState status="empty" title="好礼还在路上" description="联盟商户上架礼品后，就能用积分兑换了" />
      )}
    </View>
  );
}
