import { CheckCircleFilled, CloseCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, List, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/admin';
import { useLoad } from '../../lib/useLoad';
import NeedsAttention from './NeedsAttention';

// The server names each check in English after design.md's invariant number ("6. settlement: …");
// the page shows them in Chinese, by that number, the server's wording only as a tooltip.
const TITLES: [prefix: string, title: string][] = [
  ['1.', '优惠券库存：已发放 ≤ 库存，且已发放 = 实际发出的券数'],
  ['2.', '每人限领：每位会员领取同一券模板不超过限领数'],
  ['3.', '优惠券最多使用一次，已用的券恰好对应一笔核销或订单'],
  ['4.', '积分：会员余额 = 流水之和 = 积分批次之和 ≥ 0，每笔积分交易合计为零'],
  ['5.', '同一支付通知重复送达只生效一次'],
  ['6. settlement', '结算：全额退款订单的结算分录合计为零，未支付订单没有分录'],
  ['6. refunds', '退款：没有等待微信超过一天仍未完成的退款'],
  ['6.', '退款只冲正一次订单的全部影响'],
  ['7.', '转赠的券任何时刻只有一个持有人，分享链接只能用一次'],
  ['8.', '价格、身份与归属不信任客户端'],
  ['outbox', '外发请求（微信退款、关单等）均已送达，没有重试用尽的消息'],
  ['stored times', '时间字段：存储的时间都能读成日期，已支付、已关闭、已使用或已领取的记录都带着相应时间'],
];

const titleOf = (name: string) => TITLES.find(([prefix]) => name.startsWith(prefix))?.[1] ?? name;
/** Invariants by their number; checks without one (the outbox) after them, as the server lists them. */
const rank = (name: string) => Number(/^(\d+)\./.exec(name)?.[1] ?? Infinity);
const ordered = <T extends { name: string }>(checks: T[]) =>
  checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c.name) - rank(b.c.name) || a.i - b.i)
    .map(({ c }) => c);

/** A live check of design.md's invariants on this alliance's data. */
export default function HealthPage() {
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const report = useLoad(async () => {
    const result = await api.invariants();
    setCheckedAt(dayjs().format('HH:mm:ss'));
    return result;
  });
  const data = report.data;

  return (
    <Card
      size="small"
      title="数据一致性检查"
      extra={
        <Space>
          {checkedAt && <Typography.Text type="secondary">检查于 {checkedAt}</Typography.Text>}
          <Button icon={<ReloadOutlined />} loading={report.loading} onClick={report.reload}>
            重新检查
          </Button>
        </Space>
      }
    >
      {data && (
        <Alert
          style={{ marginBottom: 12 }}
          type={data.ok ? 'success' : 'error'}
          showIcon
          message={
            data.ok
              ? `全部 ${data.checks.length} 项检查通过`
              : `${data.checks.filter((c) => !c.ok).length} 项检查未通过，请排查`
          }
        />
      )}
      <List
        size="small"
        bordered
        loading={report.loading && !data}
        dataSource={ordered(data?.checks ?? [])}
        renderItem={(check) => (
          <List.Item>
            <List.Item.Meta
              avatar={
                check.ok ? (
                  <CheckCircleFilled className="check-row-ok" style={{ fontSize: 18 }} />
                ) : (
                  <CloseCircleFilled className="check-row-fail" style={{ fontSize: 18 }} />
                )
              }
              title={
                <Space size={8}>
                  <span title={check.name}>{titleOf(check.name)}</span>
                  <Typography.Text type={check.ok ? 'success' : 'danger'} style={{ fontWeight: 'normal' }}>
                    {check.ok ? '通过' : '未通过'}
                  </Typography.Text>
                </Space>
              }
              description={
                !check.ok && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    详情：{check.detail}
                  </Typography.Text>
                )
              }
            />
          </List.Item>
        )}
      />
      {data && <NeedsAttention stuckRefunds={data.stuckRefunds} deadOutbox={data.deadOutbox} />}
    </Card>
  );
}
