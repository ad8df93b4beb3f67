import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createSecretKey, KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '@allycard/contracts';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig, deriveKey } from './config';
import { DomainError } from './errors';

/** Who is calling, taken only from a verified token, never from the body. */
export interface Principal {
  role: Role;
  /** member id or staff account id */
  id: string;
  allianceId: string;
  /** the staff's merchant; absent for members and alliance admins */
  merchantId?: string;
  /** staff only: the account's token version when the token was issued */
  tokenVersion?: number;
}

/** Roles that log in with a password (staff accounts); their tokens are checked against the account. */
export const PASSWORD_ROLES: Role[] = ['clerk', 'merchant_admin', 'alliance_admin'];

const DAY_S = 24 * 60 * 60;
/** Seconds. Staff tokens are short: a stolen one is worth little, and the refresh token renews it. */
export const TOKEN_LIFETIME_S: Record<Role, number> = {
  member: 30 * DAY_S,
  clerk: 30 * 60,
  merchant_admin: 30 * 60,
  alliance_admin: 30 * 60,
};

/**
 * Whether a staff token is still good: the account exists, is not disabled and its token version is
 * the token's. The staff module answers it (one primary-key read per request, so a disable works at
 * once on every replica).
 */
export abstract class StaffSessions {
  abstract isCurrent(accountId: string, tokenVersion: number): Promise<boolean>;
}

/**
 * Whether a member token's account is still open (closed accounts: DELETE /me). The members module
 * answers, and keeps the row it read for the request's handler.
 */
export abstract class MemberSessions {
  abstract isOpen(who: Principal): Promise<boolean>;
}

@Injectable()
export class TokenService {
  // A KeyObject: given a raw Buffer, jsonwebtoken first tries it as a public key (~50× slower).
  private readonly secret: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secret = createSecretKey(deriveKey(config, 'auth-token'));
  }

  issue(principal: Principal): string {
    return this.issueWithExpiry(principal).token;
  }

  /** The token and when it expires (its `exp`), for clients that renew it in time. */
  issueWithExpiry(principal: Principal, now = Date.now()): { token: string; expiresAt: Date } {
    const iat = Math.floor(now / 1000);
    const exp = iat + TOKEN_LIFETIME_S[principal.role];
    const payload = {
      sub: principal.id,
      role: principal.role,
      aid: principal.allianceId,
      mid: principal.merchantId,
      tv: principal.tokenVersion,
      iat,
      exp,
    };
    const token = this.jwt.sign(payload, {
      secret: this.secret as unknown as string, // jsonwebtoken accepts KeyObjects; the typings lag
      algorithm: 'HS256',
      issuer: 'allycard',
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  verify(token: string): Principal | null {
    try {
      const p = this.jwt.verify<{ sub: string; role: Role; aid: string; mid?: string; tv?: number }>(token, {
        secret: this.secret as unknown as string, // jsonwebtoken accepts KeyObjects; the typings lag
        algorithms: ['HS256'],
        issuer: 'allycard',
      });
      if (!p.sub || !p.role || !p.aid) return null;
      return {
        id: String(p.sub),
        role: p.role,
        allianceId: String(p.aid),
        merchantId: p.mid ? String(p.mid) : undefined,
        // Tokens from before token versions carry none: they are version 0 until the first bump.
        tokenVersion: typeof p.tv === 'number' ? p.tv : 0,
      };
    } catch {
      return null;
    }
  }
}

const ROLES_KEY = 'allycard:roles';
/** Routes without @Roles are public; with it, a valid token of one of these roles is required. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const STAFF_ROLES: Role[] = ['clerk', 'merchant_admin'];

export type AuthedRequest = Request & { principal?: Principal; principalChecked?: boolean };

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S{1,2048})$/i.exec(header);
  return match ? match[1] : '';
}

/** The verified principal of a request, verified once and remembered (the rate limiter asks too). */
export function principalOf(req: AuthedRequest, tokens: TokenService): Principal | null {
  if (req.principalChecked) return req.principal ?? null;
  const token = bearerToken(req);
  req.principal = (token ? tokens.verify(token) : null) ?? undefined;
  req.principalChecked = true;
  return req.principal ?? null;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly staffSessions: StaffSessions,
    private readonly memberSessions: MemberSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = principalOf(req, this.tokens);
    if (!principal) {
      throw new DomainError('UNAUTHENTICATED', 401, bearerToken(req) ? '登录已失效，请重新登录' : '请先登录');
    }
    // A disabled account's token, or one from before a password reset, is dead on any route.
    if (
      PASSWORD_ROLES.includes(principal.role) &&
      !(await this.staffSessions.isCurrent(principal.id, principal.tokenVersion ?? 0))
    ) {
      throw new DomainError('UNAUTHENTICATED', 401, '登录已失效，请重新登录');
    }
    if (principal.role === 'member' && !(await this.memberSessions.isOpen(principal)))
      throw new DomainError('UNAUTHENTICATED', 401, '会员已注销，请重新入会');
    if (!roles.includes(principal.role)) throw new DomainError('FORBIDDEN', 403, '没有权限访问');
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new DomainError('UNAUTHENTICATED', 401, '请先登录');
  return principal;
});
