import {
  Alert,
  Button,
  Card,
  Form,
  InputNumber,
  Radio,
  Select,
  Skeleton,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import type { BenefitSettings, BenefitSettingsRequest, MemberDayBenefit } from '@allycard/contracts';
import { MAX_COMBINED_MULTIPLIER_PERMILLE, MAX_MEMBER_DAY_OF_MONTH, memberDayText } from '@allycard/domain';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { termsText } from '../coupons/couponText';
import type { PointsPromotion } from '@allycard/contracts';
import { PREVIEW_PAID_FEN, tierPreview } from './benefitPreview';
import { PromotionsSection } from './PromotionsSection';
import { SpendGetSection } from './SpendGetSection';

const NONE = '';
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'].map((d, i) => ({
  value: i + 1,
  label: `周${d}`,
}));

export interface BenefitValues {
  birthdayOn: boolean;
  birthdayTemplateId: string;
  birthdayPoints: number;
  memberDayOn: boolean;
  memberDayKind: 'weekday' | 'monthDay';
  weekday: number;
  monthDay: number;
  /** 倍, e.g. 2 for double points */
  multiplier: number;
  minTierCode: string;
  /** the member day's extra discount: none, 折 (9 = 10% off) or 元 off */
  discountKind: 'none' | 'percent' | 'amount';
  discountZhe: number;
  discountYuan: number;
  /** only at these merchants (empty: all) */
  memberDayMerchantIds: string[];
  profilePoints: number;
  phonePoints: number;
}

export function toValues(s: BenefitSettings): BenefitValues {
  return {
    birthdayOn: !!s.birthday,
    birthdayTemplateId: s.birthday?.couponTemplateId ?? NONE,
    birthdayPoints: s.birthday?.points ?? 0,
    memberDayOn: !!s.memberDay,
    memberDayKind: s.memberDay?.monthDay ? 'monthDay' : 'weekday',
    weekday: s.memberDay?.weekday ?? 6,
    monthDay: s.memberDay?.monthDay ?? 18,
    multiplier: (s.memberDay?.pointsMultiplierPermille ?? 2000) / 1000,
    minTierCode: s.memberDay?.minTierCode ?? NONE,
    discountKind: s.memberDay?.discountPermille ? 'percent' : s.memberDay?.discountFen ? 'amount' : 'none',
    discountZhe: s.memberDay?.discountPermille ? (1000 - s.memberDay.discountPermille) / 100 : 9.5,
    discountYuan: s.memberDay?.discountFen ? s.memberDay.discountFen / 100 : 5,
    memberDayMerchantIds: s.memberDay?.merchantIds ?? [],
    profilePoints: s.tasks.profilePoints,
    phonePoints: s.tasks.phonePoints,
  };
}

export function memberDayOf(v: BenefitValues): MemberDayBenefit | null {
  if (!v.memberDayOn) return null;
  return {
    weekday: v.memberDayKind === 'weekday' ? v.weekday : null,
    monthDay: v.memberDayKind === 'monthDay' ? v.monthDay : null,
    pointsMultiplierPermille: Math.round((v.multiplier ?? 1) * 1000),
    minTierCode: v.minTierCode || null,
    discountPermille: v.discountKind === 'percent' ? Math.round(1000 - (v.discountZhe ?? 10) * 100) : null,
    discountFen: v.discountKind === 'amount' ? Math.round((v.discountYuan ?? 0) * 100) : null,
    merchantIds: v.memberDayMerchantIds?.length ? v.memberDayMerchantIds : null,
  };
}

export function toRequest(v: BenefitValues): BenefitSettingsRequest {
  const day = memberDayOf(v);
  return {
    birthday: v.birthdayOn
      ? {
          ...(v.birthdayTemplateId && { couponTemplateId: v.birthdayTemplateId }),
          points: v.birthdayPoints ?? 0,
        }
      : null,
    memberDay: day && {
      ...(day.weekday ? { weekday: day.weekday } : { monthDay: day.monthDay! }),
      pointsMultiplierPermille: day.pointsMultiplierPermille,
      ...(day.minTierCode && { minTierCode: day.minTierCode }),
      ...(day.discountPermille !== null && { discountPermille: day.discountPermille }),
      ...(day.discountFen !== null && { discountFen: day.discountFen }),
      ...(day.merchantIds && { merchantIds: day.merchantIds }),
    },
    tasks: { profilePoints: v.profilePoints ?? 0, phonePoints: v.phonePoints ?? 0 },
  };
}

