import { createHash } from 'node:crypto';

/** The images the console may upload: the type comes from the bytes, never from the client's word. */
export const IMAGE_TYPES = [
  { ext: 'png', contentType: 'image/png', magic: (b: Buffer) => b.subarray(0, 8).equals(PNG) },
  {
    ext: 'jpg',
    contentType: 'image/jpeg',
    magic: (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    ext: 'webp',
    contentType: 'image/webp',
    magic: (b: Buffer) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
] as const;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Where the API serves uploads; an item's imageUrl must be one of these (no hotlinking, CSP img-src 'self'). */
export const UPLOADS_PATH = '/api/v1/uploads';

/** An uploaded file's name: its SHA-256 and type, so a name never changes content (cached forever). */
export const IMAGE_NAME = /^[0-9a-f]{64}\.(png|jpg|webp)$/;
export const IMAGE_URL = new RegExp(`^${UPLOADS_PATH}/[0-9a-f]{64}\\.(png|jpg|webp)$`);

export function imageTypeOf(bytes: Buffer) {
  return IMAGE_TYPES.find((t) => t.magic(bytes)) ?? null;
}

export function contentName(bytes: Buffer, ext: string): string {
  return `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
}

export function contentTypeOfName(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return IMAGE_TYPES.find((t) => t.ext === ext)?.contentType ?? 'application/octet-stream';
}
