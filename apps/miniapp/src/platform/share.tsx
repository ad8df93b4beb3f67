import { useShareAppMessage } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import './share.scss';

/** What a friend receives: a card in the chat that opens `path` (a page path with its query). */
export interface ShareTarget {
  title: string;
  /** e.g. `pages/share/index?token=…`, as the server builds it */
  path: string;
}

export interface SharePanelProps {
  target: ShareTarget;
  /** a line under the button, e.g. until when the friend can accept */
  note?: string;
}

/** weapp: the page path itself; WeChat turns it into a card in the chat. */
export function shareLink(path: string): string {
  return `/${path.replace(/^\//, '')}`;
}

/**
 * weapp: what WeChat's share sheet sends, from the page's `<Button openType="share">` or its menu.
 * Without a target (nothing shared yet) the menu shares `fallback`. The page's config needs
 * `enableShareAppMessage: true`.
 */
export function useShareTarget(target: ShareTarget | null, fallback: ShareTarget): void {
  useShareAppMessage(() => {
    const chosen = target ?? fallback;
    return { title: chosen.title, path: shareLink(chosen.path) };
  });
}

/** weapp: nothing to do once the share exists; the friend gets it through the share button. */
export async function deliverShare(_target: ShareTarget): Promise<void> {}

/** weapp: WeChat's own share sheet behind `<Button openType="share">`. */
export function SharePanel({ note }: SharePanelProps) {
  return (
    <View className="share-panel">
      <Text className="share-panel__hint">转赠已生成，选一位微信好友发给 TA</Text>
      <Button className="share-panel__button" type="primary" block openType="share">
        发给微信好友
      </Button>
      {note ? <Text className="share-panel__note">{note}</Text> : null}
    </View>
  );
}
