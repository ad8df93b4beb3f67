import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup, Dialog, InputNumber } from '@nutui/nutui-react-taro';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { useActionKeys } from '../../services/idempotency';
import { useMemberPage } from '../../services/member-page';
import {
  fulfilmentText,
  MALL_BLOCK_TEXT,
  mallItemBlock,
  mallPrice,
  maxQuantity,
} from '../../services/points-text';
import { pageParam, ROUTES, withQuery } from '../../services/routes';
import type { MallItem } from '../../services/types';
import '../points.scss';
import './index.scss';

export default function MallItemPage() {
  const id = pageParam(useRouter().params, 'id');
  const keys = useActionKeys();
  const [quantity, setQuantity] = useState(1);
  const [confirming, setConfirming] = useState(false);
  const [redeeming, setRedeeming] = useState(false);

  const { state, reload } = useMemberPage(async () => {
    const [items, summary] = await Promise.all([memberApi.mallItems(), memberApi.points()]);
    return { item: items.find((i) => i.id === id) ?? null, balance: summary.balance };
  });

  const redeem = async (item: MallItem, count: number) => {
    if (redeeming) return;
    setRedeeming(true);
    try {
      const order = await keys.run(`redeem:${item.id}:${count}`, (key) =>
        memberApi.redeemMallItem(item.id, count, key),
      );
      setConfirming(false);
      toastSuccess('兑换成功');
      await Taro.redirectTo({ url: withQuery(ROUTES.mallOrders, { new: order.id }) });
    } catch (error) {
      setConfirming(false);
      toastError(error);
      // stock, limit or balance changed meanwhile: show what is true now
      if (hasCode(error, 409) || hasCode(error, 422)) void reload();
    } finally {
      setRedeeming(false);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="没打开这件好礼"
        description={state.message}
        actionText="重试"
        onAction={() => void reload()}
      />
    );
  }
  const { item, balance } = state.data;
  if (!item) {
    return (
      <PageState
        status="empty"
        title="这件好礼已下架"
        description="去积分商城看看别的吧"
        actionText="去积分商城"
        onAction={() => void Taro.redirectTo({ url: ROUTES.mall })}
      />
    );
  }

  const block = mallItemBlock(item, balance);
  const max = maxQuantity(item, balance);
  const count = Math.min(Math.max(1, quantity), Math.max(1, max));
  const cost = item.pointsPrice * count;

  const open = () => {
    if (block) {
      toastError(userError(MALL_BLOCK_TEXT[block]));
      return;
    }
    setConfirming(true);
  };

  return (
    <View className="page mall-item">
      <View className="mall-item__hero">
        <Text className="mall-item__title">{item.title}</Text>
        {item.description ? <Text className="mall-item__description">{item.description}</Text> : null}
        <Text className="mall-item__price">{mallPrice(item)}</Text>
      </View>

      <CellGroup className="facts mall-item__facts">
        <Cell title="领取方式" extra={fulfilmentText(item)} />
        <Cell title="库存" extra={item.remaining > 0 ? `剩 ${item.remaining} 件` : '已兑完'} />
        <Cell
          title="每人限兑"
          extra={`${item.perMemberLimit} 件${item.redeemedByMe ? `（已兑 ${item.redeemedByMe} 件）` : ''}`}
        />
        <Cell title="我的积分" extra={String(balance)} />
        {max > 1 ? (
          <Cell
            title="兑换数量"
            align="center"
            extra={
              <InputNumber
                className="mall-item__quantity"
                min={1}
                max={max}
                value={count}
                onChange={(value) => setQuantity(Number(value) || 1)}
              />
            }
          />
        ) : null}
      </CellGroup>

      <View className="mall-item__actions">
        <Button type="primary" block disabled={Boolean(block)} onClick={open}>
          {block ? MALL_BLOCK_TEXT[block] : `立即兑换 · ${cost} 积分`}
        </Button>
        {block === 'insufficient_points' ? (
          <Text className="mall-item__hint">
            还差 {item.pointsPrice - balance} 积分，到联盟商户消费就能攒
          </Text>
        ) : null}
      </View>

      <Dialog
        className="mall-item__dialog"
        visible={confirming}
        title="确认兑换"
        confirmText={redeeming ? '兑换中' : '确认'}
        cancelText="再想想"
        disableConfirmButton={redeeming}
        onConfirm={() => void redeem(item, count)}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      >
        <View className="mall-item__confirm">
          <Text className="mall-item__confirm-line">
            {item.title} × {count}
          </Text>
          <Text className="mall-item__confirm-line">消耗 {cost} 积分</Text>
          <Text className="mall-item__confirm-balance">
            积分 {balance} → {balance - cost}
          </Text>
          <Text className="mall-item__confirm-note">{fulfilmentText(item)}，兑换后不退换</Text>
        </View>
      </Dialog>
    </View>
  );
}
