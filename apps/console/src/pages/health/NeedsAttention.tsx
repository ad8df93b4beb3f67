import type { DeadOutboxMessage, StuckRefund } from '@allycard/contracts';
import { Card, Table, Typography, type TableColumnsType } from 'antd';
import { formatTime } from '../../lib/format';
import { formatFen } from '../../lib/money';

const TOPICS: Record<string, string> = {
  'wechat.refund': '微信退款',
  'wechat.close-order': '微信关单',
};

const REFUND_COLUMNS: TableColumnsType<StuckRefund> = [
  { title: '订单', dataIndex: 'orderId' },
  { title: '退款单号', dataIndex: 'outRefundNo' },
  { title: '金额', dataIndex: 'amountFen', align: 'right', render: (fen: number) => formatFen(fen) },
  { title: '发起时间', dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
];

const OUTBOX_COLUMNS: TableColumnsType<DeadOutboxMessage> = [
  { title: '类型', dataIndex: 'topic', render: (topic: string) => TOPICS[topic] ?? topic },
  { title: '业务单号', dataIndex: 'key' },
  { title: '尝试次数', dataIndex: 'attempts', align: 'right' },
  { title: '最后错误', dataIndex: 'lastError', render: (e: string | null) => e ?? '—' },
  { title: '创建时间', dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
];

function Section<T extends { id: string }>(props: { note: string; rows: T[]; columns: TableColumnsType<T> }) {
  if (!props.rows.length) return null;
  return (
    <div style={{ marginBottom: 12 }}>
      <Typography.Paragraph type="secondary">{props.note}</Typography.Paragraph>
      <Table<T> size="small" rowKey="id" pagination={false} dataSource={props.rows} columns={props.columns} />
    </div>
  );
}

/**
 * What the system could not finish on its own: refunds WeChat has not settled for over a day, and
 * outbox messages that failed every retry. Each needs a person (check WeChat's merchant platform).
 */
export default function NeedsAttention(props: {
  stuckRefunds: StuckRefund[];
  deadOutbox: DeadOutboxMessage[];
}) {
  if (!props.stuckRefunds.length && !props.deadOutbox.length) return null;
  return (
    <Card size="small" title="需要人工处理" style={{ marginTop: 12 }}>
      <Section
        note="以下退款发起超过一天仍未完成，请在微信支付商户平台核对退款单状态。"
        rows={props.stuckRefunds}
        columns={REFUND_COLUMNS}
      />
      <Section
        note="以下外发请求多次重试仍失败，已停止重试。"
        rows={props.deadOutbox}
        columns={OUTBOX_COLUMNS}
      />
    </Card>
  );
}
