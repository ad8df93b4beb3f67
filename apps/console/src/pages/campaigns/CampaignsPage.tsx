import type { Campaign, CampaignCreate, MessageTemplateSetting } from '@allycard/contracts';
import { DEFAULT_MESSAGE_PAGES, MESSAGE_TIPS, messageData } from '@allycard/domain';
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/admin';
import { campaignsApi } from '../../api/campaigns';
import { useAuth } from '../../auth';
import { showError, toast } from '../../lib/feedback';
import { formatTime } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { useDirectory } from '../members/useDirectory';
import { CampaignReportDrawer } from './CampaignReportDrawer';
import { CAMPAIGN_STATUS } from './campaignText';

interface CampaignForm {
  name: string;
  segmentId: string;
  actionType: 'coupon' | 'points';
  templateId?: string;
  points?: number;
  fundedBy?: string;
  holdoutPercent: number;
  withMessage: boolean;
  messagePage?: string;
  /** the message's 温馨提示 */
  messageText?: string;
}

/** What the form's message needs besides its fields: the alliance's 营销活动 template and the gift's name. */
export interface CampaignMessageContext {
  offerTemplate: MessageTemplateSetting | undefined;
  giftTitle: string;
}

/**
 * The contract's create body from the form ('alliance' or a merchant id funds the points). The
 * message goes out on the alliance's 营销活动 template (消息模板), its keywords filled by the
 * template's field mapping (活动名称, 优惠券名称, 温馨提示), so WeChat gets exactly its keywords.
 */
export function campaignBodyOf(v: CampaignForm, context?: CampaignMessageContext): CampaignCreate {
  const offer = context?.offerTemplate;
  return {
    name: v.name,
    segmentId: v.segmentId,
    action:
      v.actionType === 'coupon'
        ? { type: 'coupon', templateId: v.templateId! }
        : {
            type: 'points',
            points: v.points!,
            fundedBy:
              v.fundedBy === 'alliance'
                ? { type: 'alliance' }
                : { type: 'merchant', merchantId: v.fundedBy! },
          },
    holdoutPermille: Math.round(v.holdoutPercent * 10),
    ...(v.withMessage &&
      offer && {
        message: {
          templateId: offer.templateId,
          page: v.messagePage!,
          data: messageData(offer.fields, {
            campaignName: v.name,
            couponTitle: context.giftTitle,
            tip: v.messageText!,
          }),
        },
      }),
  };
}

/**
 * 营销活动: create a campaign on a saved segment (its audience shown before launch), launch it, watch
 * the batches go out, pause or cancel, and read the report against the holdout.
 */
