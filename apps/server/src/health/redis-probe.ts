import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../common/config';

/** A Redis connection of its own for the readiness check (REDIS_URL); none without Redis. */
@Injectable()
export class RedisProbe implements OnApplicationShutdown {
  private readonly redis: Redis | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redis
      ? new Redis(config.redis.url, {
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: 1000,
          connectTimeout: 1000,
          retryStrategy: (times) => Math.min(times * 200, 2000),
        })
      : null;
    // Connection errors are the readiness answer, not log noise.
    this.redis?.on('error', () => undefined);
    this.redis?.connect().catch(() => undefined);
  }

  get configured(): boolean {
    return this.redis !== null;
  }

  async ping(): Promise<void> {
    if (!this.redis) return;
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    const answer = await this.redis.ping();
    if (answer !== 'PONG') throw new Error(`Redis answered ${answer}`);
  }

  onApplicationShutdown() {
    this.redis?.disconnect();
  }
}
