import type { Lifecycle, Segment } from '@allycard/contracts';
import { LIFECYCLES } from '@allycard/domain';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { campaignsApi } from '../../api/campaigns';
import { useAuth } from '../../auth';
import { showError, toast } from '../../lib/feedback';
import { formatTime } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { LIFECYCLE } from '../members/memberText';
import { useDirectory } from '../members/useDirectory';
import { segmentFilterOf, type SegmentFormValues } from './campaignText';

const MONTHS = Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: `${i + 1} 月` }));

/** The filter in words, for the saved segments' table. */
function describeFilter(segment: Segment, merchantName: (id: string) => string): string {
  const f = segment.filter;
  const parts: string[] = [];
  if (f.lifecycle) parts.push(f.lifecycle.map((l) => LIFECYCLE[l].label).join('/'));
  if (f.tierCodes) parts.push(`等级 ${f.tierCodes.join('/')}`);
  if (f.joinMerchantIds) parts.push(`入会于 ${f.joinMerchantIds.map(merchantName).join('/')}`);
  if (f.boughtAtMerchantIds) parts.push(`在 ${f.boughtAtMerchantIds.map(merchantName).join('/')} 消费过`);
  if (f.lastPurchaseAfter) parts.push(`${f.lastPurchaseAfter} 起有消费`);
  if (f.lastPurchaseBefore) parts.push(`${f.lastPurchaseBefore} 前最后消费`);
  if (f.minSpendFen !== undefined) parts.push(`累计消费 ≥ ¥${(f.minSpendFen / 100).toFixed(2)}`);
  if (f.birthdayMonth) parts.push(`${f.birthdayMonth} 月生日`);
  if (f.pointsExpiringWithinDays) parts.push(`${f.pointsExpiringWithinDays} 天内有积分到期`);
  return parts.join('，') || '全部会员';
}

/**
 * 会员分群: how many members carry each lifecycle label, and a segment builder whose count follows
 * the filter as it is edited (the server's preview, 400 ms after the last change).
 */
export default function SegmentsPage() {
  const { session } = useAuth();
  const isAlliance = session?.role === 'alliance_admin';
  const counts = useLoad(campaignsApi.lifecycleCounts);
  const segments = useLoad(campaignsApi.segments);
  const directory = useDirectory();
  const [form] = Form.useForm<SegmentFormValues & { name: string }>();
  const [count, setCount] = useState<number | null>(null);
  const [counting, setCounting] = useState(false);
  const [saving, setSaving] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const recount = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const mine = ++seq.current;
      setCounting(true);
      campaignsApi
        .previewSegment(segmentFilterOf(form.getFieldsValue()))
        .then((r) => mine === seq.current && setCount(r.count))
        .catch((error: unknown) => mine === seq.current && showError(error))
        .finally(() => mine === seq.current && setCounting(false));
    }, 400);
  };
  useEffect(() => {
    recount();
    return () => clearTimeout(timer.current);
  }, []);

  const pick = (lifecycle: Lifecycle) => {
    form.setFieldsValue({ lifecycle: [lifecycle] });
    recount();
  };

  const save = async () => {
    // the form shows what is missing
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    try {
      const saved = await campaignsApi.createSegment(values.name, segmentFilterOf(values));
      toast.success(`已保存分群「${saved.name}」，当前 ${saved.count} 人`);
      segments.set((list) => [saved, ...(list ?? [])]);
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  const merchantOptions = directory.merchants.map((m) => ({ value: m.id, label: m.name }));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small" title="会员生命周期" loading={counts.loading && !counts.data}>
        <Row gutter={16}>
          {LIFECYCLES.map((l) => (
            <Col key={l} xs={12} sm={8} md={4}>
              <Button type="text" block style={{ height: 'auto', textAlign: 'left' }} onClick={() => pick(l)}>
                <Statistic title={LIFECYCLE[l].label} value={counts.data?.counts[l] ?? 0} suffix="人" />
              </Button>
            </Col>
          ))}
        </Row>
        <Typography.Text type="secondary">点击一个人群，把它放进下面的分群条件。</Typography.Text>
      </Card>

      <Card
        size="small"
        title="新建分群"
        extra={
          <span aria-live="polite" data-testid="segment-count">
            {counting ? '计算中…' : count === null ? '' : `符合条件 ${count} 人`}
          </span>
        }
      >
        <Form form={form} name="segment" layout="vertical" onValuesChange={recount}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="lifecycle" label="生命周期">
                <Select
                  mode="multiple"
                  allowClear
                  placeholder="不限"
                  options={LIFECYCLES.map((l) => ({ value: l, label: LIFECYCLE[l].label }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="tierCodes" label="会员等级">
                <Select
                  mode="multiple"
                  allowClear
                  placeholder="不限"
                  options={directory.tiers.map((t) => ({ value: t.code, label: t.name }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="birthdayMonth" label="生日月份">
                <Select allowClear placeholder="不限" options={MONTHS} />
              </Form.Item>
            </Col>
            {isAlliance && (
              <Col xs={24} md={8}>
                <Form.Item name="joinMerchantIds" label="入会商户">
                  <Select mode="multiple" allowClear placeholder="不限" options={merchantOptions} />
                </Form.Item>
              </Col>
            )}
            <Col xs={24} md={8}>
              <Form.Item name="boughtAtMerchantIds" label="消费过的商户">
                <Select mode="multiple" allowClear placeholder="不限" options={merchantOptions} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="minSpendYuan" label="累计消费至少（元）">
                <InputNumber min={0} precision={2} stringMode style={{ width: '100%' }} placeholder="不限" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="lastPurchaseAfter" label="最后消费不早于">
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="lastPurchaseBefore" label="最后消费早于">
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="pointsExpiringWithinDays" label="积分在几天内到期">
                <InputNumber min={1} max={366} precision={0} style={{ width: '100%' }} placeholder="不限" />
              </Form.Item>
            </Col>
          </Row>
          <Space align="start">
            <Form.Item
              name="name"
              rules={[{ required: true, whitespace: true, message: '请填写分群名称' }]}
              style={{ marginBottom: 0 }}
            >
              <Input placeholder="分群名称，如：沉睡会员" maxLength={64} style={{ width: 240 }} />
            </Form.Item>
            <Button type="primary" loading={saving} onClick={() => void save()}>
              保存分群
            </Button>
          </Space>
        </Form>
      </Card>

      <Card size="small" title="已保存的分群">
        <Table<Segment>
          rowKey="id"
          size="small"
          loading={segments.loading}
          dataSource={segments.data ?? []}
          pagination={false}
          locale={{ emptyText: '还没有分群' }}
          columns={[
            { title: '名称', dataIndex: 'name' },
            { title: '条件', render: (_, s) => describeFilter(s, directory.names.merchant) },
            { title: '当前人数', dataIndex: 'count', align: 'right' },
            {
              title: '范围',
              render: (_, s) =>
                s.merchantId ? <Tag>{directory.names.merchant(s.merchantId)}</Tag> : <Tag>全联盟</Tag>,
            },
            { title: '创建时间', dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
          ]}
        />
      </Card>
    </Space>
  );
}
