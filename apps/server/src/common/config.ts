import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Configuration comes only from the environment (contract.md "Configuration"). Development gets safe
 * defaults; production refuses to start on any of them.
 */
export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  /** address to listen on: loopback outside production, every interface in production (containers) */
  host: string;
  /** where browsers reach this process; used in QR-code links and WeChat Pay's notify URL */
  publicUrl: string;
  /** Express's `trust proxy`: a hop count, true/false, or the addresses/subnets of trusted proxies */
  trustProxy: boolean | number | string[];
  database: { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string };
  wechat: {
    mode: 'sandbox' | 'live';
    appid: string;
    secret: string;
    /** base of the WeChat server API: api.weixin.qq.com live, this process's /sandbox otherwise */
    apiBase: string;
  };
  /** WeChat Pay v3 merchant credentials; in sandbox mode filled from the sandbox's generated keys */
  wechatPay?: PayKeys;
  /** sandbox mode: where the sandbox keeps its generated key material between starts */
  sandboxKeyFile?: string;
  /**
   * The sandbox's WeChat Pay redeliveries: WeChat's schedule (15 s, 15 s, 30 s, 3 min, … 6 h) times
   * this (SANDBOX_REDELIVERY_SCALE; default 1, and 0 = off under NODE_ENV=test; 0.001 for fault tests)
   */
  sandboxRedeliveryScale: number;
  /**
   * subscribe messages wait out 22:00–08:00 Asia/Shanghai (QUIET_HOURS=true, always in production);
   * QUIET_HOURS=false sends at once, for demos and browser tests that run at night
   */
  quietHours: boolean;
  /**
   * Whether this process's sandbox is the WeChat the server talks to (no WECHAT_API_BASE elsewhere):
   * only then does it resume the refunds and redeliveries its state file left under way
   */
  sandboxOwnsState: boolean;
  admin: { username: string; password: string };
  /** root secret: tokens, member-code MACs and phone encryption keys are derived from it */
  appSecret: string;
  seedDemo: boolean;
  /**
   * Redis for the rate-limit counters shared by replicas (REDIS_URL); absent: each process counts in
   * its own memory, as one process needs. `prefix` starts every key (several deployments on one Redis).
   */
  redis?: { url: string; prefix: string };
  /**
   * Prometheus metrics at GET /metrics (METRICS=off removes them). `token`: METRICS_TOKEN, the bearer
   * token a scrape must send; required in production, optional elsewhere (the dev server listens on
   * loopback and answers anyone without it).
   */
  metrics: { enabled: boolean; token?: string };
  /** readiness fails when the oldest due, undispatched outbox message has waited longer (READY_OUTBOX_LAG_S) */
  readyOutboxLagMs: number;
  /** SIGTERM: how long in-flight requests and running jobs get before the process exits anyway (SHUTDOWN_TIMEOUT_MS) */
  shutdownTimeoutMs: number;
  /** multiplies every rate limit (load tests); 1 in production */
  rateLimitScale: number;
  /** scheduled jobs (expiry, stale orders); off in tests, which run them with a chosen clock */
  jobs: boolean;
  /** a test-only crash point such as `after-commit:claim` (SIGKILL there); refused outside NODE_ENV=test */
  faultInject?: string;
  logLevel: string;
  /** folders of the built front ends that the one process serves */
  staticRoots: { miniappH5: string; console: string };
  /** where uploaded shelf images are kept (UPLOAD_DIR; a volume in containers) */
  uploadDir: string;
}

export interface PayKeys {
  appid: string;
  mchid: string;
  apiV3Key: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  publicKeyId?: string;
  publicKeyPem?: string;
  apiBase: string;
}

export const DEV_DEFAULTS = {
  adminUsername: 'admin',
  adminPassword: 'admin123',
  appSecret: 'allycard-development-secret-change-me',
  wechatAppid: 'wx_sandbox_appid',
  wechatSecret: 'sandbox_app_secret',
} as const;

