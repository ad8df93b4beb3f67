import { useMemo } from 'react';
import { Image, Text, View } from '@tarojs/components';
import { groupDigits } from '@allycard/domain';
import { qrDataUrl } from '../../services/qr';
import './index.scss';

export interface MemberQrProps {
  /** the rotating member code; null while the first one loads */
  code: string | null;
  refreshing?: boolean;
  failed?: boolean;
  onRefresh: () => void;
}

/**
 * The member code as a QR code drawn on the phone, with its digits for typing at the counter, in
 * groups of four like the card number (the clerk's field ignores the spaces).
 */
export function MemberQr({ code, refreshing, failed, onRefresh }: MemberQrProps) {
  const src = useMemo(() => (code ? qrDataUrl(code) : null), [code]);
  return (
    <View className="member-code" onClick={onRefresh}>
      <View className={`member-code__qr${refreshing ? ' member-code__qr--refreshing' : ''}`}>
        {src ? (
          <Image
            className="member-code__image"
            src={src}
            mode="aspectFit"
            ariaLabel="会员码二维码"
            nativeProps={{ alt: '会员码二维码' }}
          />
        ) : (
          <View className="member-code__placeholder">{failed ? '点击重试' : '生成中…'}</View>
        )}
      </View>
      {code ? <Text className="member-code__digits">{groupDigits(code)}</Text> : null}
      <Text className="member-code__hint">
        {failed ? '会员码没刷出来，点一下重试' : '出示给店员扫码 · 每分钟自动更新，点击可刷新'}
      </Text>
    </View>
  );
}

export default MemberQr;
