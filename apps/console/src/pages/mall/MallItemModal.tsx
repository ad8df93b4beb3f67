import type { Merchant } from '@allycard/contracts';
import { Col, Form, Input, InputNumber, Modal, Radio, Row, Select } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import type { CouponTemplate, CreateMallItemBody, Fulfilment, AdminMallItem } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { ImageUpload } from '../../components/ImageUpload';
import { termsText } from '../coupons/couponText';

interface Values {
  title: string;
  description?: string;
  pointsPrice: number;
  stock: number;
  perMemberLimit: number;
  fulfilment: Fulfilment;
  merchantId?: string;
  couponTemplateId?: string;
  imageUrl?: string | null;
}

export function MallItemModal({
  open,
  merchants,
  templates,
  onClose,
  onCreated,
}: {
  open: boolean;
  merchants: Merchant[];
  templates: CouponTemplate[];
  onClose: () => void;
  onCreated: (item: AdminMallItem) => void;
}) {
  const [form] = Form.useForm<Values>();
  const fulfilment = Form.useWatch('fulfilment', form) ?? 'pickup';
  const [saving, setSaving] = useState(false);

  const create = async (v: Values) => {
    setSaving(true);
    try {
      const body: CreateMallItemBody = {
        title: v.title.trim(),
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        pointsPrice: v.pointsPrice,
        // Items with a cash part wait for WeChat Pay in the mall; points only for now.
        cashFen: 0,
        stock: v.stock,
        perMemberLimit: v.perMemberLimit,
        fulfilment: v.fulfilment,
        ...(v.fulfilment === 'pickup'
          ? { merchantId: v.merchantId }
          : { couponTemplateId: v.couponTemplateId }),
        ...(v.imageUrl ? { imageUrl: v.imageUrl } : {}),
      };
      const item = await api.createMallItem(body);
      toast.success(`已上架「${item.title}」`);
      form.resetFields();
      onCreated(item);
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title="新建积分商城商品"
      width={600}
      open={open}
      okText="创建并上架"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="mall-create"
        layout="vertical"
        onFinish={create}
        preserve={false}
        initialValues={{ fulfilment: 'pickup', stock: 100, perMemberLimit: 1 }}
      >
        <Form.Item
          name="title"
          label="商品名称"
          rules={[{ required: true, whitespace: true, max: 64, message: '请输入商品名称' }]}
        >
          <Input placeholder="如：手冲咖啡一杯" maxLength={64} />
        </Form.Item>
        <Form.Item name="description" label="说明" rules={[{ max: 255 }]}>
          <Input placeholder="可选" maxLength={255} />
        </Form.Item>
        <Form.Item
          name="imageUrl"
          label="商品图片"
          extra="PNG、JPG 或 WebP，不超过 2 MB；会员在积分商城看到它。"
        >
          <ImageUpload />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="pointsPrice"
              label="所需积分"
              rules={[{ required: true, message: '请输入积分' }]}
            >
              <InputNumber min={1} max={10_000_000} precision={0} addonAfter="分" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="stock" label="库存" rules={[{ required: true, message: '请输入库存' }]}>
              <InputNumber min={1} max={10_000_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="perMemberLimit"
              label="每人限兑"
              rules={[{ required: true, message: '请输入限兑数量' }]}
            >
              <InputNumber min={1} max={100} precision={0} addonAfter="件" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="fulfilment" label="兑换方式">
          <Radio.Group
            options={[
              { value: 'pickup', label: '到店自提（凭提货码）' },
              { value: 'coupon', label: '发放优惠券' },
            ]}
          />
        </Form.Item>
        {fulfilment === 'pickup' ? (
          <Form.Item
            name="merchantId"
            label="提货商户"
            rules={[{ required: true, message: '请选择提货商户' }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              placeholder="选择商户"
              options={merchants.map((m) => ({ value: m.id, label: m.name }))}
            />
          </Form.Item>
        ) : (
          <Form.Item
            name="couponTemplateId"
            label="发放的优惠券"
            extra="每兑换 1 件发 1 张；入会礼券不能用于兑换。"
            rules={[{ required: true, message: '请选择优惠券' }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              placeholder="选择优惠券"
              options={templates
                .filter((t) => !t.joinGift)
                .map((t) => ({ value: t.id, label: `${t.title}（${termsText(t)}）` }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
