import dayjs from 'dayjs';

/** ISO time → "2026-11-24 19:05" in the browser's zone (the operators are in China). */
export const formatTime = (iso: string | null | undefined) =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—';

export const formatDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '—');

/** The H5 build of the mini-program is served at / of the same origin; its join page takes the scene. */
export const h5JoinUrl = (scene: string) =>
  `${location.origin}/#/pages/join/index?scene=${encodeURIComponent(scene)}`;
