import { wgs84ToGcj02, type LatLng } from '@allycard/domain';
import type * as weapp from './location';
import { LOCATION_REASON } from './location-reason';
import { requirePrivacy } from './privacy';

/**
 * h5: the browser's geolocation (after the same privacy sheet as weapp), converted from WGS-84 to
 * the stores' GCJ-02; null when the shopper declines, the browser has none, or it takes too long.
 */
export async function getShopperLocation(): Promise<LatLng | null> {
  if (typeof navigator === 'undefined' || !navigator.geolocation) return null;
  if (!(await requirePrivacy(LOCATION_REASON))) return null;
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve(wgs84ToGcj02({ latitude: position.coords.latitude, longitude: position.coords.longitude })),
      () => resolve(null),
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 60_000 },
    );
  });
}

/** h5: 高德's marker page (GCJ-02), which opens the 高德 app on a phone that has it. */
export function storeMapUrl(place: weapp.MapPlace): string {
  // position as 高德 documents it, longitude first, the comma left as is
  const query = [
    `position=${place.longitude},${place.latitude}`,
    `name=${encodeURIComponent(place.name)}`,
    'src=allycard',
    'coordinate=gaode',
    'callnative=1',
  ];
  return `https://uri.amap.com/marker?${query.join('&')}`;
}

/** h5: a plain link to 高德's marker page, in a new tab. */
export function StoreMapLink({ place, className }: weapp.StoreMapLinkProps) {
  return (
    <a
      className={className}
      href={storeMapUrl(place)}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`在地图上查看${place.name}`}
    >
      地图导航
    </a>
  );
}

getShopperLocation satisfies typeof weapp.getShopperLocation;
StoreMapLink satisfies typeof weapp.StoreMapLink;
