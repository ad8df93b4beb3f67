import Taro from '@tarojs/taro';

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
