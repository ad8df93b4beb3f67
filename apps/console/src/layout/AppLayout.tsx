import { LogoutOutlined, ShopOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Spin, Tag } from 'antd';
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useSession } from '../auth';
import { navFor } from '../nav';

const { Sider, Header, Content } = Layout;

export function AppLayout() {
  const session = useSession();
  const { merchantName, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const items = navFor(session.role);
  const current = items.find((i) => location.pathname.startsWith(i.path));

  return (
    <Layout className="shell">
      <Sider width={200} theme="dark" className="shell-sider">
        <div className="shell-brand">
          <span className="shell-brand-mark">A</span>
          <span>allycard 联盟卡</span>
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={current ? [current.path] : []}
          items={items.map((i) => ({ key: i.path, icon: i.icon, label: i.label }))}
          onClick={({ key }) => navigate(key)}
        />
      </Sider>
      <Layout>
        <Header className="shell-header">
          <strong className="shell-title">{current?.label ?? ''}</strong>
          <Space size="middle" className="shell-identity" data-testid="identity">
            {session.role === 'alliance_admin' ? (
              <Tag color="volcano">联盟管理员</Tag>
            ) : (
              <Tag color="blue" icon={<ShopOutlined />}>
                {merchantName ?? `商户 ${session.merchantId}`} · 商户管理员
              </Tag>
            )}
            <span>
              <UserOutlined /> {session.username}
            </span>
            <Button
              size="small"
              icon={<LogoutOutlined />}
              onClick={() => {
                logout();
                navigate('/login', { replace: true });
              }}
            >
              退出登录
            </Button>
          </Space>
        </Header>
        <Content className="shell-content">
          <Suspense
            fallback={
              <div className="page-fallback">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
