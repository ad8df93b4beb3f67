import type { Coupon, CouponStatus } from '@allycard/contracts';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { membersApi } from '../../api/members';
import { useSession } from '../../auth';
import { formatDate, formatLastDay, formatTime } from '../../lib/format';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { PhoneRevealModal, PointsAdjustModal, TierGrantModal } from './MemberActions';
import { LIFECYCLE, timelineItem } from './memberText';
import type { Directory } from './useDirectory';

const COUPON_STATUS: Record<CouponStatus, { label: string; color: string }> = {
  available: { label: '可用', color: 'green' },
  locked: { label: '待支付', color: 'blue' },
  sharing: { label: '转赠中', color: 'purple' },
  used: { label: '已使用', color: 'default' },
  expired: { label: '已过期', color: 'default' },
  void: { label: '已作废（注销）', color: 'default' },
};

interface Props {
  memberId: string | null;
  directory: Directory;
  onClose: () => void;
  /** an operator action changed the member: the list refreshes its row */
  onChanged: () => void;
}

/** One member's profile, figures and timeline; alliance admins act on it from here. */
export function MemberDrawer({ memberId, directory, onClose, onChanged }: Props) {
  return (
    <Drawer title="会员详情" width={720} open={memberId !== null} onClose={onClose} destroyOnHidden>
      {memberId && <MemberPanel memberId={memberId} directory={directory} onChanged={onChanged} />}
    </Drawer>
  );
}

type Action = 'tier' | 'points' | 'phone' | null;

function MemberPanel({
  memberId,
  directory,
  onChanged,
}: Omit<Props, 'memberId' | 'onClose'> & { memberId: string }) {
  const session = useSession();
  const operator = session.role === 'alliance_admin';
  const member = useLoad(() => membersApi.detail(memberId), [memberId]);
  const [action, setAction] = useState<Action>(null);
  const [phone, setPhone] = useState<string | null>(null);
  const { names } = directory;

  if (!member.data)
    return member.failed ? (
      <Result status="error" title="会员详情加载失败" extra={<Button onClick={member.reload}>重试</Button>} />
    ) : (
      <div className="page-fallback">
        <Spin />
      </div>
    );

  const m = member.data;
  const done = () => {
    void member.reload();
    onChanged();
  };
  return (
    <Spin spinning={member.loading}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="member-detail">
        {operator && (
          <Space>
            <Button type="primary" onClick={() => setAction('tier')}>
              授予等级
            </Button>
            <Button onClick={() => setAction('points')}>调整积分</Button>
          </Space>
        )}
        <Descriptions size="small" bordered column={2}>
          <Descriptions.Item label="卡号">{m.cardNo}</Descriptions.Item>
          <Descriptions.Item label="昵称">{m.nickname ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="手机号" span={2}>
            <Space>
              <span data-testid="member-phone">{phone ?? m.phoneMasked ?? '未绑定'}</span>
              {operator && m.phoneMasked && !phone && (
                <Button size="small" type="link" onClick={() => setAction('phone')}>
                  查看完整号码
                </Button>
              )}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label="等级">
            <Space size={4} wrap>
              <Tag color={m.tierGrant ? 'gold' : 'default'}>{m.tier.name}</Tag>
              {m.tierGrant && (
                <Typography.Text type="secondary">
                  运营授予 {names.tier(m.tierGrant.code)}，有效至 {formatLastDay(m.tierGrant.until)}
                </Typography.Text>
              )}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label="积分">{m.points}</Descriptions.Item>
          <Descriptions.Item label="生命周期">
            <Tag color={LIFECYCLE[m.lifecycle].color}>{LIFECYCLE[m.lifecycle].label}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="最近消费">{formatTime(m.lastPurchaseAt)}</Descriptions.Item>
          <Descriptions.Item label="入会时间">{formatTime(m.joinedAt)}</Descriptions.Item>
          <Descriptions.Item label="入会商户">{names.merchant(m.joinMerchantId)}</Descriptions.Item>
          <Descriptions.Item label="消费次数">{m.purchases}</Descriptions.Item>
          <Descriptions.Item label="消费额">{formatFen(m.spendFen)}</Descriptions.Item>
        </Descriptions>

        {m.expiring.length > 0 && (
          <Alert
            type="warning"
            showIcon
            message="即将过期的积分"
            description={m.expiring.map((lot) => (
              <div key={lot.expiresAt}>
                {lot.points} 分 · {formatDate(lot.expiresAt)} 过期
              </div>
            ))}
          />
        )}

        <Card size="small" title="各商户消费">
          <Table
            rowKey="merchantId"
            size="small"
            pagination={false}
            dataSource={m.spendByMerchant}
            locale={{ emptyText: '还没有消费' }}
            columns={[
              { title: '商户', dataIndex: 'merchantId', render: names.merchant },
              { title: '消费次数', dataIndex: 'purchases', align: 'right' },
              { title: '消费额', dataIndex: 'spendFen', align: 'right', render: (f: number) => formatFen(f) },
            ]}
          />
        </Card>

        <Card size="small" title={`优惠券（${m.coupons.length}）`}>
          <Table<Coupon>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            dataSource={m.coupons}
            locale={{ emptyText: '没有优惠券' }}
            columns={[
              { title: '券', dataIndex: 'title' },
              {
                title: '状态',
                dataIndex: 'status',
                render: (s: CouponStatus) => (
                  <Tag color={COUPON_STATUS[s].color}>{COUPON_STATUS[s].label}</Tag>
                ),
              },
              { title: '有效至', dataIndex: 'validUntil', render: formatDate },
            ]}
          />
        </Card>

        <Card size="small" title={`带来的好友（${m.referrals.length}）`}>
          <Table
            rowKey="memberId"
            size="small"
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            dataSource={m.referrals}
            locale={{ emptyText: '还没有带来好友' }}
            columns={[
              { title: '会员 ID', dataIndex: 'memberId' },
              { title: '入会时间', dataIndex: 'joinedAt', render: formatTime },
              {
                title: '首次消费',
                dataIndex: 'firstPurchaseAt',
                render: (t: string | null) => (t ? formatTime(t) : '未消费'),
              },
            ]}
          />
        </Card>

        <Card size="small" title="时间线" data-testid="member-timeline">
          {m.timeline.length ? (
            <Timeline
              items={m.timeline.map((entry, i) => {
                const item = timelineItem(entry, names);
                return {
                  key: `${entry.at}-${i}`,
                  color: item.color,
                  children: (
                    <>
                      <Typography.Text strong>{item.title}</Typography.Text>
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                        {formatTime(entry.at)}
                      </Typography.Text>
                      <div>{item.text}</div>
                    </>
                  ),
                };
              })}
            />
          ) : (
            <Empty description="还没有记录" />
          )}
        </Card>
      </Space>

      {operator && (
        <>
          <TierGrantModal
            member={m}
            tiers={directory.tiers}
            open={action === 'tier'}
            onClose={() => setAction(null)}
            onDone={done}
          />
          <PointsAdjustModal
            member={m}
            open={action === 'points'}
            onClose={() => setAction(null)}
            onDone={done}
          />
          <PhoneRevealModal
            member={m}
            open={action === 'phone'}
            onClose={() => setAction(null)}
            onRevealed={setPhone}
          />
        </>
      )}
    </Spin>
  );
}
