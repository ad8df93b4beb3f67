import { Button, Popconfirm } from 'antd';
import { showError } from '../../lib/feedback';

/** 删除 on a row of the benefits' lists: asks first, removes, then reloads the list. */
export function RemoveRowButton({
  title,
  remove,
  reload,
}: {
  title: string;
  remove: () => Promise<unknown>;
  reload: () => Promise<unknown>;
}) {
  return (
    <Popconfirm
      title={title}
      onConfirm={async () => {
        try {
          await remove();
          await reload();
        } catch (error) {
          showError(error);
        }
      }}
    >
      <Button size="small" danger>
        删除
      </Button>
    </Popconfirm>
  );
}
