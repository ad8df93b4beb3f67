// Draws the two tab-bar icons (member card, me) as tiny PNGs, grey and brand red:
//   node scripts/tab-icons.mjs   → src/assets/tabbar/*.png
// WeChat wants PNG tab icons (no SVG, ≤ 40 KB each); these are about 1 KB.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 81; // WeChat recommends 81 × 81 px
const SAMPLES = 4; // supersampling per axis for smooth edges
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/assets/tabbar');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(alpha, [r, g, b]) {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const o = y * (SIZE * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round(alpha[y * SIZE + x] * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
function rasterise(inside) {
  const alpha = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (inside(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)) hits++;
        }
      }
      alpha[y * SIZE + x] = hits / (SAMPLES * SAMPLES);
    }
  }
  return alpha;
}
function roundedRect(px, py, x0, y0, x1, y1, radius) {
  const cx = Math.min(Math.max(px, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(py, y0 + radius), y1 - radius);
  return (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2 && px >= x0 && px <= x1 && py >= y0 && py <= y1;
}
const STROKE = 5;

// A bank-card outline with its magnetic stripe.
const card = rasterise((x, y) => {
  const outer = roundedRect(x, y, 10, 19, 71, 62, 8);
  const inner = roundedRect(x, y, 10 + STROKE, 19 + STROKE, 71 - STROKE, 62 - STROKE, 4);
  const stripe = y >= 30 && y <= 36 && x >= 10 && x <= 71;
  const chip = roundedRect(x, y, 19, 45, 33, 52, 2);
  return (outer && !inner) || (outer && stripe) || chip;
});

// A person: head and shoulders.
const me = rasterise((x, y) => {
  const head = Math.hypot(x - 40.5, y - 27) <= 13 && Math.hypot(x - 40.5, y - 27) >= 13 - STROKE;
  const dx = (x - 40.5) / 24;
  const dy = (y - 67) / 22;
  const shoulderOuter = dx * dx + dy * dy <= 1 && y <= 67;
  const ix = (x - 40.5) / (24 - STROKE);
  const iy = (y - 67) / (22 - STROKE);
  const shoulderInner = ix * ix + iy * iy <= 1;
  const base = y >= 62 && y <= 67 && Math.abs(x - 40.5) <= 24;
  return head || (shoulderOuter && !shoulderInner) || (shoulderOuter && base);
});

const GREY = [0x8a, 0x8f, 0x99];
const RED = [0xe8, 0x32, 0x2b];
mkdirSync(out, { recursive: true });
for (const [name, alpha] of Object.entries({ card, me })) {
  writeFileSync(join(out, `${name}.png`), png(alpha, GREY));
  writeFileSync(join(out, `${name}-active.png`), png(alpha, RED));
}
console.log('tab icons written to', out);