export class ConfigError extends Error {}

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const production = nodeEnv === 'production';
  const problems: string[] = [];

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number, got "${env.PORT}"`);

  const databaseUrl = env.DATABASE_URL || (production ? '' : 'sqlite:./data/allycard.sqlite');
  let database: AppConfig['database'] = { kind: 'sqlite', file: ':memory:' };
  if (!databaseUrl) problems.push('DATABASE_URL is required in production');
  else if (databaseUrl.startsWith('sqlite:'))
    database = { kind: 'sqlite', file: databaseUrl.slice('sqlite:'.length) };
  else if (/^mysql:\/\//.test(databaseUrl)) database = { kind: 'mysql', url: databaseUrl };
  else problems.push('DATABASE_URL must start with sqlite: or mysql://');

  const mode = (env.WECHAT_MODE || (production ? 'live' : 'sandbox')) as AppConfig['wechat']['mode'];
  if (mode !== 'sandbox' && mode !== 'live') problems.push('WECHAT_MODE must be sandbox or live');
  if (production && mode === 'sandbox') problems.push('WECHAT_MODE=sandbox is not allowed in production');

  const appid = env.WECHAT_APPID || (mode === 'sandbox' ? DEV_DEFAULTS.wechatAppid : '');
  const secret = env.WECHAT_SECRET || (mode === 'sandbox' ? DEV_DEFAULTS.wechatSecret : '');
  if (mode === 'live' && (!appid || !secret))
    problems.push('WECHAT_APPID and WECHAT_SECRET are required when WECHAT_MODE=live');

  const admin = {
    username: env.ADMIN_USERNAME || DEV_DEFAULTS.adminUsername,
    password: env.ADMIN_PASSWORD || DEV_DEFAULTS.adminPassword,
  };
  const appSecret = env.APP_SECRET || DEV_DEFAULTS.appSecret;
  if (production) {
    if (admin.password === DEV_DEFAULTS.adminPassword || admin.password.length < 10)
      problems.push('ADMIN_PASSWORD must be set to a strong password (≥ 10 characters) in production');
    if (appSecret === DEV_DEFAULTS.appSecret || appSecret.length < 32)
      problems.push('APP_SECRET must be set to a random secret of ≥ 32 characters in production');
  }

  const host = env.HOST || (production ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = (env.PUBLIC_URL || `http://${urlHost(host, 'localhost')}:${port}`).replace(/\/+$/, '');
  if (env.PUBLIC_URL && !/^https?:\/\/[^/]/.test(env.PUBLIC_URL))
    problems.push('PUBLIC_URL must be an http:// or https:// address');
  if (production && !publicUrl.startsWith('https://'))
    problems.push(
      'PUBLIC_URL must be set to the https:// address browsers and WeChat Pay reach in production',
    );
  const apiBase =
    env.WECHAT_API_BASE ||
    (mode === 'sandbox'
      ? `http://${urlHost(host, '127.0.0.1')}:${port}/sandbox`
      : 'https://api.weixin.qq.com');

  const seedDemo = parseFlag('SEED_DEMO', env.SEED_DEMO, !production, problems);
  // The demo has published passwords and alliance-paid promotions: never on a real deployment.
  if (production && seedDemo) problems.push('SEED_DEMO=true is not allowed in production');
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);

  let wechatPay: PayKeys | undefined;
  if (mode === 'live') {
    const readPem = (name: string) => {
      const inline = env[name];
      const file = env[`${name}_FILE`];
      if (inline) return inline.replace(/\\n/g, '\n');
      if (file) {
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          problems.push(`${name}_FILE cannot be read: ${file}`);
        }
      }
      return '';
    };
    const pay = {
      appid,
      mchid: env.WECHAT_PAY_MCHID ?? '',
      apiV3Key: env.WECHAT_PAY_APIV3_KEY ?? '',
      merchantSerial: env.WECHAT_PAY_SERIAL ?? '',
      merchantPrivateKeyPem: readPem('WECHAT_PAY_PRIVATE_KEY'),
      merchantPublicKeyPem: readPem('WECHAT_PAY_MERCHANT_CERT') || 'unused',
      publicKeyId: env.WECHAT_PAY_PUBLIC_KEY_ID || undefined,
      publicKeyPem: readPem('WECHAT_PAY_PUBLIC_KEY') || undefined,
      apiBase: (env.WECHAT_PAY_API_BASE || 'https://api.mch.weixin.qq.com').replace(/\/+$/, ''),
    };
    if (pay.mchid || pay.apiV3Key) {
      if (!pay.mchid || pay.apiV3Key.length !== 32 || !pay.merchantSerial || !pay.merchantPrivateKeyPem) {
        problems.push(
          'WeChat Pay needs WECHAT_PAY_MCHID, WECHAT_PAY_APIV3_KEY (32 characters), WECHAT_PAY_SERIAL and WECHAT_PAY_PRIVATE_KEY(_FILE)',
        );
      }
      if (pay.publicKeyId && !pay.publicKeyPem)
        problems.push('WECHAT_PAY_PUBLIC_KEY_ID needs WECHAT_PAY_PUBLIC_KEY(_FILE)');
      wechatPay = pay;
    }
  }

  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\/[^/]/.test(redisUrl))
    problems.push('REDIS_URL must be a redis:// or rediss:// address');

  const metricsEnabled = (env.METRICS ?? 'on') !== 'off';
  if (env.METRICS && env.METRICS !== 'on' && env.METRICS !== 'off')
    problems.push('METRICS must be on or off');
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken && metricsToken.length < 16)
    problems.push('METRICS_TOKEN must have at least 16 characters');
  if (production && metricsEnabled && !metricsToken)
    problems.push('METRICS_TOKEN is required in production (the token Prometheus sends), or METRICS=off');
  const readyOutboxLagS = Number(env.READY_OUTBOX_LAG_S ?? 300);
  if (!(readyOutboxLagS > 0)) problems.push('READY_OUTBOX_LAG_S must be a number of seconds above 0');
  const shutdownTimeoutMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs < 0)
    problems.push('SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds');

  const sandboxRedeliveryScale = Number(env.SANDBOX_REDELIVERY_SCALE ?? (nodeEnv === 'test' ? 0 : 1));
  if (!Number.isFinite(sandboxRedeliveryScale) || sandboxRedeliveryScale < 0)
    problems.push("SANDBOX_REDELIVERY_SCALE must be a number ≥ 0 (1 = WeChat's schedule, 0 = off)");

  const quietHours = parseFlag('QUIET_HOURS', env.QUIET_HOURS, true, problems);
  if (production && !quietHours) problems.push('QUIET_HOURS=false is not allowed in production');

  if (env.FAULT_INJECT && nodeEnv !== 'test')
    problems.push('FAULT_INJECT kills the process on purpose: it is allowed only with NODE_ENV=test');

  if (problems.length) throw new ConfigError('Invalid configuration:\n- ' + problems.join('\n- '));

  return {
    nodeEnv,
    production,
    port,
    host,
    publicUrl,
    trustProxy,
    database,
    wechat: { mode, appid, secret, apiBase: apiBase.replace(/\/+$/, '') },
    wechatPay,
    sandboxKeyFile:
      mode === 'sandbox'
        ? env.WECHAT_SANDBOX_KEY_FILE || (nodeEnv === 'test' ? undefined : './data/wechat-sandbox-keys.json')
        : undefined,
    sandboxRedeliveryScale,
    quietHours,
    sandboxOwnsState: !env.WECHAT_API_BASE,
    admin,
    appSecret,
    seedDemo,
    redis: redisUrl ? { url: redisUrl, prefix: env.REDIS_PREFIX || 'allycard:' } : undefined,
    metrics: { enabled: metricsEnabled, token: metricsToken },
    readyOutboxLagMs: readyOutboxLagS * 1000,
    shutdownTimeoutMs,
    rateLimitScale: production ? 1 : Math.max(1, Number(env.RATE_LIMIT_SCALE ?? 1) || 1),
    jobs: (env.JOBS ?? (nodeEnv === 'test' ? 'off' : 'on')) !== 'off',
    faultInject: env.FAULT_INJECT || undefined,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    staticRoots: {
      miniappH5: env.MINIAPP_H5_DIR || path.join(repoRoot, 'apps', 'miniapp', 'dist', 'h5'),
      console: env.CONSOLE_DIR || path.join(repoRoot, 'apps', 'console', 'dist'),
    },
    // tests never write into the checkout
    uploadDir:
      env.UPLOAD_DIR ||
      (nodeEnv === 'test' ? path.join(os.tmpdir(), `allycard-uploads-${process.pid}`) : './data/uploads'),
  };
}

