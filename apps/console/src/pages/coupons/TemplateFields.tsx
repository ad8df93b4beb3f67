import type { CouponKind, Merchant } from '@allycard/contracts';
import {
  Alert,
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs from 'dayjs';
import type { Session } from '../../api/session';
import type { TierRule } from '@allycard/contracts';
import { yuanToFen } from '../../lib/money';
import { KIND_LABEL, termsText, validityText } from './couponText';
import { toBody, type TemplateFormValues } from './templateBody';

const required = (message: string): Rule => ({ required: true, message });

/** The fields of a new template; only those of the chosen kind are shown. */
const yuanInput = (placeholder: string) => (
  <InputNumber<string>
    stringMode
    min="0.01"
    max="1000000"
    precision={2}
    step="1"
    prefix="¥"
    placeholder={placeholder}
    style={{ width: '100%' }}
  />
);

export function TemplateFields({
  session,
  merchants,
  tiers,
}: {
  session: Session;
  merchants: Merchant[];
  tiers: TierRule[];
}) {
  const form = Form.useFormInstance<TemplateFormValues>();
  const kind = Form.useWatch('kind', form) ?? 'amount';
  const validity = Form.useWatch('validity', form) ?? 'days';
  const issuerType = Form.useWatch('issuerType', form) ?? 'alliance';
  const usableAt = Form.useWatch('usableAt', form) ?? 'alliance';
  const all = Form.useWatch([], form) as TemplateFormValues | undefined;
  const merchantOnly = session.role === 'merchant_admin';
  const merchantOptions = merchants.map((m) => ({ value: m.id, label: m.name }));
  const ownName = merchants.find((m) => m.id === session.merchantId)?.name ?? '本商户';

  const previewBody = all?.kind ? toBody({ ...all, title: all.title ?? '' }, session) : null;
  const preview = previewBody
    ? `${termsText({
        kind: previewBody.kind,
        valueFen: previewBody.valueFen ?? null,
        discountPermille: previewBody.discountPermille ?? null,
        maxDiscountFen: previewBody.maxDiscountFen ?? null,
        thresholdFen: previewBody.thresholdFen,
      })} · ${validityText({
        validDays: previewBody.validDays ?? null,
        validFrom: previewBody.validFrom ?? null,
        validUntil: previewBody.validUntil ?? null,
      })}`
    : '';

  return (
    <>
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item
            name="title"
            label="券名称"
            rules={[required('请输入券名称'), { max: 64, whitespace: true }]}
          >
            <Input placeholder="如：新人首单立减10元" maxLength={64} />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name="description" label="说明" rules={[{ max: 255 }]}>
            <Input placeholder="可选，展示给会员" maxLength={255} />
          </Form.Item>
        </Col>
      </Row>

      <Form.Item name="kind" label="券类型">
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={(Object.keys(KIND_LABEL) as CouponKind[]).map((k) => ({ value: k, label: KIND_LABEL[k] }))}
        />
      </Form.Item>

      <Row gutter={12}>
        {kind === 'amount' && (
          <>
            <Col span={8}>
              <Form.Item
                name="thresholdYuan"
                label="满（消费门槛）"
                dependencies={['valueYuan']}
                rules={[
                  required('请输入门槛金额'),
                  ({ getFieldValue }) => ({
                    validator: (_, value?: string) => {
                      const threshold = yuanToFen(value);
                      const off = yuanToFen(getFieldValue('valueYuan') as string | undefined);
                      return threshold !== null && off !== null && threshold < off
                        ? Promise.reject(new Error('门槛不能低于减免金额'))
                        : Promise.resolve();
                    },
                  }),
                ]}
              >
                {yuanInput('50.00')}
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="valueYuan" label="减（金额）" rules={[required('请输入减免金额')]}>
                {yuanInput('10.00')}
              </Form.Item>
            </Col>
          </>
        )}
        {kind === 'no_threshold' && (
          <Col span={8}>
            <Form.Item name="valueYuan" label="立减金额" rules={[required('请输入立减金额')]}>
              {yuanInput('5.00')}
            </Form.Item>
          </Col>
        )}
        {kind === 'discount' && (
          <>
            <Col span={8}>
              <Form.Item
                name="discountZhe"
                label="折扣"
                rules={[required('请输入折扣')]}
                extra="如 8.5 表示 8.5 折"
              >
                <InputNumber<string>
                  stringMode
                  min="0.1"
                  max="9.9"
                  precision={1}
                  step="0.5"
                  suffix="折"
                  placeholder="8.5"
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="maxDiscountYuan" label="最多减" extra="可选，封顶金额">
                {yuanInput('不封顶')}
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="thresholdYuan" label="消费门槛" extra="可选，不填为无门槛">
                {yuanInput('无门槛')}
              </Form.Item>
            </Col>
          </>
        )}
        {kind === 'gift' && (
          <>
            <Col span={8}>
              <Form.Item name="valueYuan" label="礼品价值" extra="可选，用于结算计价">
                {yuanInput('15.00')}
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="thresholdYuan" label="消费门槛" extra="可选，不填为无门槛">
                {yuanInput('无门槛')}
              </Form.Item>
            </Col>
          </>
        )}
      </Row>

      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="stock" label="库存（总发放量）" rules={[required('请输入库存')]}>
            <InputNumber min={1} max={10_000_000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="perMemberLimit" label="每人限领" rules={[required('请输入每人限领')]}>
            <InputNumber min={1} max={100} precision={0} addonAfter="张" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>

      <Form.Item label="有效期" required style={{ marginBottom: 0 }}>
        <Space align="start" wrap>
          <Form.Item name="validity" noStyle>
            <Radio.Group
              options={[
                { value: 'days', label: '领取后' },
                { value: 'range', label: '固定日期' },
              ]}
            />
          </Form.Item>
          {validity === 'days' ? (
            <Form.Item name="validDays" rules={[required('请输入天数')]}>
              <InputNumber min={1} max={3650} precision={0} addonAfter="天内有效" style={{ width: 170 }} />
            </Form.Item>
          ) : (
            <Form.Item name="validRange" rules={[required('请选择起止日期')]}>
              <DatePicker.RangePicker
                disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                style={{ width: 260 }}
              />
            </Form.Item>
          )}
        </Space>
      </Form.Item>

      <Divider plain orientation="left" style={{ margin: '8px 0 16px' }}>
        发行与使用范围
      </Divider>
      {merchantOnly ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={`由「${ownName}」发行，仅限本商户使用；核销成本由本商户承担。`}
        />
      ) : (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="issuerType" label="发行方" extra="发行方承担在其他商户核销的优惠成本">
              <Radio.Group
                options={[
                  { value: 'alliance', label: '联盟' },
                  { value: 'merchant', label: '商户' },
                ]}
              />
            </Form.Item>
            {issuerType === 'merchant' && (
              <Form.Item name="issuerMerchantId" label="发行商户" rules={[required('请选择发行商户')]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  options={merchantOptions}
                  placeholder="选择商户"
                />
              </Form.Item>
            )}
          </Col>
          <Col span={12}>
            <Form.Item name="usableAt" label="可用范围">
              <Radio.Group
                options={[
                  { value: 'alliance', label: '全联盟通用' },
                  { value: 'merchant', label: '指定商户' },
                ]}
              />
            </Form.Item>
            {usableAt === 'merchant' && (
              <Form.Item name="merchantIds" label="可用商户" rules={[required('请选择至少一个商户')]}>
                <Select
                  mode="multiple"
                  showSearch
                  optionFilterProp="label"
                  options={merchantOptions}
                  placeholder="选择商户"
                />
              </Form.Item>
            )}
          </Col>
        </Row>
      )}

      <Divider plain orientation="left" style={{ margin: '8px 0 16px' }}>
        领取条件
      </Divider>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="audience" label="领取对象">
            <Radio.Group
              options={[
                { value: 'all', label: '全部会员' },
                { value: 'new_members', label: '新会员（未消费）' },
              ]}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="minTierCode" label="最低等级">
            <Select
              allowClear
              placeholder="不限等级"
              options={tiers.map((t) => ({ value: t.code, label: t.name }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="flags" label="规则">
        <Checkbox.Group
          options={[
            { value: 'firstOrderOnly', label: '仅限首单' },
            { value: 'forwardable', label: '可转赠好友（拉新）' },
            { value: 'joinGift', label: '入会礼：新会员入会自动发放' },
            { value: 'issueOnly', label: '仅发放：不在领券中心展示（拉新奖励、积分商城兑换）' },
          ]}
        />
      </Form.Item>
      {preview && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }} data-testid="coupon-preview">
          预览：{preview}
        </Typography.Paragraph>
      )}
    </>
  );
}
