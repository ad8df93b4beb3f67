import { Text, View } from '@tarojs/components';
import { Button, Popup } from '@nutui/nutui-react-taro';
import { formatFen } from '@allycard/domain';
import type { PayRequest } from '../services/payment';
import './pay-sheet.h5.scss';

export interface PaySheetProps {
  request: PayRequest | null;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** h5 stands in for WeChat's cashier: who is paid, how much, and 确认支付 through the Pay sandbox. */
export function PaySheet({ request, busy, onConfirm, onCancel }: PaySheetProps) {
  return (
    <Popup
      className="pay-sheet"
      visible={request !== null}
      position="bottom"
      round
      closeOnOverlayClick={!busy}
      onClose={onCancel}
    >
      {request ? (
        <View className="pay-sheet__body">
          <View className="pay-sheet__head">
            <Text className="pay-sheet__close" onClick={busy ? undefined : onCancel}>
              ×
            </Text>
            <Text className="pay-sheet__brand">微信支付</Text>
          </View>
          <Text className="pay-sheet__payee">{request.payee}</Text>
          <Text className="pay-sheet__amount">{formatFen(request.payableFen)}</Text>
          <View className="pay-sheet__row">
            <Text className="pay-sheet__label">付款方式</Text>
            <Text className="pay-sheet__value">零钱</Text>
          </View>
          <Button className="pay-sheet__confirm" type="primary" block loading={busy} onClick={onConfirm}>
            确认支付
          </Button>
          <Text className="pay-sheet__cancel" onClick={busy ? undefined : onCancel}>
            取消
          </Text>
          <Text className="pay-sheet__note">演示环境：由本地的微信支付沙箱完成付款，不扣真钱</Text>
        </View>
      ) : null}
    </Popup>
  );
}
