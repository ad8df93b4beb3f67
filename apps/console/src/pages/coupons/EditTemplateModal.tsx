import { Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import type { CouponTemplate } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';

interface Values {
  title: string;
  description?: string;
  stock: number;
}

/** What may change after creation: title, description and stock (never below what was issued). */
export function EditTemplateModal({
  template,
  onClose,
  onSaved,
}: {
  template: CouponTemplate | null;
  onClose: () => void;
  onSaved: (template: CouponTemplate) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  const save = async (values: Values) => {
    if (!template) return;
    const patch: { title?: string; description?: string; stock?: number } = {};
    if (values.title.trim() !== template.title) patch.title = values.title.trim();
    if ((values.description ?? '') !== (template.description ?? ''))
      patch.description = values.description ?? '';
    if (values.stock !== template.stock) patch.stock = values.stock;
    if (!Object.keys(patch).length) return onClose();
    setSaving(true);
    try {
      const saved = await api.updateTemplate(template.id, patch);
      toast.success('已保存');
      onSaved(saved);
      onClose();
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={template ? `编辑优惠券 #${template.id}` : '编辑优惠券'}
      open={template !== null}
      okText="保存"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {template && (
        <Form
          key={template.id}
          form={form}
          name="coupon-edit"
          layout="vertical"
          onFinish={save}
          preserve={false}
          initialValues={{
            title: template.title,
            description: template.description ?? '',
            stock: template.stock,
          }}
        >
          <Form.Item name="title" label="券名称" rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="description" label="说明" rules={[{ max: 255 }]}>
            <Input.TextArea rows={2} maxLength={255} />
          </Form.Item>
          <Form.Item
            name="stock"
            label="库存（总发放量）"
            extra={`已发放 ${template.issued} 张，库存不能少于已发放数量`}
            rules={[{ required: true }]}
          >
            <InputNumber
              min={Math.max(1, template.issued)}
              max={10_000_000}
              precision={0}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
