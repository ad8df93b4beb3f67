import { API_BASE_URL } from '../platform/config';

/**
 * A server path such as an uploaded photo's `/api/v1/uploads/…` as the page can load it: the same
 * origin on h5, the API's origin on weapp (whose pages are not served by this server).
 */
export function serverAsset(pathOnServer: string): string {
  const origin = /^https?:\/\/[^/]+/.exec(API_BASE_URL)?.[0];
  return origin ? origin + pathOnServer : pathOnServer;
}
