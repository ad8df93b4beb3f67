import { randomBytes } from 'node:crypto';

/** 128 random bits, url-safe: the shape of what wx.login and getPhoneNumber hand out. */
export function randomCode(): string {
  return randomBytes(16).toString('base64url');
}

export type TakeResult<V> = { status: 'ok'; value: V } | { status: 'used' } | { status: 'unknown' };

interface Entry<V> {
  value: V;
  expiresAt: number;
  used: boolean;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Single-use codes that expire. A used code is remembered until it would have expired, so a second
 * use can be told apart from a code that never existed (WeChat answers 40163 vs 40029).
 */
export class SingleUseCodes<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private nextSweepAt = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  issue(value: V): string {
    this.sweepIfDue();
    const code = randomCode();
    this.entries.set(code, { value, expiresAt: this.now() + this.ttlMs, used: false });
    return code;
  }

  take(code: string): TakeResult<V> {
    const entry = this.entries.get(code);
    if (!entry || this.now() >= entry.expiresAt) return { status: 'unknown' };
    if (entry.used) return { status: 'used' };
    entry.used = true;
    return { status: 'ok', value: entry.value };
  }

  get size(): number {
    return this.entries.size;
  }

  // Purging on insert, at most once a minute, keeps memory bounded by the codes issued within
  // ttl + 1 minute without a timer that would keep the process alive.
  private sweepIfDue(): void {
    const now = this.now();
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [code, entry] of this.entries) {
      if (now >= entry.expiresAt) this.entries.delete(code);
    }
  }
}
