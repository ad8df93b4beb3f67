import Taro from '@tarojs/taro';
import { ApiError, type Transport } from '@allycard/contracts';
import { takeEarlyAnswer } from '../platform/early-requests';

/** What a request that never got an HTTP answer (offline, DNS, timeout) becomes. */
export const NETWORK_ERROR_CODE = 'NETWORK_ERROR';
export const NETWORK_ERROR_MESSAGE = '网络不太顺畅，请稍后再试';

function parseBody(data: unknown): unknown {
  // weapp hands back the raw string when the body is not JSON; h5 gives null for an empty body.
  if (typeof data !== 'string') return data ?? null;
  if (data === '') return null;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** The contracts client's Transport over Taro.request: wx.request on weapp, fetch on h5. */
export const taroTransport: Transport = async ({ method, url, headers, body }) => {
  const early = await takeEarlyAnswer(method, url, headers);
  if (early) return { status: early.status, body: parseBody(early.body) };
  let res: { statusCode: number; data: unknown };
  try {
    res = await Taro.request({
      url,
      method,
      header: headers,
      data: body,
      dataType: 'json',
      responseType: 'text',
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR_CODE, NETWORK_ERROR_MESSAGE);
  }
  return { status: res.statusCode, body: parseBody(res.data) };
};
