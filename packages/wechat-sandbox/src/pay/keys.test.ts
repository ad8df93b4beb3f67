import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWechatSandbox } from '../index';
import { APPID, PUBLIC_URL, SECRET } from '../test-support';
import { decryptResource } from './crypto';
import { checkPayKeyMaterial } from './keys';
import { payApp, sharedKeyMaterial, signed, wechatpaySignatureValid } from './test-support';

function spki(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

describe('generated key material', () => {
  it('is consistent: key pairs, certificates and serials match, and the shapes are WeChat’s', () => {
    const material = sharedKeyMaterial();
    expect(() => checkPayKeyMaterial(material)).not.toThrow();
    expect(material.apiV3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(material.merchantSerial).toMatch(/^[0-9A-F]{40}$/);
    expect(material.platformSerial).toMatch(/^[0-9A-F]{40}$/);
    expect(material.publicKeyId).toMatch(/^PUB_KEY_ID_\d{30}$/);
    expect(material.merchantPrivateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    const platform = new X509Certificate(material.platformCertificatePem);
    expect(platform.serialNumber).toBe(material.platformSerial);
    expect(platform.verify(platform.publicKey)).toBe(true);
    expect(platform.subject).toContain('CN=Tenpay.com sign');
    expect(new X509Certificate(material.merchantCertificatePem).serialNumber).toBe(material.merchantSerial);
    expect(createPublicKey(material.platformPublicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('is refused when tampered with', () => {
    const material = sharedKeyMaterial();
    expect(() => checkPayKeyMaterial({ ...material, platformSerial: material.merchantSerial })).toThrow(
      /platformSerial/,
    );
    expect(() =>
      checkPayKeyMaterial({ ...material, platformPublicKeyPem: material.merchantPublicKeyPem }),
    ).toThrow(/platform/);
    expect(() => checkPayKeyMaterial({ ...material, apiV3Key: 'short' })).toThrow(/apiV3Key/);
  });
});

describe('GET /v3/certificates', () => {
  it('gives the platform certificate encrypted with the APIv3 key', async () => {
    const pay = payApp();
    const res = await signed(pay, { method: 'GET', pathAndQuery: '/v3/certificates' });
    expect(res.status).toBe(200);
    expect(wechatpaySignatureValid(res.headers, res.text, pay.keys.platformPublicKeyPem)).toBe(true);
    expect(res.body).toEqual({
      data: [
        {
          serial_no: pay.keys.platformSerial,
          effective_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
          expire_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
          encrypt_certificate: {
            algorithm: 'AEAD_AES_256_GCM',
            nonce: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
            associated_data: 'certificate',
            ciphertext: expect.any(String),
          },
        },
      ],
    });
    const [entry] = res.body.data;
    const pem = decryptResource(pay.keys.apiV3Key, entry.encrypt_certificate);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const certificate = new X509Certificate(pem);
    expect(certificate.serialNumber).toBe(entry.serial_no);
    expect(spki(certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBe(
      spki(pay.keys.platformPublicKeyPem),
    );
    expect(Date.parse(entry.expire_time) - Date.parse(entry.effective_time)).toBeGreaterThan(
      4 * 365 * 86400e3,
    );
  });
});

describe('keyFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wechat-pay-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function sandboxWith(keyFile: string, mchid?: string) {
    return createWechatSandbox({
      appid: APPID,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      pay: { keyFile, ...(mchid ? { mchid } : {}) },
    });
  }

  it('is created (with its directories) on first use and reused on the next start', () => {
    const keyFile = join(dir, 'nested', 'deeper', 'wechat-pay.json');
    const first = sandboxWith(keyFile, '1230000109').pay.keys;
    const stored = JSON.parse(readFileSync(keyFile, 'utf8'));
    expect(stored).toMatchObject({
      format: 'allycard-wechat-pay-sandbox-keys',
      version: 1,
      apiV3Key: first.apiV3Key,
      merchantSerial: first.merchantSerial,
      platformSerial: first.platformSerial,
      publicKeyId: first.publicKeyId,
    });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const second = sandboxWith(keyFile, '1230000109').pay.keys;
    expect(second).toEqual(first);
    expect(second.mchid).toBe('1230000109');
  });

  it('is not made by a sandbox that never touches payments', () => {
    const keyFile = join(dir, 'untouched', 'wechat-pay.json');
    sandboxWith(keyFile);
    expect(() => statSync(keyFile)).toThrow();
  });

  it('is refused, not overwritten, when it is not a usable key file', () => {
    const keyFile = join(dir, 'broken.json');
    writeFileSync(keyFile, '{"format":"something-else"}');
    expect(() => sandboxWith(keyFile).pay.keys).toThrow(/broken\.json is unusable.*delete it/);
    expect(readFileSync(keyFile, 'utf8')).toBe('{"format":"something-else"}');
  });
});
