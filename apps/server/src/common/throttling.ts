import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { AuthedRequest, principalOf, TokenService } from './auth';

const MINUTE = 60_000;

/**
 * Limits per minute. Authenticated routes count per member or staff account; login and join count
 * per client address, generous because a store's shoppers share one Wi-Fi address.
 */
export const RATE_LIMITS = {
  default: { limit: 300, ttl: MINUTE },
  login: { limit: 300, ttl: MINUTE },
  join: { limit: 600, ttl: MINUTE },
  /** one member claiming coupons */
  claim: { limit: 60, ttl: MINUTE },
  /** staff looking members up by code: a busy counter scans a few per minute, not hundreds */
  codeLookup: { limit: 120, ttl: MINUTE },
} as const;

@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthedRequest;
    const principal = principalOf(request, this.tokens);
    return principal ? `${principal.role}:${principal.id}` : `ip:${request.ip ?? 'unknown'}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    // Health checks from load balancers are not rate-limited.
    return context.switchToHttp().getRequest<Request>().path === '/api/v1/health';
  }
}
