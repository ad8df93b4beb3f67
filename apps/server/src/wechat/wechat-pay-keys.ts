import { Logger } from '@nestjs/common';
import { createDecipheriv, createPublicKey, createVerify, KeyObject, X509Certificate } from 'node:crypto';
import type { PayKeys } from '../common/config';

const CERTIFICATE_REFRESH_MS = 60_000;

/** A platform certificate as GET /v3/certificates lists it (encrypted with the APIv3 key). */
export interface EncryptedCertificate {
  serial_no: string;
  encrypt_certificate: { ciphertext: string; nonce: string; associated_data?: string };
}

export class UndecryptableResource extends Error {}

/**
 * WeChat Pay's side of the signatures: the key a `Wechatpay-Serial` names — a platform certificate
 * (downloaded through `download`, at most once a minute for unknown serials, so forged serials
 * cannot cause a storm) or the WeChat Pay public key (PUB_KEY_ID_…) — the RSA-SHA256 check of a
 * signed message, and AES-256-GCM decryption with the APIv3 key.
 */
export class WechatPayKeys {
  private readonly logger = new Logger(WechatPayKeys.name);
  private readonly certificates = new Map<string, KeyObject>();
  private readonly publicKey?: KeyObject;
  private fetchedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly keys: PayKeys,
    private readonly download: () => Promise<EncryptedCertificate[] | null>,
  ) {
    if (keys.publicKeyPem) this.publicKey = createPublicKey(keys.publicKeyPem);
  }

  /** Whether `signature` is WeChat Pay's over `timestamp\nnonce\nbody\n` with the key `serial` names. */
  async isGenuine(serial: string, timestamp: string, nonce: string, body: string, signature: string) {
    const key = await this.keyFor(serial);
    if (!key) return false;
    return createVerify('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .verify(key, signature, 'base64');
  }

  /** AES-256-GCM with the APIv3 key; the last 16 bytes of the ciphertext are the tag, checked by final(). */
  decrypt(ciphertextB64: string, nonce: string, associatedData: string): string {
    try {
      const data = Buffer.from(ciphertextB64, 'base64');
      if (data.length < 17) throw new Error('too short');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(this.keys.apiV3Key, 'utf8'),
        Buffer.from(nonce, 'utf8'),
      );
      decipher.setAuthTag(data.subarray(data.length - 16));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new UndecryptableResource('resource does not decrypt (tampered or wrong key)');
    }
  }

  private async keyFor(serial: string): Promise<KeyObject | null> {
    if (serial.startsWith('PUB_KEY_ID_'))
      return serial === this.keys.publicKeyId && this.publicKey ? this.publicKey : null;
    if (!this.certificates.has(serial)) {
      // concurrent callers wait for the one download in flight
      if (!this.loading && Date.now() - this.fetchedAt > CERTIFICATE_REFRESH_MS) {
        this.fetchedAt = Date.now();
        this.loading = this.loadCertificates().finally(() => {
          this.loading = null;
        });
      }
      if (this.loading) await this.loading;
    }
    return this.certificates.get(serial) ?? null;
  }

  private async loadCertificates(): Promise<void> {
    const items = await this.download();
    if (!items) return;
    for (const item of items) {
      const c = item.encrypt_certificate;
      try {
        const pem = this.decrypt(c.ciphertext, c.nonce, c.associated_data ?? '');
        this.certificates.set(item.serial_no, new X509Certificate(pem).publicKey);
      } catch (error) {
        this.logger.warn(`platform certificate ${item.serial_no} unusable: ${(error as Error).message}`);
      }
    }
  }
}