function parseFlag(name: string, value: string | undefined, fallback: boolean, problems: string[]) {
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  problems.push(`${name} must be true or false, got "${value}"`);
  return fallback;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * What Express's `trust proxy` means, parsed here because Express reads a string such as "1" as an
 * address (0.0.0.1), which would make every client look like the ingress.
 */
function parseTrustProxy(value: string | undefined, problems: string[]): AppConfig['trustProxy'] {
  const raw = (value ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !PROXY_NAMES.includes(e) && !isAddressOrSubnet(e));
  if (bad.length)
    problems.push(
      `TRUST_PROXY must be a hop count, true, false or a list of addresses/subnets (or loopback, linklocal, uniquelocal); cannot read "${bad.join('", "')}"`,
    );
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (isIP(prefix) === family) return true; // a netmask such as 255.255.0.0
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The host part of a URL to this process: the wildcard and IPv4 loopback are reached as `fallback`. */
function urlHost(host: string, fallback: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '127.0.0.1') return fallback;
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** A purpose-bound key derived from the root secret, so one leaked purpose key exposes nothing else. */
export function deriveKey(config: AppConfig, purpose: string): Buffer {
  return createHash('sha256').update(`allycard|${purpose}|${config.appSecret}`).digest();
}

export const APP_CONFIG = Symbol('APP_CONFIG');
