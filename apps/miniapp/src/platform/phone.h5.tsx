import { useState } from 'react';
import { Button, Dialog, Input } from '@nutui/nutui-react-taro';
import { View } from '@tarojs/components';
import { isChinaMobile } from '@allycard/domain';
import type * as weapp from './phone';
import { digitsKeyboard } from './keyboard';
import { toastError, userError } from '../services/errors';
import { sandboxPhoneCode } from './sandbox.h5';
import { requirePrivacy } from './privacy';
import './phone.h5.scss';

/**
 * h5 stands in for WeChat's phone-number sheet: the shopper types a number and the WeChat sandbox
 * mints the getPhoneNumber code for it, which then goes the same way as on weapp.
 */
export function PhoneCodeButton({ onCode, children, loading, className }: weapp.PhoneCodeButtonProps) {
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    const digits = phone.replace(/\s+/g, '');
    if (!isChinaMobile(digits)) {
      toastError(userError('请输入 11 位手机号'));
      return;
    }
    setBusy(true);
    try {
      const { code } = await sandboxPhoneCode(digits);
      setOpen(false);
      setPhone('');
      await onCode(code);
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        className={className}
        type="primary"
        size="small"
        fill="outline"
        loading={loading}
        onClick={() =>
          void requirePrivacy('绑定手机号前，请阅读并同意《隐私政策》').then(
            (agreed) => agreed && setOpen(true),
          )
        }
      >
        {children}
      </Button>
      <Dialog
        className="phone-dialog"
        visible={open}
        title="绑定手机号"
        confirmText={busy ? '请稍候' : '确定'}
        cancelText="取消"
        disableConfirmButton={busy}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
        onClose={() => setOpen(false)}
      >
        <View className="phone-dialog__body">
          <Input
            className="phone-dialog__input"
            {...digitsKeyboard}
            maxLength={11}
            placeholder="请输入手机号"
            value={phone}
            onChange={setPhone}
          />
          <View className="phone-dialog__hint">演示环境：号码只交给本地的微信沙箱</View>
        </View>
      </Dialog>
    </>
  );
}

PhoneCodeButton satisfies typeof weapp.PhoneCodeButton;
