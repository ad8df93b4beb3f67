import { Alert, Button, Card, Form, Input, Popconfirm, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { PublishPolicyRequest } from '@allycard/contracts';
import { api } from '../../api/admin';
import { formatTime } from '../../lib/format';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';

const DOCUMENTS = [
  { key: 'terms', name: '用户协议', hint: undefined, rows: 6 },
  {
    key: 'privacy',
    name: '隐私政策',
    hint: '写明收集哪些信息（openid、昵称、手机号、生日、位置、消费记录）、用途、保存多久、商户能看到什么（仅脱敏手机号）。空一行分段。',
    rows: 8,
  },
] as const;

/**
 * 隐私与协议: the alliance's 用户协议 and 隐私政策. Publishing makes a new version; members who agreed
 * to an older one are asked again when they next open the mini-program.
 */
export default function PrivacyPolicyPage() {
  const current = useLoad(api.privacyPolicy);
  const [form] = Form.useForm<PublishPolicyRequest>();
  const [publishing, setPublishing] = useState(false);

  useEffect(() => {
    if (current.data) form.setFieldsValue({ terms: current.data.terms, privacy: current.data.privacy });
  }, [current.data, form]);

  const publish = async () => {
    const values = await form.validateFields();
    setPublishing(true);
    try {
      const saved = await api.publishPrivacyPolicy(values);
      current.set(() => saved);
      toast.success(`已发布第 ${saved.version} 版`);
    } catch (error) {
      showError(error, form);
    } finally {
      setPublishing(false);
    }
  };

  const required = (what: string) => [{ required: true, whitespace: true, message: `请填写${what}` }];

  return (
    <Card size="small" title="隐私与协议" style={{ maxWidth: 960 }}>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={
          current.data
            ? `当前第 ${current.data.version} 版，${formatTime(current.data.publishedAt)} 发布。发布新版本后，会员下次打开小程序时需重新阅读并同意。`
            : '还没有发布协议：发布前入会页面不显示协议，微信审核要求上线前提供隐私政策。'
        }
      />
      {current.loading && current.data === undefined ? (
        <Skeleton active />
      ) : (
        <Form form={form} name="privacy-policy" layout="vertical">
          {DOCUMENTS.map(({ key, name, hint, rows }) => (
            <div key={key}>
              <Form.Item
                name={[key, 'title']}
                label={`${name}标题`}
                rules={required('标题')}
                initialValue={name}
              >
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item name={[key, 'body']} label={`${name}正文`} rules={required('正文')} extra={hint}>
                <Input.TextArea autoSize={{ minRows: rows, maxRows: 24 }} maxLength={20000} showCount />
              </Form.Item>
            </div>
          ))}
          <Space>
            <Popconfirm
              title="发布新版本？"
              description="所有会员都需要重新同意。"
              okText="发布"
              cancelText="取消"
              onConfirm={() => void publish()}
            >
              <Button type="primary" loading={publishing}>
                发布新版本
              </Button>
            </Popconfirm>
            <Typography.Text type="secondary">已发布的版本不能修改，只能发布新版本。</Typography.Text>
          </Space>
        </Form>
      )}
    </Card>
  );
}
