import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in Redis, shared by every replica (@nest-lab/throttler-storage-redis counts).
 * Redis only ever limits: when it is down or slow, requests pass uncounted (fail open) with a warning,
 * and nothing that must be correct depends on it — stock, limits per member and every other rule are
 * the database's guarded updates.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis;
  private readonly counters: ThrottlerStorageRedisService;
  private failing = false;

  constructor(url: string, prefix: string) {
    this.redis = new Redis(url, {
      keyPrefix: prefix,
      // A request never waits for a Redis that is away: no queue while disconnected, a short timeout.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', (error) => this.warn(error));
    this.redis.on('ready', () => this.recovered());
    this.counters = new ThrottlerStorageRedisService(this.redis);
  }

  /** Gives Redis a moment to connect, so the first requests after a start are counted. */
  async onModuleInit() {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), this.redis.off('ready', done), resolve());
      const timer = setTimeout(done, 2000);
      this.redis.once('ready', done);
    });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    try {
      const record = await this.counters.increment(key, ttl, limit, blockDuration, throttlerName);
      this.recovered();
      return record;
    } catch (error) {
      this.warn(error as Error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  onModuleDestroy() {
    this.redis.disconnect();
  }

  private recovered() {
    if (this.failing) this.logger.log('Redis answers again: rate limits are enforced again');
    this.failing = false;
  }

  /** Once per outage, not once per request or reconnection attempt. */
  private warn(error: Error) {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`Redis unavailable, rate limits are not enforced until it answers: ${error.message}`);
  }
}
