import { useMemo } from 'react';
import { Image, Text, View } from '@tarojs/components';
import { pickupCodeText } from '../../services/points-text';
import { qrDataUrl } from '../../services/qr';

/** A pickup code the way the member code is shown: a QR drawn on the phone and its digits. */
export function PickupCode({ code, merchantName }: { code: string; merchantName: string | null }) {
  const src = useMemo(() => qrDataUrl(code, 6), [code]);
  return (
    <View className="pickup-code">
      <Image className="pickup-code__qr" src={src} mode="aspectFit" />
      <Text className="pickup-code__label">提货码</Text>
      <Text className="pickup-code__digits">{pickupCodeText(code)}</Text>
      <Text className="pickup-code__hint">
        {merchantName ? `到${merchantName}出示给店员` : '到店出示给店员'}，扫码或报数字即可提货
      </Text>
    </View>
  );
}
