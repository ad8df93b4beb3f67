import { businessDate, businessDateTime, parseInstant } from '@allycard/domain';

/** ISO time → "2026-11-24 19:05" in the alliance's calendar (Asia/Shanghai), whatever the browser's zone. */
export const formatTime = (iso: string | null | undefined) => shanghai(iso, businessDateTime);

export const formatDate = (iso: string | null | undefined) => shanghai(iso, businessDate);

function shanghai(iso: string | null | undefined, format: (at: Date) => string): string {
  const at = iso ? parseInstant(iso) : null;
  return at ? format(at) : '—';
}

/** The H5 build of the mini-program is served at / of the same origin; its join page takes the scene. */
export const h5JoinUrl = (scene: string) =>
  `${location.origin}/#/pages/join/index?scene=${encodeURIComponent(scene)}`;

/** The last business day an exclusive end time covers: a grant until 2027-07-01 00:00 runs through 2027-06-30. */
export const formatLastDay = (endIso: string) => {
  const end = parseInstant(endIso);
  return end ? businessDate(new Date(end.getTime() - 1)) : '—';
};
