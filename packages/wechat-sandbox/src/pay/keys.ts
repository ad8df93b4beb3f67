import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import forge from 'node-forge';
import { randomAlphanumeric } from './crypto';

export type PlatformMode = 'certificate' | 'public_key';
export const PLATFORM_MODES: readonly PlatformMode[] = ['certificate', 'public_key'];

/** WeChat's documentation example merchant id, used when none is configured. */
export const DEFAULT_MCHID = '1900000109';

/** The throw-away key material of one sandbox merchant; what a keyFile holds. */
export interface PayKeyMaterial {
  apiV3Key: string;
  /** 40 upper-case hex characters: the serial of merchantCertificatePem. */
  merchantSerial: string;
  /** PKCS#8, as apiclient_key.pem. */
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  /** Self-signed apiclient_cert.pem (wechatpay-node-v3 reads the serial from it). */
  merchantCertificatePem: string;
  /** 40 upper-case hex characters: the serial of platformCertificatePem. */
  platformSerial: string;
  platformPrivateKeyPem: string;
  platformPublicKeyPem: string;
  /** Self-signed platform certificate over the platform public key. */
  platformCertificatePem: string;
  /** Id of the same platform key as a WeChat Pay public key: PUB_KEY_ID_ and digits. */
  publicKeyId: string;
}

/** The merchant credentials as the server takes them in sandbox mode, plus the platform side. */
export interface PayKeys extends PayKeyMaterial {
  appid: string;
  mchid: string;
  platformMode: PlatformMode;
  /** What Wechatpay-Serial carries now: platformSerial or publicKeyId, by platformMode. */
  wechatpaySerial: string;
}

const FIVE_YEARS_MS = 5 * 365 * 24 * 60 * 60 * 1000;
const KEY_FILE_FORMAT = 'allycard-wechat-pay-sandbox-keys';
const KEY_FILE_VERSION = 1;

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** 20 random bytes as a positive DER integer without a leading zero byte: 40 hex characters. */
function certificateSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = 0x10 + (bytes[0]! % 0x70);
  return bytes.toString('hex').toUpperCase();
}

function selfSignedCertificate(
  keys: { publicKeyPem: string; privateKeyPem: string },
  serial: string,
  subject: forge.pki.CertificateField[],
  now: number,
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + FIVE_YEARS_MS);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function digits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

/**
 * Fresh key material: two RSA-2048 key pairs (merchant, platform), their self-signed certificates,
 * an APIv3 key and a public key id. About a quarter of a second; share it where you can.
 */
export function generatePayKeyMaterial(options: { mchid?: string; now?: number } = {}): PayKeyMaterial {
  const now = options.now ?? Date.now();
  const mchid = options.mchid ?? DEFAULT_MCHID;
  const merchant = rsaKeyPair();
  const platform = rsaKeyPair();
  const merchantSerial = certificateSerial();
  const platformSerial = certificateSerial();
  return {
    apiV3Key: randomAlphanumeric(32),
    merchantSerial,
    merchantPrivateKeyPem: merchant.privateKeyPem,
    merchantPublicKeyPem: merchant.publicKeyPem,
    merchantCertificatePem: selfSignedCertificate(
      merchant,
      merchantSerial,
      [
        { name: 'commonName', value: mchid },
        { name: 'organizationalUnitName', value: 'allycard sandbox merchant' },
        { name: 'organizationName', value: 'WeChat Pay Sandbox' },
        { name: 'countryName', value: 'CN' },
      ],
      now,
    ),
    platformSerial,
    platformPrivateKeyPem: platform.privateKeyPem,
    platformPublicKeyPem: platform.publicKeyPem,
    platformCertificatePem: selfSignedCertificate(
      platform,
      platformSerial,
      [
        { name: 'commonName', value: 'Tenpay.com sign' },
        { name: 'organizationalUnitName', value: 'Tenpay.com CA Center' },
        { name: 'organizationName', value: 'Tenpay.com' },
        { name: 'localityName', value: 'Shenzhen' },
        { name: 'countryName', value: 'CN' },
      ],
      now,
    ),
    publicKeyId: `PUB_KEY_ID_01${mchid.replace(/\D/g, '').slice(0, 10).padEnd(10, '0')}${digits(18)}`,
  };
}

const MATERIAL_FIELDS: (keyof PayKeyMaterial)[] = [
  'apiV3Key',
  'merchantSerial',
  'merchantPrivateKeyPem',
  'merchantPublicKeyPem',
  'merchantCertificatePem',
  'platformSerial',
  'platformPrivateKeyPem',
  'platformPublicKeyPem',
  'platformCertificatePem',
  'publicKeyId',
];

