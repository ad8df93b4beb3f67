import qrcode from 'qrcode-generator';

/**
 * A QR code as a GIF data URL, drawn on the phone: an <Image> shows it on weapp and h5 alike, and the
 * member code never leaves the device as an image request. Digit-only codes use numeric mode, which
 * keeps the symbol small enough for a quick scan.
 */
export function qrDataUrl(text: string, cellSize = 8, margin = 2): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, /^\d+$/.test(text) ? 'Numeric' : 'Byte');
  qr.make();
  return qr.createDataURL(cellSize, margin);
}