/** The server's field names → this form's. */
const FIELD: Record<string, string> = {
  'birthday.couponTemplateId': 'birthdayTemplateId',
  birthday: 'birthdayPoints',
  'memberDay.monthDay': 'monthDay',
  'memberDay.minTierCode': 'minTierCode',
  'memberDay.pointsMultiplierPermille': 'multiplier',
  'memberDay.discountPermille': 'discountZhe',
  'memberDay.discountFen': 'discountYuan',
  'memberDay.merchantIds': 'memberDayMerchantIds',
  memberDay: 'multiplier',
};

export default function BenefitsPage() {
  const settings = useLoad(api.benefits);
  const templates = useLoad(api.templates);
  const tiers = useLoad(api.tiers);
  const merchants = useLoad(api.adminMerchants);
  const [form] = Form.useForm<BenefitValues>();
  const [saving, setSaving] = useState(false);
  const values = Form.useWatch([], form) as BenefitValues | undefined;

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toValues(settings.data));
  }, [settings.data, form]);

  const save = async (v: BenefitValues) => {
    setSaving(true);
    try {
      const saved = await api.setBenefits(toRequest(v));
      settings.set(() => saved);
      toast.success('会员权益已保存');
    } catch (error) {
      showError(error, form, (f) => FIELD[f] ?? null);
    } finally {
      setSaving(false);
    }
  };

  const templateOptions = [
    { value: NONE, label: '不发券' },
    ...(templates.data ?? []).map((t) => ({
      value: t.id,
      label: `${t.title}（${termsText(t)}${t.status === 'paused' ? '，已暂停' : ''}）`,
    })),
  ];
  const tierOptions = [
    { value: NONE, label: '所有会员' },
    ...(tiers.data ?? []).map((t) => ({ value: t.code, label: `${t.name}及以上` })),
  ];
  const day = values ? memberDayOf(values) : null;
  const [promotions, setPromotions] = useState<PointsPromotion[]>([]);
  const promotion =
    promotions.find((p) => p.state === 'active') ?? promotions.find((p) => p.state === 'upcoming') ?? null;
  const rows = tierPreview(tiers.data ?? [], day, undefined, undefined, promotion);
  const cap = MAX_COMBINED_MULTIPLIER_PERMILLE / 1000;

  return (
    <Card size="small" title="会员权益" style={{ maxWidth: 860 }}>
      {settings.loading && !settings.data ? (
        <Skeleton active />
      ) : (
        <Form
          form={form}
          name="benefits"
          layout="horizontal"
          labelCol={{ span: 5 }}
          wrapperCol={{ span: 17 }}
          onFinish={save}
        >
          <Typography.Title level={5}>生日礼</Typography.Title>
          <Form.Item name="birthdayOn" label="生日礼" valuePropName="checked">
            <Switch checkedChildren="开" unCheckedChildren="关" />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.birthdayOn !== b.birthdayOn}>
            {({ getFieldValue }) =>
              getFieldValue('birthdayOn') ? (
                <>
                  <Form.Item name="birthdayTemplateId" label="生日券">
                    <Select showSearch optionFilterProp="label" options={templateOptions} />
                  </Form.Item>
                  <Form.Item
                    name="birthdayPoints"
                    label="生日积分"
                    dependencies={['birthdayTemplateId']}
                    rules={[
                      ({ getFieldValue: get }) => ({
                        validator: (_, points: number | null) =>
                          get('birthdayTemplateId') || (points ?? 0) > 0
                            ? Promise.resolve()
                            : Promise.reject(new Error('生日礼请设一张券或一些积分')),
                      }),
                    ]}
                  >
                    <InputNumber
                      min={0}
                      max={100_000}
                      precision={0}
                      addonAfter="积分"
                      style={{ width: 200 }}
                    />
                  </Form.Item>
                  <Form.Item wrapperCol={{ offset: 5 }}>
                    <Typography.Text type="secondary">
                      会员生日当天（北京时间）零点发放，每人每年一次；当天才填写生日的会员立即发放。生日设置后
                      12 个月内不能修改。
                    </Typography.Text>
                  </Form.Item>
                </>
              ) : null
            }
          </Form.Item>

          <Typography.Title level={5}>会员日</Typography.Title>
          <Form.Item name="memberDayOn" label="会员日" valuePropName="checked">
            <Switch checkedChildren="开" unCheckedChildren="关" />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) =>
              getFieldValue('memberDayOn') ? (
                <>
                  <Form.Item name="memberDayKind" label="周期">
                    <Radio.Group
                      options={[
                        { value: 'weekday', label: '每周' },
                        { value: 'monthDay', label: '每月' },
                      ]}
                    />
                  </Form.Item>
                  {getFieldValue('memberDayKind') === 'weekday' ? (
                    <Form.Item name="weekday" label="星期">
                      <Select options={WEEKDAYS} style={{ width: 120 }} />
                    </Form.Item>
                  ) : (
                    <Form.Item
                      name="monthDay"
                      label="日期"
                      rules={[
                        { required: true, message: '请填写每月几号' },
                        {
                          type: 'number',
                          min: 1,
                          max: MAX_MEMBER_DAY_OF_MONTH,
                          message: `每月的会员日须在 1–${MAX_MEMBER_DAY_OF_MONTH} 号之间，这样每个月都有`,
                        },
                      ]}
                    >
                      <InputNumber precision={0} addonBefore="每月" addonAfter="号" style={{ width: 180 }} />
                    </Form.Item>
                  )}
                  <Form.Item
                    name="multiplier"
                    label="积分倍数"
                    rules={[
                      { required: true, message: '请填写积分倍数' },
                      {
                        type: 'number',
                        min: 1,
                        max: cap,
                        message: `积分倍数须在 1–${cap} 倍之间（与等级倍数相乘后最多 ${cap} 倍）`,
                      },
                    ]}
                  >
                    <InputNumber step={0.5} precision={2} addonAfter="倍" style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name="minTierCode" label="适用会员">
                    <Select options={tierOptions} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name="discountKind" label="会员日折扣">
                    <Radio.Group
                      options={[
                        { value: 'none', label: '不打折' },
                        { value: 'percent', label: '再打折' },
                        { value: 'amount', label: '再立减' },
                      ]}
                    />
                  </Form.Item>
                  {getFieldValue('discountKind') === 'percent' ? (
                    <Form.Item
                      name="discountZhe"
                      label="折扣"
                      rules={[
                        { required: true, message: '请填写折扣' },
                        { type: 'number', min: 5, max: 9.99, message: '会员日折扣须在 5–9.99 折之间' },
                      ]}
                    >
                      <InputNumber step={0.5} precision={2} addonAfter="折" style={{ width: 160 }} />
                    </Form.Item>
                  ) : null}
                  {getFieldValue('discountKind') === 'amount' ? (
                    <Form.Item
                      name="discountYuan"
                      label="立减"
                      rules={[
                        { required: true, message: '请填写立减金额' },
                        { type: 'number', min: 0.01, max: 500, message: '会员日立减须在 0.01–500 元之间' },
                      ]}
                    >
                      <InputNumber precision={2} addonAfter="元" style={{ width: 160 }} />
                    </Form.Item>
                  ) : null}
                  <Form.Item name="memberDayMerchantIds" label="适用商户" extra="不选：全联盟商户">
                    <Select
                      mode="multiple"
                      allowClear
                      optionFilterProp="label"
                      placeholder="全联盟商户"
                      options={(merchants.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
                    />
                  </Form.Item>
                </>
              ) : null
            }
          </Form.Item>

          <Typography.Title level={5}>任务</Typography.Title>
          <Form.Item
            name="profilePoints"
            label="完善资料"
            rules={[{ required: true, message: '请输入积分' }]}
          >
            <InputNumber min={0} max={100_000} precision={0} addonAfter="积分（昵称 + 生日）" />
          </Form.Item>
          <Form.Item name="phonePoints" label="绑定手机" rules={[{ required: true, message: '请输入积分' }]}>
            <InputNumber min={0} max={100_000} precision={0} addonAfter="积分" />
          </Form.Item>

          <Typography.Title level={5}>各等级会员所得（每付 ¥{PREVIEW_PAID_FEN / 100}）</Typography.Title>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={
              day
                ? `${memberDayText(day)}为会员日：等级倍数 × 会员日倍数，叠加后最多 ${cap} 倍。`
                : '未设会员日：积分只按等级倍数。'
            }
          />
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            loading={tiers.loading}
            dataSource={rows}
            data-testid="tier-preview"
            columns={[
              { title: '等级', dataIndex: 'name' },
              { title: '买单折扣', dataIndex: 'discountText' },
              { title: '平日积分', dataIndex: 'ordinaryPoints' },
              {
                title: '会员日积分',
                key: 'memberDay',
                render: (_, r) =>
                  r.memberDayPoints === null ? '—' : `${r.memberDayPoints}${r.capped ? '（已达上限）' : ''}`,
              },
              ...(promotion
                ? [
                    {
                      title: `「${promotion.name}」期间积分`,
                      key: 'promotion',
                      render: (_: unknown, r: (typeof rows)[number]) =>
                        `${r.promotionPoints}${r.promotionCapped ? '（已达上限）' : ''}`,
                    },
                  ]
                : []),
            ]}
          />

          <Form.Item wrapperCol={{ offset: 5 }} style={{ marginTop: 16 }}>
            <Button type="primary" htmlType="submit" loading={saving}>
              保存
            </Button>
          </Form.Item>
        </Form>
      )}
      <PromotionsSection merchants={merchants.data ?? []} onChange={setPromotions} />
      <SpendGetSection merchants={merchants.data ?? []} templates={templates.data ?? []} />
    </Card>
  );
}
