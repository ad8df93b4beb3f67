import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Popup } from '@nutui/nutui-react-taro';
import type { SubscribeAnswer } from '@allycard/contracts';
import {
  askedToday,
  askForMessages,
  markAsked,
  momentItems,
  type MessageMoment,
} from '../../services/messages';
import { memberApi } from '../../services/api';
import { toastError, toastSuccess } from '../../services/errors';
import { subscribeGate, type SubscribeItem, type SubscribeQuestion } from '../../services/subscribe-gate';
import './index.scss';

/**
 * h5's stand-in for WeChat's subscribe dialog: the messages, each ticked (the shopper may untick),
 * 允许 or 取消. Each 允许 allows one message of that kind. On weapp WeChat shows its own dialog and
 * this sheet never opens.
 */
export function SubscribeSheet() {
  const [question, setQuestion] = useState<SubscribeQuestion | null>(null);
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  useEffect(
    () =>
      subscribeGate.subscribe((q) => {
        setQuestion(q);
        setTicked(Object.fromEntries((q?.items ?? []).map((i) => [i.templateId, true])));
      }),
    [],
  );
  const answer = (allow: boolean) => {
    if (!question) return;
    const results: Record<string, SubscribeAnswer> = Object.fromEntries(
      question.items.map((i) => [i.templateId, allow && ticked[i.templateId] ? 'accept' : 'reject']),
    );
    question.answer(results);
  };
  return (
    <Popup
      className="subscribe-sheet"
      visible={question !== null}
      position="bottom"
      round
      closeOnOverlayClick={false}
    >
      <View className="subscribe-sheet__body">
        <Text className="subscribe-sheet__title">联盟会员卡 想给你发送以下消息</Text>
        {(question?.items ?? []).map((item) => (
          <View
            key={item.templateId}
            className="subscribe-sheet__item"
            role="checkbox"
            aria-checked={ticked[item.templateId] ? 'true' : 'false'}
            onClick={() => setTicked((t) => ({ ...t, [item.templateId]: !t[item.templateId] }))}
          >
            <View
              className={`subscribe-sheet__tick${ticked[item.templateId] ? ' subscribe-sheet__tick--on' : ''}`}
            >
              {ticked[item.templateId] ? '✓' : ''}
            </View>
            <Text>{item.label}</Text>
          </View>
        ))}
        <Text className="subscribe-sheet__note">每次允许可收到一条，随时可在「我的 → 消息设置」再开启。</Text>
        <Button type="primary" block onClick={() => answer(true)}>
          允许
        </Button>
        <Button className="subscribe-sheet__cancel" fill="none" block onClick={() => answer(false)}>
          取消
        </Button>
      </View>
    </Popup>
  );
}

/**
 * The offer after a moment (joining, a claim, a payment): a small banner, shown at most once a day per
 * moment, whose button opens WeChat's dialog (it must come from a tap) or the h5 sheet.
 */
export function SubscribePrompt({ moment }: { moment: MessageMoment }) {
  const [items, setItems] = useState<SubscribeItem[] | null>(null);
  const [asking, setAsking] = useState(false);

  useEffect(() => {
    if (askedToday(moment)) return;
    let live = true;
    void memberApi
      .mySubscriptions()
      .then((subscriptions) => {
        const offered = momentItems(subscriptions, moment);
        if (!live || !offered.length) return;
        markAsked(moment);
        setItems(offered);
      })
      .catch(() => undefined); // the offer is optional: without the list there is nothing to ask
    return () => {
      live = false;
    };
  }, [moment]);

  if (!items) return null;
  const allow = async () => {
    setAsking(true);
    try {
      const quotas = await askForMessages(items);
      if (quotas?.some((q) => q.remaining > 0)) toastSuccess('已开启提醒');
      setItems(null);
    } catch (error) {
      toastError(error);
    } finally {
      setAsking(false);
    }
  };
  return (
    <View className="subscribe-prompt" data-testid={`subscribe-prompt-${moment}`}>
      <Text className="subscribe-prompt__text">开启消息提醒：{items[0].label}，不错过优惠</Text>
      <View className="subscribe-prompt__actions">
        <Button size="small" type="primary" loading={asking} onClick={() => void allow()}>
          开启提醒
        </Button>
        <Button size="small" fill="none" onClick={() => setItems(null)}>
          暂不
        </Button>
      </View>
      <SubscribeSheet />
    </View>
  );
}
