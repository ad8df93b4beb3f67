import { Image, Text } from '@tarojs/components';
import { serverAsset } from '../../services/assets';

/**
 * A merchant's mark: the logo the alliance uploaded, or else its initial on its own colour. The
 * caller sizes it (`className`; `initialClassName` is added for the initial).
 */
export function MerchantMark(props: {
  name: string;
  logoUrl: string | null | undefined;
  colour: string;
  className: string;
  initialClassName: string;
}) {
  const { name, logoUrl, colour, className, initialClassName } = props;
  if (logoUrl) {
    return <Image className={className} src={serverAsset(logoUrl)} mode="aspectFill" aria-label={name} />;
  }
  return (
    <Text className={`${className} ${initialClassName}`} style={{ background: colour }} aria-hidden>
      {Array.from(name)[0] ?? '店'}
    </Text>
  );
}
