import type { StoreInput, StorePlace } from '@allycard/contracts';

/** What the store form edits: text as typed, the coordinates as one field. */
export interface StoreFormValues {
  name: string;
  address?: string;
  /** 「31.229546, 121.488167」 or as 高德's coordinate picker copies it, 「121.488167,31.229546」 */
  coordinates?: string;
  hoursText?: string;
  opensAt?: string;
  closesAt?: string;
  phone?: string;
}

const blankToNull = (text: string | undefined) => {
  const trimmed = text?.trim() ?? '';
  return trimmed ? trimmed : null;
};

/**
 * Two decimal numbers in either order: the one beyond ±90 can only be the longitude (every place in
 * China has a longitude above 73), otherwise latitude first. Null when it is not two numbers in range.
 */
export function parseCoordinates(text: string): { latitude: number; longitude: number } | null {
  const parts = text
    .trim()
    .split(/\s*[,，\s]\s*/)
    .filter(Boolean);
  if (parts.length !== 2 || !parts.every((p) => /^-?\d{1,3}(\.\d+)?$/.test(p))) return null;
  const [a, b] = parts.map(Number);
  const [latitude, longitude] = Math.abs(a) > 90 ? [b, a] : [a, b];
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { latitude, longitude };
}

/** The body of POST / PATCH …/stores: trimmed text, empty fields cleared (null). */
export function storeBody(values: StoreFormValues): StoreInput {
  const coordinates = blankToNull(values.coordinates);
  const place = coordinates ? parseCoordinates(coordinates) : null;
  return {
    name: values.name.trim(),
    address: blankToNull(values.address),
    latitude: place?.latitude ?? null,
    longitude: place?.longitude ?? null,
    hoursText: blankToNull(values.hoursText),
    opensAt: blankToNull(values.opensAt),
    closesAt: blankToNull(values.closesAt),
    phone: blankToNull(values.phone),
  };
}

export function coordinatesText(store: Pick<StorePlace, 'latitude' | 'longitude'>): string | null {
  return store.latitude === null || store.longitude === null ? null : `${store.latitude}, ${store.longitude}`;
}

/** A stored store as the form shows it. */
export function storeFormValues(store: StorePlace): StoreFormValues {
  return {
    name: store.name,
    address: store.address ?? '',
    coordinates: coordinatesText(store) ?? '',
    hoursText: store.hoursText ?? '',
    opensAt: store.opensAt ?? '',
    closesAt: store.closesAt ?? '',
    phone: store.phone ?? '',
  };
}

/** The server's field names on the form's: both coordinates are one field there. */
export function storeFormField(field: string): string {
  return field === 'latitude' || field === 'longitude' ? 'coordinates' : field;
}
