/**
 * 小程序码 scenes: WeChat allows at most 32 visible characters from [0-9a-zA-Z!#$&'()*+,/:;=?@-._~].
 * Ours are short random tokens that map to (merchant, store, campaign) on the server.
 */
export const SCENE_MAX_LENGTH = 32;
const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export function isValidScene(scene: string): boolean {
  return SCENE_PATTERN.test(scene);
}

/**
 * WeChat hands the scene to the page URI-encoded in `options.query.scene` (and sometimes encoded
 * twice by intermediaries); H5 links carry it plainly. Decode until stable.
 */
export function decodeScene(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let value = raw;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(value);
    } catch {
      break;
    }
    if (next === value) break;
    value = next;
  }
  return isValidScene(value) ? value : null;
}
