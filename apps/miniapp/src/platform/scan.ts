import Taro from '@tarojs/taro';

/** weapp scans with the camera; pages still offer typing the digits under the QR code. */
export const canScan: boolean = true;

/** The text of a scanned member code, or null when the clerk closed the scanner. */
export async function scanMemberCode(): Promise<string | null> {
  try {
    const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] });
    return result ? result.trim() : null;
  } catch {
    return null;
  }
}
