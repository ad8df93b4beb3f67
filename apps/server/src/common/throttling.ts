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
/** Multiplies every limit; RATE_LIMIT_SCALE exists for load tests and the OpenAPI fuzz test, never production. */
export const rateLimitScale = { value: 1 };
const perMinute = (limit: number) => ({ limit: () => limit * rateLimitScale.value, ttl: MINUTE });

export const RATE_LIMITS = {
  default: perMinute(300),
  login: perMinute(300),
  join: perMinute(600),
  /** one member claiming coupons */
  claim: perMinute(60),
  /** staff looking members up by code: a busy counter scans a few per minute, not hundreds */
  codeLookup: perMinute(120),
};

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
    // Health checks from load balancers and kubelets (/health, /health/live, /health/ready) are not rate-limited.
    return /^\/api\/v1\/health(\/|$)/.test(context.switchToHttp().getRequest<Request>().path);
  }
}
