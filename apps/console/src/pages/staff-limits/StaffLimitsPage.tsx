import type { TierDiscountBearer } from '@allycard/contracts';
import { Alert, Button, Card, Col, Form, Radio, Row, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/admin';
import { useSession } from '../../auth';
import { showError, toast } from '../../lib/feedback';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { FIELD_OF, LimitFields, LimitValues, toLimitValues, toStaffLimits } from './limitFields';
import { MerchantLimitsCard } from './MerchantLimitsCard';

type Values = LimitValues & { tierDiscountBorneBy: TierDiscountBearer };

/** Staff limits (the alliance's, and merchants' own) and who bears the member-tier discounts. */
export default function StaffLimitsPage() {
  const session = useSession();
  const editable = session.role === 'alliance_admin';
  const limits = useLoad(api.staffLimits);
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (limits.data)
      form.setFieldsValue({
        ...toLimitValues(limits.data),
        tierDiscountBorneBy: limits.data.tierDiscountBorneBy,
      });
  }, [limits.data, form]);

  const save = async (values: Values) => {
    setSaving(true);
    try {
      const saved = await api.setStaffLimits({
        ...toStaffLimits(values),
        tierDiscountBorneBy: values.tierDiscountBorneBy,
      });
      limits.set(() => saved);
      toast.success('员工限额已保存');
    } catch (error) {
      showError(error, form, (field) => FIELD_OF[field] ?? field);
    } finally {
      setSaving(false);
    }
  };

  const l = limits.data;
  return (
    <>
      {!editable && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={`员工限额由联盟设置，商户管理员仅可查看${l?.overridden ? '（本店使用单独限额）' : ''}。超过限额的操作请商户管理员在小程序员工端完成。`}
        />
      )}
      <Row gutter={16} align="top">
        <Col xs={24} xl={10}>
          <Card size="small" title={editable ? '联盟统一限额' : '本店员工限额'}>
            {!l ? (
              <Skeleton active />
            ) : (
              <>
                <Alert
                  type="info"
                  style={{ marginBottom: 16 }}
                  message={`店员单笔消费不超过 ${formatFen(l.counterPurchaseMaxFen)}，同一会员每日不超过 ${formatFen(l.counterDailyPerMemberMaxFen)}；退款不超过 ${formatFen(l.clerkRefundMaxFen)} 且为 ${l.clerkRefundMaxAgeDays} 天内支付的订单。`}
                />
                <Form form={form} name="staff-limits" layout="vertical" onFinish={save} disabled={!editable}>
                  <LimitFields />
                  <Form.Item
                    name="tierDiscountBorneBy"
                    label="会员等级折扣由谁承担"
                    extra="结算时按支付当时的设置计入；由联盟承担时，商户给出的等级折扣由联盟补给商户"
                  >
                    <Radio.Group
                      options={[
                        { value: 'merchant', label: '给出折扣的商户' },
                        { value: 'alliance', label: '联盟运营方' },
                      ]}
                    />
                  </Form.Item>
                  {editable && (
                    <Button type="primary" htmlType="submit" loading={saving}>
                      保存限额
                    </Button>
                  )}
                </Form>
              </>
            )}
          </Card>
        </Col>
        {editable && l && (
          <Col xs={24} xl={14}>
            <MerchantLimitsCard limits={l} onChange={limits.reload} />
          </Col>
        )}
      </Row>
    </>
  );
}
