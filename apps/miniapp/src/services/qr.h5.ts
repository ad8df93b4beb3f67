import qrcode from 'qrcode-generator';
import type * as weapp from './qr';

/**
 * h5: the QR code as an SVG data URL, one unit per module, scaled by the browser with crisp edges. Drawing
 * the weapp build's GIF (8 px per module) takes ~80 ms of JavaScript on a desktop for every code, several
 * times that on a slow phone, right when the card first appears; the SVG takes well under 1 ms. The card's
 * pre-rendered shell (index.html, src/card-shell/shell.js) draws the first code the same way, so the
 * app's image is the shell's exactly. `_cellSize` is ignored: the image is sized by its CSS box.
 */
export function qrDataUrl(text: string, _cellSize = 8, margin = 2): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, /^\d+$/.test(text) ? 'Numeric' : 'Byte');
  qr.make();
  const svg = qr
    .createSvgTag({ cellSize: 1, margin, scalable: true })
    .replace('<path ', '<path shape-rendering="crispEdges" ');
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

qrDataUrl satisfies typeof weapp.qrDataUrl;
