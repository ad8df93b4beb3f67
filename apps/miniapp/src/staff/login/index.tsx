import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { staffApi, staffToken } from '../../services/api';
import { saveStaffSession } from '../../services/staff-auth';
import { toastError, toastSuccess, userError } from '../../services/errors';
import { ROUTES } from '../../services/routes';
import '../staff.scss';

export default function StaffLoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);

  // Already signed in on this phone: straight to the counter.
  useLoad(() => {
    if (staffToken.get()) void Taro.redirectTo({ url: ROUTES.staffVerify });
  });

  const submit = async () => {
    if (submitting) return;
    if (!username.trim() || !password) {
      toastError(userError('请输入账号和密码'));
      return;
    }
    setSubmitting(true);
    try {
      const res = await staffApi.staffLogin(username.trim(), password);
      saveStaffSession(res);
      toastSuccess('登录成功');
      await Taro.redirectTo({ url: ROUTES.staffVerify });
    } catch (error) {
      toastError(error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <View className="page staff">
      <View className="staff__intro">
        <Text className="staff__title">店员登录</Text>
        <Text className="staff__subtitle">登录后可验卡核销、提货核销、订单退款</Text>
      </View>
      <View className="staff__form">
        <Input
          className="staff__input staff__input--username"
          name="username"
          placeholder="账号"
          value={username}
          onChange={setUsername}
        />
        <Input
          className="staff__input staff__input--password"
          name="password"
          type="password"
          placeholder="密码"
          value={password}
          onChange={setPassword}
          confirmType="done"
        />
      </View>
      <Button
        className="staff__submit"
        type="primary"
        block
        loading={submitting}
        onClick={() => void submit()}
      >
        登录
      </Button>
    </View>
  );
}