function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/** Throws with the reason when the material is not internally consistent. */
export function checkPayKeyMaterial(value: unknown): PayKeyMaterial {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  const record = value as Record<string, unknown>;
  for (const field of MATERIAL_FIELDS) {
    if (typeof record[field] !== 'string' || record[field] === '') throw new Error(`${field} missing`);
  }
  const material = record as unknown as PayKeyMaterial;
  if (Buffer.byteLength(material.apiV3Key, 'utf8') !== 32) throw new Error('apiV3Key must be 32 bytes');
  if (!/^PUB_KEY_ID_\d+$/.test(material.publicKeyId))
    throw new Error('publicKeyId must be PUB_KEY_ID_ and digits');
  for (const side of ['merchant', 'platform'] as const) {
    const privateKey = createPrivateKey(material[`${side}PrivateKeyPem`]);
    const publicKey = createPublicKey(material[`${side}PublicKeyPem`]);
    const certificate = new X509Certificate(material[`${side}CertificatePem`]);
    if (!samePublicKey(createPublicKey(privateKey), publicKey)) throw new Error(`${side} key pair mismatch`);
    if (!samePublicKey(certificate.publicKey, publicKey)) throw new Error(`${side} certificate key mismatch`);
    if (certificate.serialNumber.toUpperCase() !== material[`${side}Serial`].toUpperCase()) {
      throw new Error(`${side}Serial does not match the certificate`);
    }
  }
  const picked = {} as Record<keyof PayKeyMaterial, string>;
  for (const field of MATERIAL_FIELDS) picked[field] = material[field];
  return picked;
}

/**
 * The material stored in keyFile, or fresh material written there (directories created, file
 * replaced atomically, mode 0600). A file that exists but is unusable is an error, not overwritten.
 */
export function loadOrCreateKeyFile(keyFile: string, generate: () => PayKeyMaterial): PayKeyMaterial {
  let text: string | undefined;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    try {
      const parsed = JSON.parse(text) as { format?: unknown; version?: unknown };
      if (parsed.format !== KEY_FILE_FORMAT || parsed.version !== KEY_FILE_VERSION) {
        throw new Error(`not a ${KEY_FILE_FORMAT} v${KEY_FILE_VERSION} file`);
      }
      return checkPayKeyMaterial(parsed);
    } catch (err) {
      throw new Error(
        `WeChat Pay sandbox key file ${keyFile} is unusable (${(err as Error).message}); delete it to generate new keys`,
      );
    }
  }
  const material = generate();
  mkdirSync(dirname(keyFile), { recursive: true });
  const temporary = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    `${JSON.stringify({ format: KEY_FILE_FORMAT, version: KEY_FILE_VERSION, ...material }, null, 2)}\n`,
    { mode: 0o600 },
  );
  renameSync(temporary, keyFile);
  return material;
}

export interface PayCredentialsOptions {
  appid: string;
  mchid?: string;
  keyFile?: string;
  keyMaterial?: PayKeyMaterial;
  platformMode?: PlatformMode;
  now: () => number;
}

/**
 * The sandbox merchant's credentials. Key material is made (or read from keyFile) on first use, so
 * a sandbox that never takes a payment never pays for RSA key generation.
 */
export class PayCredentials {
  readonly appid: string;
  readonly mchid: string;
  private mode: PlatformMode;
  private loaded?: {
    material: PayKeyMaterial;
    merchantPublicKey: KeyObject;
    platformPrivateKey: KeyObject;
    certificate: X509Certificate;
  };

  constructor(private readonly options: PayCredentialsOptions) {
    this.appid = options.appid;
    this.mchid = options.mchid ?? DEFAULT_MCHID;
    this.mode = options.platformMode ?? 'certificate';
  }

  get platformMode(): PlatformMode {
    return this.mode;
  }

  setPlatformMode(mode: PlatformMode): void {
    if (!PLATFORM_MODES.includes(mode)) throw new Error(`Unknown platform mode ${String(mode)}`);
    this.mode = mode;
  }

  get material(): PayKeyMaterial {
    return this.load().material;
  }

  get merchantPublicKey(): KeyObject {
    return this.load().merchantPublicKey;
  }

  get platformPrivateKey(): KeyObject {
    return this.load().platformPrivateKey;
  }

  get platformCertificate(): X509Certificate {
    return this.load().certificate;
  }

  /** The Wechatpay-Serial of the current mode. */
  get wechatpaySerial(): string {
    const material = this.material;
    return this.mode === 'public_key' ? material.publicKeyId : material.platformSerial;
  }

  keys(): PayKeys {
    return {
      appid: this.appid,
      mchid: this.mchid,
      ...this.material,
      platformMode: this.mode,
      wechatpaySerial: this.wechatpaySerial,
    };
  }

  private load(): NonNullable<PayCredentials['loaded']> {
    if (!this.loaded) {
      const generate = () => generatePayKeyMaterial({ mchid: this.mchid, now: this.options.now() });
      const material = this.options.keyMaterial
        ? checkPayKeyMaterial(this.options.keyMaterial)
        : this.options.keyFile
          ? loadOrCreateKeyFile(this.options.keyFile, generate)
          : generate();
      this.loaded = {
        material,
        merchantPublicKey: createPublicKey(material.merchantPublicKeyPem),
        platformPrivateKey: createPrivateKey(material.platformPrivateKeyPem),
        certificate: new X509Certificate(material.platformCertificatePem),
      };
    }
    return this.loaded;
  }
}