export default function CampaignsPage() {
  const { session } = useAuth();
  const isAlliance = session?.role === 'alliance_admin';
  const campaigns = useLoad(campaignsApi.campaigns);
  const segments = useLoad(campaignsApi.segments);
  const templates = useLoad(api.templates);
  // the 营销活动 message template is the alliance's setting (消息模板), which only its admins read
  const messageTemplates = useLoad(
    () => (isAlliance ? api.messageTemplates() : Promise.resolve({ items: [] })),
    [isAlliance],
  );
  const offerTemplate = messageTemplates.data?.items.find((t) => t.kind === 'campaign_offer');
  const directory = useDirectory();
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [reportOf, setReportOf] = useState<Campaign | null>(null);
  const [form] = Form.useForm<CampaignForm>();
  const actionType = Form.useWatch('actionType', form);
  const withMessage = Form.useWatch('withMessage', form);
  const segmentId = Form.useWatch('segmentId', form);
  const chosen = segments.data?.find((s) => s.id === segmentId);

  // live progress: reload every 2 s while a campaign is giving out
  const running = campaigns.data?.some((c) => c.status === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void campaigns.reload(), 2000);
    return () => clearInterval(timer);
  }, [running, campaigns.reload]);

  const replace = (updated: Campaign) =>
    campaigns.set((list) => (list ?? []).map((c) => (c.id === updated.id ? updated : c)));
  const act = async (what: () => Promise<Campaign>, done: string) => {
    try {
      replace(await what());
      toast.success(done);
    } catch (error) {
      showError(error);
    }
  };

  const create = async () => {
    // the form shows what is missing
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    try {
      const giftTitle =
        values.actionType === 'coupon'
          ? (templates.data?.find((t) => t.id === values.templateId)?.title ?? '')
          : `${values.points} 积分`;
      const created = await campaignsApi.createCampaign(campaignBodyOf(values, { offerTemplate, giftTitle }));
      campaigns.set((list) => [created, ...(list ?? [])]);
      toast.success('活动已创建，确认人群后即可启动');
      setCreating(false);
      form.resetFields();
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  const segmentCount = (id: string) => segments.data?.find((s) => s.id === id)?.count;
  return (
    <Card
      size="small"
      title="营销活动"
      extra={
        <Button type="primary" onClick={() => setCreating(true)}>
          新建活动
        </Button>
      }
    >
      <Table<Campaign>
        rowKey="id"
        size="small"
        loading={campaigns.loading && !campaigns.data}
        dataSource={campaigns.data ?? []}
        pagination={false}
        locale={{ emptyText: '还没有活动' }}
        columns={[
          { title: '名称', dataIndex: 'name' },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Campaign['status']) => (
              <Tag color={CAMPAIGN_STATUS[s].color}>{CAMPAIGN_STATUS[s].label}</Tag>
            ),
          },
          {
            title: '进度',
            render: (_, c) =>
              c.launchedAt ? (
                <Progress
                  size="small"
                  percent={c.targeted ? Math.floor((c.processed * 100) / c.targeted) : 100}
                  format={() => `${c.processed}/${c.targeted}`}
                  style={{ minWidth: 140 }}
                />
              ) : (
                `人群约 ${segmentCount(c.segmentId) ?? '—'} 人`
              ),
          },
          {
            title: '对照组',
            render: (_, c) => (c.launchedAt ? `${c.holdout} 人` : `${c.holdoutPermille / 10}%`),
          },
          { title: '启动时间', dataIndex: 'launchedAt', render: (v: string | null) => formatTime(v) },
          {
            title: '操作',
            render: (_, c) => (
              <Space size="small" wrap>
                {c.status === 'draft' && (
                  <Popconfirm
                    title="启动活动？"
                    description={`将按当前人群（约 ${segmentCount(c.segmentId) ?? '—'} 人）锁定名单并开始发放，启动后不能撤回已发放的内容。`}
                    okText="启动"
                    cancelText="再想想"
                    onConfirm={() => void act(() => campaignsApi.launch(c.id), '活动已启动')}
                  >
                    <Button size="small" type="primary">
                      启动
                    </Button>
                  </Popconfirm>
                )}
                {c.status === 'running' && (
                  <Button size="small" onClick={() => void act(() => campaignsApi.pause(c.id), '已暂停')}>
                    暂停
                  </Button>
                )}
                {c.status === 'paused' && (
                  <Button size="small" onClick={() => void act(() => campaignsApi.resume(c.id), '已继续')}>
                    继续
                  </Button>
                )}
                {['draft', 'running', 'paused'].includes(c.status) && (
                  <Popconfirm
                    title="取消活动？"
                    description="尚未发放的会员将不再发放，已发放的保留。"
                    okText="取消活动"
                    cancelText="不取消"
                    onConfirm={() => void act(() => campaignsApi.cancel(c.id), '活动已取消')}
                  >
                    <Button size="small" danger>
                      取消
                    </Button>
                  </Popconfirm>
                )}
                {c.launchedAt && (
                  <Button size="small" onClick={() => setReportOf(c)}>
                    报告
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />

      <Modal
        open={creating}
        title="新建活动"
        okText="创建草稿"
        cancelText="取消"
        confirmLoading={saving}
        onOk={() => void create()}
        onCancel={() => setCreating(false)}
        destroyOnClose
      >
        <Form
          form={form}
          name="campaign"
          layout="vertical"
          preserve={false}
          initialValues={{
            actionType: 'coupon',
            holdoutPercent: 10,
            withMessage: false,
            fundedBy: 'alliance',
          }}
        >
          <Form.Item
            name="name"
            label="活动名称"
            rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
          >
            <Input maxLength={64} placeholder="如：沉睡会员唤醒" />
          </Form.Item>
          <Form.Item name="segmentId" label="目标分群" rules={[{ required: true, message: '请选择分群' }]}>
            <Select
              placeholder="选择在「会员分群」保存的分群"
              options={(segments.data ?? []).map((s) => ({
                value: s.id,
                label: `${s.name}（${s.count} 人）`,
              }))}
            />
          </Form.Item>
          {chosen && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              message={`当前符合条件 ${chosen.count} 人；名单在启动时锁定。`}
            />
          )}
          <Form.Item name="actionType" label="发放内容">
            <Radio.Group
              options={[
                { value: 'coupon', label: '优惠券' },
                { value: 'points', label: '积分' },
              ]}
            />
          </Form.Item>
          {actionType === 'points' ? (
            <Space align="start">
              <Form.Item name="points" label="每人积分" rules={[{ required: true, message: '请填写积分' }]}>
                <InputNumber min={1} max={1_000_000} precision={0} />
              </Form.Item>
              <Form.Item name="fundedBy" label="出资方">
                <Select
                  style={{ width: 200 }}
                  options={[
                    ...(isAlliance ? [{ value: 'alliance', label: '联盟' }] : []),
                    ...directory.merchants
                      .filter((m) => isAlliance || m.id === session?.merchantId)
                      .map((m) => ({ value: m.id, label: m.name })),
                  ]}
                />
              </Form.Item>
            </Space>
          ) : (
            <Form.Item name="templateId" label="优惠券" rules={[{ required: true, message: '请选择优惠券' }]}>
              <Select
                placeholder="选择券模板"
                options={(templates.data ?? []).map((t) => ({ value: t.id, label: t.title }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="holdoutPercent"
            label="对照组比例（%）"
            extra="随机留出这部分会员不发放，用来衡量活动的真实效果。"
          >
            <InputNumber min={0} max={50} precision={1} />
          </Form.Item>
          <Form.Item
            name="withMessage"
            label="发送订阅消息"
            valuePropName="checked"
            extra={
              offerTemplate
                ? `用「营销活动」模板 ${offerTemplate.templateId} 通知订阅了它的会员，每人一条`
                : '先在「消息模板」里设置「营销活动」的微信模板，才能发送消息'
            }
          >
            <Switch disabled={!offerTemplate} />
          </Form.Item>
          {withMessage && offerTemplate && (
            <>
              <Form.Item
                name="messagePage"
                label="点击后打开的页面"
                initialValue={offerTemplate.page ?? DEFAULT_MESSAGE_PAGES.campaign_offer}
                rules={[{ required: true, message: '请填写页面路径' }]}
              >
                <Input maxLength={128} />
              </Form.Item>
              <Form.Item
                name="messageText"
                label="温馨提示"
                initialValue={MESSAGE_TIPS.campaign_offer}
                rules={[{ required: true, whitespace: true, message: '请填写温馨提示' }]}
              >
                <Input maxLength={20} placeholder="如：你有一张回归礼券待使用" />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>

      {reportOf && <CampaignReportDrawer campaign={reportOf} onClose={() => setReportOf(null)} />}
    </Card>
  );
}
