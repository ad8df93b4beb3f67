/** What POST /admin/uploads takes; checked here first so a wrong file gets a word before it is sent. */
export const IMAGE_ACCEPT = 'image/png,image/jpeg,image/webp';
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** Why this file cannot be a shelf photo, or null when it may be uploaded (the server checks its bytes). */
export function imageFileProblem(file: { type: string; size: number }): string | null {
  if (!IMAGE_ACCEPT.split(',').includes(file.type)) return '只支持 PNG、JPG、WebP 图片';
  if (file.size > MAX_IMAGE_BYTES) return `图片不能超过 ${MAX_IMAGE_BYTES / 1024 / 1024} MB，请压缩后再传`;
  if (file.size === 0) return '图片是空的，请换一张';
  return null;
}
