import Taro from '@tarojs/taro';
import { decodeScene } from '@allycard/domain';

/** weapp scans with the camera; pages still offer typing the digits under the QR code. */
export const canScan: boolean = true;

/** The text of a scanned code, or null when the clerk closed the scanner. */
async function scanText(): Promise<string | null> {
  try {
    const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] });
    return result ? result.trim() : null;
  } catch {
    return null;
  }
}

/** A member code from the card page's QR code. */
export const scanMemberCode = scanText;
/** A pickup code from 我的兑换 (a QR code of its digits). */
export const scanPickupCode = scanText;

/**
 * A merchant's 小程序码 or QR code, scanned on the pay page: WeChat answers a 小程序码 with the page
 * path it opens (`pages/join/index?scene=…`), a plain QR code with its text. The scene, or null.
 */
export async function scanMerchantScene(): Promise<string | null> {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
    return sceneOfScan(res.path || res.result || '');
  } catch {
    return null;
  }
}

/** The `scene` query parameter of a scanned path or link (decoded), or null. */
export function sceneOfScan(text: string): string | null {
  const match = /[?&]scene=([^&#]+)/.exec(text);
  return decodeScene(match ? match[1] : null);
}
