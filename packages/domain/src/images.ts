/**
 * Shelf photos (mall items): what the server stores and the console lets an operator pick. The
 * console asks before sending; the server decides from the file's bytes (apps/server/src/uploads).
 */
export const SHELF_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** 2 MB: a product photo for a phone screen; bigger ones slow every mall page. */
export const SHELF_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

export const SHELF_IMAGE_TYPE_MESSAGE = '只支持 PNG、JPG、WebP 图片';

/** Why this file cannot be a shelf photo, or null when it may be uploaded. */
export function shelfImageProblem(file: { type: string; size: number }): string | null {
  if (!(SHELF_IMAGE_TYPES as readonly string[]).includes(file.type)) return SHELF_IMAGE_TYPE_MESSAGE;
  if (file.size > SHELF_IMAGE_MAX_BYTES)
    return `图片不能超过 ${SHELF_IMAGE_MAX_BYTES / 1024 / 1024} MB，请压缩后再传`;
  if (file.size === 0) return '图片是空的，请换一张';
  return null;
}
