import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_PER_ACCOUNT_AND_IP = 5;
const MAX_PER_IP = 30;

/**
 * Strict limits on failed password logins: 5 failures per account and address, 30 per address, in a
 * sliding 15 minutes. Successful logins are not counted, so a busy store's shared Wi-Fi is not locked
 * out by its own staff. (In memory per replica; Redis when scaled out.)
 */
@Injectable()
export class LoginAttempts {
  private readonly failures = new Map<string, number[]>();

  assertAllowed(username: string, ip: string, now = Date.now()): void {
    if (
      this.recent(`u:${username.toLowerCase()}|${ip}`, now) >= MAX_PER_ACCOUNT_AND_IP ||
      this.recent(`ip:${ip}`, now) >= MAX_PER_IP
    ) {
      throw new DomainError('RATE_LIMITED', 429, '密码错误次数过多，请 15 分钟后再试');
    }
  }

  recordFailure(username: string, ip: string, now = Date.now()): void {
    for (const key of [`u:${username.toLowerCase()}|${ip}`, `ip:${ip}`]) {
      const list = this.failures.get(key) ?? [];
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 10_000) this.purge(now);
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(`u:${username.toLowerCase()}|${ip}`);
  }

  private recent(key: string, now: number): number {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list.length;
  }

  private purge(now: number) {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
