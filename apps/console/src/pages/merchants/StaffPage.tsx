import { Typography } from 'antd';
import { useAuth, useSession } from '../../auth';
import { StaffPanel } from './StaffDrawer';

/** A merchant admin's own staff: stop a clerk who left, give one who forgot a new password. */
export default function StaffPage() {
  const session = useSession();
  const { merchantName } = useAuth();
  if (!session.merchantId) return null;
  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">
          {merchantName ? `${merchantName}的` : '本店'}员工账号；停用或重置密码后，该店员须重新登录。
        </Typography.Text>
      </div>
      <StaffPanel merchantId={session.merchantId} />
    </>
  );
}
