import { Button, Result, Table, Typography, type TableProps } from 'antd';
import type { CursorPages } from './useCursorPages';

interface Props<T> extends Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'> {
  pages: CursorPages<T>;
  /** the error state's title, when the first page failed */
  failedTitle: string;
  /** said under the last page, e.g. "已显示全部 3 位会员" */
  endText?: (count: number) => string;
}

/** A table over a cursor-paginated list: 加载更多 while there is more, an error state with 重试. */
export function CursorTable<T extends object>({ pages, failedTitle, endText, ...table }: Props<T>) {
  if (pages.failed)
    return (
      <Result
        status="error"
        title={failedTitle}
        extra={
          <Button type="primary" onClick={pages.reload}>
            重试
          </Button>
        }
      />
    );
  return (
    <>
      <Table<T>
        size="small"
        bordered
        {...table}
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
      />
      {pages.hasMore ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button loading={pages.loading} onClick={pages.loadMore}>
            加载更多
          </Button>
        </div>
      ) : (
        endText &&
        pages.items.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', margin: '12px 0 0' }}>
            {endText(pages.items.length)}
          </Typography.Paragraph>
        )
      )}
    </>
  );
}
