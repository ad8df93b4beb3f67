import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig, deriveKey } from './config';

/** Phone numbers are encrypted at rest (AES-256-GCM) and findable through a keyed hash. */
@Injectable()
export class PhoneCipher {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.encKey = deriveKey(config, 'phone-encryption');
    this.hashKey = deriveKey(config, 'phone-hash');
  }

  encrypt(phone: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      data.toString('base64'),
    ].join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, data] = stored.split('.');
    if (version !== 'v1') throw new Error('unknown phone ciphertext version');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }

  hash(phone: string): string {
    return createHmac('sha256', this.hashKey).update(phone).digest('hex');
  }
}

/** The MAC behind rotating member codes (packages/domain/member-code). */
@Injectable()
export class MemberCodeKey {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = deriveKey(config, 'member-code');
  }

  readonly mac = (message: string): Uint8Array => createHmac('sha256', this.key).update(message).digest();

  readonly equal = (a: string, b: string): boolean =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** n random decimal digits from a CSPRNG, without modulo bias. */
export function randomDigits(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const byte of randomBytes(n * 2)) {
      if (byte < 250 && out.length < n) out += String(byte % 10);
    }
  }
  return out;
}

/** URL-safe random token of `bytes` bytes. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
