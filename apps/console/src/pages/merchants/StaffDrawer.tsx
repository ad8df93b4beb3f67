import type { StaffRole } from '@allycard/contracts';
import { Button, Col, Drawer, Form, Input, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import type { AdminMerchant, StaffAccount } from '@allycard/contracts';
import { useSession } from '../../auth';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { PASSWORD_RULES, ROLE_LABEL, StaffActions } from './StaffActions';

interface NewStaff {
  username: string;
  password: string;
  role: StaffRole;
}

/** A merchant's staff accounts: clerks verify at the counter, merchant admins use this console. */
export function StaffDrawer({ merchant, onClose }: { merchant: AdminMerchant | null; onClose: () => void }) {
  return (
    <Drawer
      title={merchant ? `员工账号 · ${merchant.name}` : '员工账号'}
      width={640}
      open={merchant !== null}
      onClose={onClose}
      destroyOnHidden
    >
      {merchant && <StaffPanel merchantId={merchant.id} />}
    </Drawer>
  );
}

/**
 * The staff list with its actions; the alliance admin also creates accounts here. A merchant admin
 * sees its own merchant's staff and manages its clerks (the server enforces the same).
 */
export function StaffPanel({ merchantId }: { merchantId: string }) {
  const session = useSession();
  const staff = useLoad(() => api.staff(merchantId), [merchantId]);
  const canManage = (account: StaffAccount) => session.role === 'alliance_admin' || account.role === 'clerk';
  const replace = (account: StaffAccount) =>
    staff.set((list) => list?.map((a) => (a.id === account.id ? account : a)));

  return (
    <>
      <Table<StaffAccount>
        rowKey="id"
        size="small"
        bordered
        loading={staff.loading}
        dataSource={staff.data}
        pagination={false}
        locale={{ emptyText: '还没有员工账号' }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 64 },
          { title: '用户名', dataIndex: 'username' },
          {
            title: '角色',
            dataIndex: 'role',
            render: (role: StaffRole) => (
              <Tag color={role === 'merchant_admin' ? 'blue' : 'default'}>{ROLE_LABEL[role]}</Tag>
            ),
          },
          {
            title: '状态',
            dataIndex: 'disabled',
            width: 80,
            render: (disabled: boolean) =>
              disabled ? <Tag color="red">已停用</Tag> : <Tag color="green">正常</Tag>,
          },
          {
            title: '操作',
            key: 'actions',
            width: 180,
            render: (_, account) =>
              canManage(account) ? <StaffActions account={account} onChange={replace} /> : null,
          },
        ]}
      />
      {session.role === 'alliance_admin' && (
        <NewStaffForm
          merchantId={merchantId}
          onCreated={(account) => staff.set((list) => [...(list ?? []), account])}
        />
      )}
    </>
  );
}

function NewStaffForm({
  merchantId,
  onCreated,
}: {
  merchantId: string;
  onCreated: (account: StaffAccount) => void;
}) {
  const [form] = Form.useForm<NewStaff>();
  const [saving, setSaving] = useState(false);

  const create = async (values: NewStaff) => {
    setSaving(true);
    try {
      const account = await api.createStaff(merchantId, { ...values, username: values.username.trim() });
      toast.success(`已创建${ROLE_LABEL[account.role]}账号 ${account.username}`);
      form.resetFields();
      onCreated(account);
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        新建员工账号
      </Typography.Title>
      <Form
        form={form}
        name="staff-create"
        layout="vertical"
        onFinish={create}
        initialValues={{ role: 'clerk' }}
        requiredMark={false}
      >
        <Row gutter={12}>
          <Col span={9}>
            <Form.Item
              name="username"
              label="用户名"
              extra="不区分大小写，须与已有账号不同"
              rules={[
                { required: true, message: '请输入用户名' },
                { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: '3–64 位字母、数字、_ . -' },
              ]}
            >
              <Input placeholder="如 coffee2" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={9}>
            <Form.Item name="password" label="初始密码" rules={PASSWORD_RULES}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="role" label="角色">
              <Select
                options={[
                  { value: 'clerk', label: ROLE_LABEL.clerk },
                  { value: 'merchant_admin', label: ROLE_LABEL.merchant_admin },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={saving}>
          创建账号
        </Button>
        <div className="muted" style={{ marginTop: 8 }}>
          店员在小程序员工端核销会员卡与优惠券；商户管理员可登录本后台管理本店优惠券、店员账号、查看结算。
        </div>
      </Form>
    </>
  );
}
