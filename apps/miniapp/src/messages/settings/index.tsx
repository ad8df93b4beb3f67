import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup } from '@nutui/nutui-react-taro';
import type { MySubscription } from '@allycard/contracts';
import { PageState } from '../../components/page-state';
import { SubscribeSheet } from '../../components/subscribe-sheet';
import { memberApi } from '../../services/api';
import { errorMessage, toastError, toastSuccess } from '../../services/errors';
import { askForMessages, MESSAGE_TEXT } from '../../services/messages';
import './index.scss';

type State =
  { status: 'loading' } | { status: 'ready'; items: MySubscription[] } | { status: 'error'; message: string };

/** 我的 → 消息设置: each message the alliance sends, how many more the shopper allowed, and a way to allow one more. */
export default function MessageSettingsPage() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [asking, setAsking] = useState<string | null>(null);

  const load = async () => {
    try {
      setState({ status: 'ready', items: await memberApi.mySubscriptions() });
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error) });
    }
  };
  useDidShow(() => void load());

  const allowOne = async (item: MySubscription) => {
    setAsking(item.templateId);
    try {
      const quotas = await askForMessages([{ templateId: item.templateId, label: MESSAGE_TEXT[item.kind] }]);
      const remaining = quotas?.find((q) => q.templateId === item.templateId)?.remaining;
      if (remaining !== undefined) {
        setState((s) =>
          s.status === 'ready'
            ? {
                ...s,
                items: s.items.map((i) => (i.templateId === item.templateId ? { ...i, remaining } : i)),
              }
            : s,
        );
        if (remaining > item.remaining) toastSuccess('已开启，可再收到一条');
      }
    } catch (error) {
      toastError(error);
    } finally {
      setAsking(null);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error')
    return (
      <PageState status="error" description={state.message} actionText="重试" onAction={() => void load()} />
    );
  if (!state.items.length)
    return <PageState status="empty" title="暂无可订阅的消息" description="联盟还没有开通消息通知" />;
  return (
    <View className="page message-settings">
      <Text className="message-settings__intro">
        微信的订阅消息每次同意只能收到一条。想继续收到提醒，就在这里再开启一次。
      </Text>
      <CellGroup>
        {state.items.map((item) => (
          <Cell
            key={item.templateId}
            className="message-settings__row"
            title={MESSAGE_TEXT[item.kind]}
            description={item.remaining ? `还可收到 ${item.remaining} 条` : '未开启'}
            align="center"
            extra={
              <Button
                size="small"
                type={item.remaining ? 'default' : 'primary'}
                loading={asking === item.templateId}
                onClick={() => void allowOne(item)}
              >
                {item.remaining ? '再收一条' : '开启'}
              </Button>
            }
          />
        ))}
      </CellGroup>
      <SubscribeSheet />
    </View>
  );
}
