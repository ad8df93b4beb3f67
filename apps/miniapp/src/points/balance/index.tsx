import { useRef, useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { formatFen } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { formatDate, formatDateTime } from '../../services/dates';
import { toastError } from '../../services/errors';
import { useMemberPage } from '../../services/member-page';
import { pointsEntryTitle, signedPoints } from '../../services/points-text';
import { ROUTES } from '../../services/routes';
import { POINTS_HISTORY_PAGE, type PointsEntry } from '@allycard/contracts';
import '../points.scss';

export default function PointsPage() {
  const [more, setMore] = useState<'idle' | 'loading' | 'done'>('idle');
  const [older, setOlder] = useState<PointsEntry[]>([]);
  const loadingMore = useRef(false);

  const { state, reload } = useMemberPage(async () => {
    const [summary, history] = await Promise.all([memberApi.points(), memberApi.pointsHistory()]);
    // each show starts again from the newest page
    setOlder([]);
    setMore(history.length < POINTS_HISTORY_PAGE ? 'done' : 'idle');
    return { summary, history };
  });

  const entries = state.status === 'ready' ? [...state.data.history, ...older] : [];

  const loadMore = async () => {
    if (loadingMore.current || more !== 'idle' || !entries.length) return;
    loadingMore.current = true;
    setMore('loading');
    try {
      const page = await memberApi.pointsHistory(entries[entries.length - 1].id);
      setOlder((prev) => [...prev, ...page]);
      setMore(page.length < POINTS_HISTORY_PAGE ? 'done' : 'idle');
    } catch (error) {
      setMore('idle');
      toastError(error);
    } finally {
      loadingMore.current = false;
    }
  };

  useReachBottom(() => void loadMore());

  if (state.status === 'loading') return <PageState status="loading" title="正在查积分…" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="积分没查到"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }

  const { summary } = state.data;
  return (
    <View className="page points">
      <View className="points__hero">
        <Text className="points__label">可用积分</Text>
        <Text className="points__balance">{summary.balance}</Text>
        <Text className="points__worth">可抵 {formatFen(summary.valueFen)}</Text>
        <View className="points__hero-actions">
          <Text className="points__hero-link" onClick={() => void Taro.navigateTo({ url: ROUTES.mall })}>
            积分商城
          </Text>
          <Text
            className="points__hero-link"
            onClick={() => void Taro.navigateTo({ url: ROUTES.mallOrders })}
          >
            我的兑换
          </Text>
        </View>
      </View>

      {summary.expiring.length ? (
        <View className="section">
          <Text className="section__title">即将过期</Text>
          <View className="points__card">
            {summary.expiring.map((lot) => (
              <View className="points__row" key={lot.expiresAt}>
                <Text className="points__expiring">{lot.points} 积分</Text>
                <Text className="points__row-sub">{formatDate(lot.expiresAt)} 过期</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}

      <View className="section">
        <Text className="section__title">积分明细</Text>
        {entries.length ? (
          <View className="points__card points__history">
            {entries.map((entry) => (
              <View className="points__row" key={entry.id}>
                <View className="points__row-main">
                  <Text className="points__row-title">{pointsEntryTitle(entry)}</Text>
                  <Text className="points__row-sub">
                    {entry.merchantName ? `${entry.merchantName} · ` : ''}
                    {formatDateTime(entry.createdAt)}
                  </Text>
                </View>
                <Text className={`points__amount points__amount--${entry.points > 0 ? 'plus' : 'minus'}`}>
                  {signedPoints(entry.points)}
                </Text>
              </View>
            ))}
          </View>
        ) : (
          <PageState
            status="empty"
            compact
            title="还没有积分记录"
            description="在联盟商户消费，每一元都能攒积分"
          />
        )}
        {more === 'idle' && entries.length ? (
          <Button
            className="points__more-button"
            size="small"
            fill="none"
            block
            onClick={() => void loadMore()}
          >
            加载更多
          </Button>
        ) : null}
        {more === 'loading' ? <Text className="points__more">加载中…</Text> : null}
        {more === 'done' && entries.length > POINTS_HISTORY_PAGE ? (
          <Text className="points__more">没有更早的记录了</Text>
        ) : null}
      </View>
    </View>
  );
}
