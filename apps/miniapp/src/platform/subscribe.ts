import Taro from '@tarojs/taro';
import type { SubscribeAnswer } from '@allycard/contracts';
import type { SubscribeItem } from '../services/subscribe-gate';

/**
 * weapp: WeChat's own dialog (wx.requestSubscribeMessage, at most 3 templates, only from a tap).
 * Its ban / filter answers are reported as reject; null when WeChat showed nothing (the shopper
 * turned messages off in 设置, or the call failed).
 */
export async function requestSubscribe(
  items: SubscribeItem[],
): Promise<Record<string, SubscribeAnswer> | null> {
  const tmplIds = items.slice(0, 3).map((i) => i.templateId);
  try {
    const res = (await Taro.requestSubscribeMessage({ tmplIds } as never)) as unknown as Record<
      string,
      string
    >;
    return Object.fromEntries(tmplIds.map((id) => [id, res[id] === 'accept' ? 'accept' : 'reject']));
  } catch {
    return null;
  }
}
