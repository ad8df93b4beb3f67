import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { PageState } from '../../components/page-state';
import { scanPickupCode } from '../../platform';
import { staffApi } from '../../services/api';
import { formatDateTime } from '../../services/dates';
import { errorMessage, toastError, toastSuccess, userError } from '../../services/errors';
import { pickupCodeText } from '../../services/points-text';
import type { MallOrder } from '@allycard/contracts';
import { CodeReader } from '../code-reader';
import { StaffNav } from '../nav';
import { endedStaffSession, signOutStaff, useStaffGuard } from '../staff-session';
import '../staff.scss';

/** Pickup codes are 10 digits; the member may read them out in groups. */
export const PICKUP_CODE = /^\d{10}$/;

type PickupState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; order: MallOrder }
  | { status: 'error'; message: string };

export default function StaffPickupPage() {
  const [input, setInput] = useState('');
  const [state, setState] = useState<PickupState>({ status: 'idle' });
  useStaffGuard();

  const fulfil = async (raw: string) => {
    const code = raw.replace(/\s+/g, '');
    if (!PICKUP_CODE.test(code)) {
      toastError(userError('提货码是 10 位数字'));
      return;
    }
    setState({ status: 'loading' });
    try {
      const order = await staffApi.fulfilPickup(code);
      setState({ status: 'done', order });
      setInput('');
      toastSuccess('提货成功');
    } catch (error) {
      if (await endedStaffSession(error)) return;
      setState({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  const scan = async () => {
    const code = await scanPickupCode();
    if (code) {
      setInput(code);
      await fulfil(code);
    }
  };

  return (
    <View className="page staff pickup">
      <StaffNav current="pickup" />
      <CodeReader
        block="pickup"
        name="pickupCode"
        inputClassName="pickup__input"
        maxLength={13}
        scanLabel="扫提货码"
        submitLabel="核销"
        placeholders={{ withScan: '或输入 10 位提货码', typeOnly: '输入顾客的 10 位提货码' }}
        value={input}
        onChange={setInput}
        onScan={() => void scan()}
        onSubmit={() => void fulfil(input)}
        loading={state.status === 'loading'}
      />

      {state.status === 'idle' ? (
        <PageState status="empty" compact title="等待提货" description="请顾客打开「我的兑换」出示提货码" />
      ) : null}
      {state.status === 'loading' ? <PageState status="loading" compact title="核销中…" /> : null}
      {state.status === 'error' ? (
        <PageState status="error" compact title="没能核销" description={state.message} />
      ) : null}
      {state.status === 'done' ? (
        <View className="verify__result verify__done pickup__done">
          <View className="verify__done-head">
            <Text className="verify__done-title">提货成功</Text>
          </View>
          <Text className="pickup__item">
            {state.order.title} × {state.order.quantity}
          </Text>
          <View className="verify__done-rows">
            <View className="verify__done-row">
              <Text className="verify__done-label">提货码</Text>
              <Text className="verify__done-value">{pickupCodeText(state.order.pickupCode ?? '')}</Text>
            </View>
            <View className="verify__done-row">
              <Text className="verify__done-label">消耗积分</Text>
              <Text className="verify__done-value">{state.order.pointsSpent}</Text>
            </View>
            <View className="verify__done-row">
              <Text className="verify__done-label">兑换时间</Text>
              <Text className="verify__done-value">{formatDateTime(state.order.createdAt)}</Text>
            </View>
          </View>
          <Text className="pickup__hint">请把礼品交给顾客</Text>
        </View>
      ) : null}

      <View className="verify__footer">
        <Button size="small" fill="none" className="verify__logout" onClick={() => void signOutStaff()}>
          退出登录
        </Button>
      </View>
    </View>
  );
}
