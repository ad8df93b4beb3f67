import { ReloadOutlined } from '@ant-design/icons';
import type { AuditAction, AuditLogEntry } from '@allycard/contracts';
import { Button, Card, Tag, Typography } from 'antd';
import { useState } from 'react';
import { membersApi } from '../../api/members';
import { formatTime } from '../../lib/format';
import { CursorTable } from '../../lib/CursorTable';
import { useCursorPages } from '../../lib/useCursorPages';
import { AUDIT_ACTION, auditDetail } from '../members/memberText';
import { MemberDrawer } from '../members/MemberDrawer';
import { useDirectory } from '../members/useDirectory';

const ACTION_COLOR: Record<AuditAction, string> = {
  tier_grant: 'gold',
  points_adjustment: 'blue',
  phone_reveal: 'red',
  members_export: 'purple',
  reports_export: 'purple',
  member_self_export: 'cyan',
  account_closure: 'volcano',
  privacy_policy_publish: 'geekblue',
  counter_void: 'orange',
};

const ROLE: Record<string, string> = {
  alliance_admin: '联盟管理员',
  merchant_admin: '商户管理员',
  clerk: '店员',
};

/** 审计日志: who did what to which member, when and why (tier grants, points, phone reveals, exports). */
export default function AuditLogPage() {
  const directory = useDirectory();
  const { names } = directory;
  const [openId, setOpenId] = useState<string | null>(null);
  const log = useCursorPages((cursor) => membersApi.auditLog(cursor), []);
  return (
    <Card
      size="small"
      title="审计日志"
      extra={
        <Button icon={<ReloadOutlined />} onClick={log.reload}>
          刷新
        </Button>
      }
    >
      <CursorTable<AuditLogEntry>
        pages={log}
        failedTitle="审计日志加载失败"
        rowKey="id"
        locale={{ emptyText: '还没有操作记录' }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: formatTime },
          {
            title: '操作人',
            dataIndex: 'actor',
            width: 180,
            render: (a: AuditLogEntry['actor']) =>
              `${a.username ?? `账号 ${a.id}`}（${ROLE[a.role] ?? a.role}）`,
          },
          {
            title: '操作',
            dataIndex: 'action',
            width: 130,
            render: (a: AuditAction) => <Tag color={ACTION_COLOR[a]}>{AUDIT_ACTION[a] ?? a}</Tag>,
          },
          {
            title: '会员',
            dataIndex: 'memberId',
            width: 100,
            render: (id: string | null) =>
              id ? (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpenId(id)}>
                  会员 {id}
                </Button>
              ) : (
                '—'
              ),
          },
          { title: '原因', dataIndex: 'reason', render: (r: string | null) => r ?? '—' },
          {
            title: '内容',
            key: 'detail',
            render: (_, entry) => (
              <Typography.Text type="secondary">{auditDetail(entry, names)}</Typography.Text>
            ),
          },
        ]}
      />
      <MemberDrawer
        memberId={openId}
        directory={directory}
        onClose={() => setOpenId(null)}
        onChanged={log.reload}
      />
    </Card>
  );
}
