import type { ReactNode } from 'react';
import { Button } from '@nutui/nutui-react-taro';
import type { ButtonProps } from '@tarojs/components';
import { toastError, userError } from '../services/errors';

export interface PhoneCodeButtonProps {
  /** gets the one-use code that the server trades for the phone number (POST /me/phone) */
  onCode: (code: string) => void | Promise<void>;
  children: ReactNode;
  loading?: boolean;
  className?: string;
}

type PhoneNumberEvent = Parameters<NonNullable<ButtonProps['onGetPhoneNumber']>>[0];

/** weapp: WeChat's own phone-number sheet behind `<Button openType="getPhoneNumber">`. */
export function PhoneCodeButton({ onCode, children, loading, className }: PhoneCodeButtonProps) {
  const onGetPhoneNumber = (event: PhoneNumberEvent) => {
    const detail = event.detail as { code?: string; errMsg?: string };
    if (detail.code) {
      void onCode(detail.code);
      return;
    }
    // The user closing WeChat's sheet is a choice, not an error.
    if (detail.errMsg && /deny|cancel/i.test(detail.errMsg)) return;
    toastError(userError('没有拿到手机号，请稍后再试'));
  };
  return (
    <Button
      className={className}
      type="primary"
      size="small"
      fill="outline"
      loading={loading}
      openType="getPhoneNumber"
      onGetPhoneNumber={onGetPhoneNumber}
    >
      {children}
    </Button>
  );
}
