import type { StaffAccount, StaffRole } from '@allycard/contracts';
import { Button, Form, Input, Modal, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';

export const ROLE_LABEL: Record<StaffRole, string> = { clerk: '店员', merchant_admin: '商户管理员' };

/** What the server accepts for a staff password (8–128 characters). */
export const PASSWORD_RULES = [
  { required: true, message: '请输入密码' },
  { min: 8, message: '至少 8 位' },
  { max: 128 },
];

/**
 * 停用 / 启用 and 重置密码 for one staff account. Both end the account's sessions at once: a stopped
 * clerk's phone is signed out on its next request, and a new password signs out every device.
 */
export function StaffActions({
  account,
  onChange,
}: {
  account: StaffAccount;
  onChange: (account: StaffAccount) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(false);

  const toggle = async () => {
    setBusy(true);
    try {
      const next = account.disabled ? await api.enableStaff(account.id) : await api.disableStaff(account.id);
      toast.success(next.disabled ? `已停用 ${next.username}，其登录已失效` : `已启用 ${next.username}`);
      onChange(next);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space size={4}>
      {account.disabled ? (
        <Button size="small" type="link" loading={busy} onClick={() => void toggle()}>
          启用
        </Button>
      ) : (
        <Popconfirm
          title={`停用 ${account.username}？`}
          description="停用后该账号立即退出登录，且无法再登录。"
          okText="停用"
          okButtonProps={{ danger: true }}
          cancelText="取消"
          onConfirm={toggle}
        >
          <Button size="small" type="link" danger loading={busy}>
            停用
          </Button>
        </Popconfirm>
      )}
      <Button size="small" type="link" onClick={() => setResetting(true)}>
        重置密码
      </Button>
      <ResetPasswordModal
        account={account}
        open={resetting}
        onClose={() => setResetting(false)}
        onDone={onChange}
      />
    </Space>
  );
}

function ResetPasswordModal({
  account,
  open,
  onClose,
  onDone,
}: {
  account: StaffAccount;
  open: boolean;
  onClose: () => void;
  onDone: (account: StaffAccount) => void;
}) {
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);

  const submit = async ({ password }: { password: string }) => {
    setSaving(true);
    try {
      const next = await api.resetStaffPassword(account.id, password);
      toast.success(`已为 ${next.username} 设置新密码，其所有登录已失效`);
      onDone(next);
      onClose();
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={`重置密码 · ${account.username}`}
      open={open}
      okText="设置新密码"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} name="staff-reset-password" layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          name="password"
          label="新密码"
          extra="设置后该账号在所有设备上退出登录，请把新密码告诉本人。"
          rules={PASSWORD_RULES}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
