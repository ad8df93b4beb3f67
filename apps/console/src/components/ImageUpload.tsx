import { DeleteOutlined, LoadingOutlined, PictureOutlined } from '@ant-design/icons';
import { Button, Image, Space, Upload } from 'antd';
import { useState } from 'react';
import { api } from '../api/admin';
import { showError, toast } from '../lib/feedback';
import { SHELF_IMAGE_TYPES, shelfImageProblem } from '@allycard/domain';

/**
 * A shelf photo: upload one (POST /admin/uploads), see it, replace or remove it. Works as an AntD form
 * control (value / onChange) and on its own (a table cell that saves on change).
 */
export function ImageUpload({
  value,
  onChange,
  size = 64,
  label = '上传图片',
}: {
  value?: string | null;
  onChange?: (url: string | null) => void | Promise<void>;
  size?: number;
  label?: string;
}) {
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    const problem = shelfImageProblem(file);
    if (problem) {
      toast.error(problem);
      return;
    }
    setBusy(true);
    try {
      const { url } = await api.uploadImage(file);
      await onChange?.(url);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space className="image-upload" align="center">
      {value ? (
        <Image
          src={value}
          width={size}
          height={size}
          style={{ objectFit: 'cover', borderRadius: 4 }}
          alt="商品图片"
        />
      ) : null}
      <Upload
        accept={SHELF_IMAGE_TYPES.join(',')}
        showUploadList={false}
        // the request is ours (with the session's token); AntD only picks the file
        beforeUpload={(file) => {
          void upload(file);
          return false;
        }}
      >
        <Button size="small" icon={busy ? <LoadingOutlined /> : <PictureOutlined />} disabled={busy}>
          {value ? '更换' : label}
        </Button>
      </Upload>
      {value ? (
        <Button
          size="small"
          type="text"
          danger
          aria-label="移除图片"
          icon={<DeleteOutlined />}
          disabled={busy}
          onClick={() => void onChange?.(null)}
        />
      ) : null}
    </Space>
  );
}
