import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { NotAMerchantAdmin, useAuth } from '../../auth';
import { showError } from '../../lib/feedback';

type Kind = 'alliance' | 'merchant';

interface Credentials {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { session, loginAlliance, loginMerchant } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [kind, setKind] = useState<Kind>('alliance');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [form] = Form.useForm<Credentials>();

  if (session) return <Navigate to="/" replace />;
  const from = (location.state as { from?: string } | null)?.from;

  const submit = async ({ username, password }: Credentials) => {
    setBusy(true);
    setNotice(null);
    try {
      if (kind === 'alliance') await loginAlliance(username.trim(), password);
      else await loginMerchant(username.trim(), password);
      navigate(from && from !== '/login' ? from : '/', { replace: true });
    } catch (error) {
      if (error instanceof NotAMerchantAdmin) setNotice(error.message);
      else showError(error, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <Card className="login-card">
        <div className="login-brand">
          <span className="shell-brand-mark" style={{ color: '#fff' }}>
            A
          </span>
          allycard 联盟卡 · 管理后台
        </div>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          联盟运营与商户管理
        </Typography.Paragraph>
        <Tabs
          activeKey={kind}
          onChange={(key) => {
            setKind(key as Kind);
            setNotice(null);
          }}
          items={[
            { key: 'alliance', label: '联盟管理员' },
            { key: 'merchant', label: '商户管理员' },
          ]}
        />
        {notice && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 16 }} />}
        <Form
          form={form}
          name="login"
          layout="vertical"
          requiredMark={false}
          onFinish={submit}
          autoComplete="on"
        >
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} placeholder="用户名" autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} placeholder="密码" autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
