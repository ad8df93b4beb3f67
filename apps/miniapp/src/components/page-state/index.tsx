import { Button, Loading } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import './index.scss';

export type PageStatus = 'loading' | 'empty' | 'error';

export interface PageStateProps {
  status: PageStatus;
  title?: string;
  description?: string;
  actionText?: string;
  onAction?: () => void;
  /** inline: inside a section instead of filling the page */
  compact?: boolean;
}

const DEFAULT_TITLES: Record<PageStatus, string> = {
  loading: '加载中…',
  empty: '这里还空空的',
  error: '出了点小问题',
};

const MARKS: Record<Exclude<PageStatus, 'loading'>, string> = { empty: '○', error: '!' };

/** The loading, empty and error states every page has. */
export function PageState({ status, title, description, actionText, onAction, compact }: PageStateProps) {
  const className = `page-state page-state--${status}${compact ? ' page-state--compact' : ''}`;
  return (
    <View className={className} data-status={status}>
      {status === 'loading' ? (
        <Loading className="page-state__spinner" type="circular" />
      ) : (
        <View className="page-state__mark">{MARKS[status]}</View>
      )}
      <Text className="page-state__title">{title ?? DEFAULT_TITLES[status]}</Text>
      {description ? <Text className="page-state__description">{description}</Text> : null}
      {actionText && onAction ? (
        <Button className="page-state__action" type="primary" size="small" fill="outline" onClick={onAction}>
          {actionText}
        </Button>
      ) : null}
    </View>
  );
}

export default PageState;
