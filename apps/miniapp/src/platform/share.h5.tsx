import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type * as weapp from './share';
import { toastError, userError } from '../services/errors';
import './share.scss';

/** h5: the full link to the share page of this build (hash router, served at the origin's root). */
export function shareLink(path: string): string {
  return `${window.location.origin}/#/${path.replace(/^\//, '')}`;
}

/** h5: a browser has no WeChat share sheet; the link is the way to a friend. */
export function useShareTarget(_target: weapp.ShareTarget | null, _fallback: weapp.ShareTarget): void {}

async function copyLink(link: string): Promise<void> {
  try {
    await Taro.setClipboardData({ data: link });
    void Taro.showToast({ title: '链接已复制，发给好友吧', icon: 'none', duration: 2000 });
  } catch {
    toastError(userError('没能复制，请长按链接手动复制'));
  }
}

/** h5: right after the share is created, the link goes to the clipboard. */
export async function deliverShare(target: weapp.ShareTarget): Promise<void> {
  await copyLink(shareLink(target.path));
}

/** h5: the link, shown so it can be read or copied by hand, and a button to copy it again. */
export function SharePanel({ target, note }: weapp.SharePanelProps) {
  const link = shareLink(target.path);
  return (
    <View className="share-panel">
      <Text className="share-panel__hint">把链接发给好友，好友打开即可领取</Text>
      <Text className="share-panel__link" selectable userSelect>
        {link}
      </Text>
      <Button className="share-panel__button" type="primary" block onClick={() => void copyLink(link)}>
        复制链接
      </Button>
      {note ? <Text className="share-panel__note">{note}</Text> : null}
    </View>
  );
}

shareLink satisfies typeof weapp.shareLink;
useShareTarget satisfies typeof weapp.useShareTarget;
deliverShare satisfies typeof weapp.deliverShare;
SharePanel satisfies typeof weapp.SharePanel;
