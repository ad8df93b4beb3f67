import { View } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { canScan } from '../platform';
import { digitsKeyboard } from '../platform/keyboard';

export interface CodeReaderProps {
  /** BEM block of the page ('verify', 'pickup'): class names of the scan and submit buttons */
  block: string;
  name: string;
  scanLabel: string;
  submitLabel: string;
  /** placeholder when the device can also scan, and when typing is the only way */
  placeholders: { withScan: string; typeOnly: string };
  value: string;
  onChange: (value: string) => void;
  onScan: () => void;
  onSubmit: () => void;
  loading: boolean;
  maxLength?: number;
  inputClassName?: string;
  confirmType?: 'done' | 'search';
}

/** The counter's code entry: a scan button where the device has a camera, and a field to type the digits. */
export function CodeReader(props: CodeReaderProps) {
  return (
    <View className="verify__reader">
      {canScan ? (
        <Button className={`${props.block}__scan`} type="primary" block onClick={props.onScan}>
          {props.scanLabel}
        </Button>
      ) : null}
      <View className="verify__manual">
        <Input
          className={`staff__input verify__input${props.inputClassName ? ` ${props.inputClassName}` : ''}`}
          name={props.name}
          {...digitsKeyboard}
          maxLength={props.maxLength}
          placeholder={canScan ? props.placeholders.withScan : props.placeholders.typeOnly}
          value={props.value}
          onChange={props.onChange}
          confirmType={props.confirmType ?? 'done'}
        />
        <Button
          className={`${props.block}__submit`}
          type="primary"
          fill={canScan ? 'outline' : undefined}
          loading={props.loading}
          onClick={props.onSubmit}
        >
          {props.submitLabel}
        </Button>
      </View>
    </View>
  );
}
