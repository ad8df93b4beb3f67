import Taro from '@tarojs/taro';
import { Text } from '@tarojs/components';
import type { LatLng } from '@allycard/domain';
import { LOCATION_REASON } from './location-reason';
import { requirePrivacy } from './privacy';

/**
 * weapp: where the shopper is, in GCJ-02 like the stores (wx.getLocation type gcj02), after WeChat's
 * privacy check; null when the shopper declines or WeChat cannot tell.
 */
export async function getShopperLocation(): Promise<LatLng | null> {
  if (!(await requirePrivacy(LOCATION_REASON))) return null;
  try {
    const { latitude, longitude } = await Taro.getLocation({ type: 'gcj02' });
    return { latitude, longitude };
  } catch {
    return null;
  }
}

export interface MapPlace {
  name: string;
  address: string | null;
  latitude: number;
  longitude: number;
}

export interface StoreMapLinkProps {
  place: MapPlace;
  className?: string;
}

/** weapp: opens WeChat's own map with the store marked (wx.openLocation takes GCJ-02). */
export function StoreMapLink({ place, className }: StoreMapLinkProps) {
  return (
    <Text
      className={className}
      aria-label={`在地图上查看${place.name}`}
      onClick={() =>
        void Taro.openLocation({
          latitude: place.latitude,
          longitude: place.longitude,
          name: place.name,
          address: place.address ?? '',
          scale: 17,
        })
      }
    >
      地图导航
    </Text>
  );
}
