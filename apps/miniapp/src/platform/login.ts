import Taro from '@tarojs/taro';
import { userError } from '../services/errors';

/** A fresh wx.login code (one use, 5 minutes): the server trades it for the openid. */
export async function getLoginCode(): Promise<string> {
  let code: string | undefined;
  try {
    ({ code } = await Taro.login());
  } catch {
    throw userError('微信登录失败，请稍后重试');
  }
  if (!code) throw userError('微信登录失败，请稍后重试');
  return code;
}
