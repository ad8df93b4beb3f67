import { Alert, Button, Card, Form, Input, Select, Skeleton, Space, Switch, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import {
  MESSAGE_FIELD_LABELS,
  MESSAGE_FIELDS,
  MESSAGE_KIND_LABELS,
  MESSAGE_KINDS,
  type MessageKind,
} from '@allycard/domain';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { errorPath, toFormValues, toRequest, type TemplateFormValues } from './templateForm';

const KEYWORD_HINT = '微信模板的关键词，如 thing1、time2、number3';

function KindCard({ kind }: { kind: MessageKind }) {
  const options = MESSAGE_FIELDS[kind].map((f) => ({
    value: f,
    label: `${MESSAGE_FIELD_LABELS[f] ?? f}（${f}）`,
  }));
  return (
    <Card
      size="small"
      title={MESSAGE_KIND_LABELS[kind]}
      data-testid={`kind-${kind}`}
      extra={
        <Form.Item name={[kind, 'enabled']} valuePropName="checked" noStyle>
          <Switch
            checkedChildren="发送"
            unCheckedChildren="不发"
            aria-label={`${MESSAGE_KIND_LABELS[kind]} 是否发送`}
          />
        </Form.Item>
      }
    >
      <Form.Item noStyle shouldUpdate={(a, b) => a[kind]?.enabled !== b[kind]?.enabled}>
        {({ getFieldValue }) =>
          getFieldValue([kind, 'enabled']) ? (
            <>
              <Form.Item
                name={[kind, 'templateId']}
                label="模板 ID"
                rules={[
                  { required: true, whitespace: true, message: '请填写小程序后台「我的模板」中的模板 ID' },
                ]}
              >
                <Input placeholder="小程序后台 → 订阅消息 → 我的模板" maxLength={64} />
              </Form.Item>
              <Form.Item name={[kind, 'page']} label="打开页面">
                <Input placeholder="如 coupon/mine/index" maxLength={255} />
              </Form.Item>
              <Form.Item label="字段映射" tooltip={KEYWORD_HINT}>
                <Form.List name={[kind, 'fields']}>
                  {(rows, { add, remove }) => (
                    <Space direction="vertical" style={{ width: '100%' }}>
                      {rows.map((row) => (
                        <Space key={row.key} align="baseline">
                          <Form.Item name={[row.name, 'keyword']} noStyle>
                            <Input placeholder="thing1" style={{ width: 140 }} aria-label="模板关键词" />
                          </Form.Item>
                          <span>←</span>
                          <Form.Item name={[row.name, 'field']} style={{ marginBottom: 0 }}>
                            <Select
                              options={options}
                              style={{ width: 220 }}
                              placeholder="选择字段"
                              aria-label="填入的字段"
                            />
                          </Form.Item>
                          <MinusCircleOutlined aria-label="删除这一行" onClick={() => remove(row.name)} />
                        </Space>
                      ))}
                      <Button
                        type="dashed"
                        icon={<PlusOutlined />}
                        onClick={() => add({ keyword: '', field: undefined })}
                      >
                        添加关键词
                      </Button>
                    </Space>
                  )}
                </Form.List>
              </Form.Item>
            </>
          ) : (
            <Typography.Text type="secondary">未配置模板，不发送此类消息。</Typography.Text>
          )
        }
      </Form.Item>
    </Card>
  );
}

/** 消息模板: per kind of message, the WeChat template, the page it opens and which field fills each keyword. */
export default function MessageTemplatesPage() {
  const saved = useLoad(api.messageTemplates);
  const [form] = Form.useForm<TemplateFormValues>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (saved.data) form.setFieldsValue(toFormValues(saved.data.items));
  }, [saved.data, form]);

  const save = async () => {
    const values = form.getFieldsValue(true) as TemplateFormValues;
    setSaving(true);
    try {
      const answer = await api.setMessageTemplates(toRequest(values));
      saved.set(() => answer);
      toast.success('消息模板已保存');
    } catch (error) {
      showError(error, form, (field) => errorPath(field, values));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 820 }}>
      <Alert
        type="info"
        showIcon
        message="会员在小程序里同意接收后（每次同意可收一条），系统才会发送订阅消息；22:00–08:00 不发送，顺延到早上 8 点。"
      />
      {saved.loading && !saved.data ? (
        <Skeleton active />
      ) : (
        <Form form={form} name="message-templates" layout="horizontal" labelCol={{ span: 4 }} onFinish={save}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {MESSAGE_KINDS.map((kind) => (
              <KindCard key={kind} kind={kind} />
            ))}
            <Button type="primary" htmlType="submit" loading={saving}>
              保存
            </Button>
          </Space>
        </Form>
      )}
    </Space>
  );
}
