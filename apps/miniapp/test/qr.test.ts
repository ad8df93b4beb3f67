import qrcode from 'qrcode-generator';
import { qrDataUrl } from '../src/services/qr.h5';

/** The dark modules an SVG data URL draws, as "row,col" (its path has one square per module). */
function darkModules(url: string, margin = 2): Set<string> {
  const svg = decodeURIComponent(url.replace(/^data:image\/svg\+xml,/, ''));
  const d = /<path [^>]*d="([^"]*)"/.exec(svg)![1];
  return new Set(
    [...d.matchAll(/M(\d+),(\d+)l1,0 0,1 -1,0 0,-1z/g)].map(([, x, y]) => `${+y - margin},${+x - margin}`),
  );
}

describe('member QR (h5: SVG)', () => {
  it('draws exactly the modules of the symbol the weapp build draws as a GIF', () => {
    const code = '123400000000017';
    const qr = qrcode(0, 'M');
    qr.addData(code, 'Numeric');
    qr.make();
    const expected = new Set<string>();
    for (let r = 0; r < qr.getModuleCount(); r++)
      for (let c = 0; c < qr.getModuleCount(); c++) if (qr.isDark(r, c)) expected.add(`${r},${c}`);

    const url = qrDataUrl(code);
    expect(url).toMatch(/^data:image\/svg\+xml,/);
    expect(decodeURIComponent(url)).toContain(
      `viewBox="0 0 ${qr.getModuleCount() + 4} ${qr.getModuleCount() + 4}"`,
    );
    expect(darkModules(url)).toEqual(expected);
  });
});
