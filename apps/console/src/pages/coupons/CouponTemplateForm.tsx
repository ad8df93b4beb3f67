import type { Merchant } from '@allycard/contracts';
import { Button, Drawer, Form, Space } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import type { Session } from '../../api/session';
import type { CouponTemplate, TierRule } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { TemplateFields } from './TemplateFields';
import { FIELD_OF, toBody, type TemplateFormValues } from './templateBody';

interface Props {
  open: boolean;
  session: Session;
  merchants: Merchant[];
  tiers: TierRule[];
  onClose: () => void;
  onCreated: (template: CouponTemplate) => void;
}

export function CouponTemplateDrawer({ open, session, merchants, tiers, onClose, onCreated }: Props) {
  const [form] = Form.useForm<TemplateFormValues>();
  const [saving, setSaving] = useState(false);

  const submit = async (values: TemplateFormValues) => {
    setSaving(true);
    try {
      const template = await api.createTemplate(toBody(values, session));
      toast.success(`已创建优惠券「${template.title}」`);
      form.resetFields();
      onCreated(template);
    } catch (error) {
      showError(error, form, (field) => FIELD_OF[field] ?? field);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      title="新建优惠券"
      width={680}
      open={open}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()}>
            创建
          </Button>
        </Space>
      }
    >
      <Form<TemplateFormValues>
        form={form}
        name="coupon-create"
        layout="vertical"
        onFinish={submit}
        scrollToFirstError
        initialValues={{
          kind: 'amount',
          stock: 1000,
          perMemberLimit: 1,
          validity: 'days',
          validDays: 30,
          issuerType: 'alliance',
          usableAt: 'alliance',
          audience: 'all',
          flags: [],
        }}
      >
        <TemplateFields session={session} merchants={merchants} tiers={tiers} />
      </Form>
    </Drawer>
  );
}
