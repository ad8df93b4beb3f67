import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role, StaffRole } from '@allycard/contracts';
import * as bcrypt from 'bcryptjs';
import { EntityManager, In, Repository } from 'typeorm';
import { Principal, StaffSessions, TokenService } from '../common/auth';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { MerchantsService } from '../merchants/merchants.service';
import { LoginAttempt, LoginAttempts, WARN_ATTEMPTS_LEFT } from './login-attempts';
import { RefreshTokens } from './refresh-tokens';
import { StaffAccount } from './staff-account.entity';
import { normalizeUsername, USERNAME_MAX } from './username';
import { isId } from '../common/ids';

const BCRYPT_ROUNDS = 10;
// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const DUMMY_HASH = bcrypt.hashSync('allycard-no-such-user', BCRYPT_ROUNDS);

/** One answer for every failed login; near the lock-out it says how many tries are left. */
const wrongCredentials = ({ attemptsLeft }: LoginAttempt) =>
  new DomainError(
    'UNAUTHENTICATED',
    401,
    attemptsLeft === 0
      ? '用户名或密码错误，错误次数已达上限，请 15 分钟后再试'
      : attemptsLeft <= WARN_ATTEMPTS_LEFT
        ? `用户名或密码错误，还可尝试 ${attemptsLeft} 次`
        : '用户名或密码错误',
    { attemptsLeft },
  );

/** What a login or a refresh hands out: a short access token and the refresh token that renews it. */
export interface StaffSession {
  token: string;
  expiresAt: Date;
  refreshToken: string;
}

@Injectable()
export class StaffService implements StaffSessions {
  constructor(
    @InjectRepository(StaffAccount) private readonly accounts: Repository<StaffAccount>,
    private readonly merchants: MerchantsService,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly refreshTokens: RefreshTokens,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * Password login for the given roles; the same answer for an unknown user, a wrong password, a
   * disabled account and a role that does not log in here.
   */
  async login(
    username: string,
    password: string,
    roles: Role[],
    ip: string,
  ): Promise<{ session: StaffSession; account: StaffAccount }> {
    const attempt = await this.attempts.begin(normalizeUsername(username), ip);
    const account = await this.accounts.findOneBy({ usernameNormalized: attempt.account });
    const ok = await bcrypt.compare(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok || account.disabledAt || !roles.includes(account.role))
      throw wrongCredentials(attempt);
    const session = await this.tx.run(async (em) => {
      await this.attempts.succeeded(em, attempt);
      return this.startSession(em, account);
    });
    return { session, account };
  }

  /** Exchanges a refresh token for a new pair; a disabled account or a bumped version cannot. */
  async refresh(refreshToken: string, roles: Role[]): Promise<StaffSession> {
    const now = new Date();
    // No throwing inside: the token's use (and a family revoked on reuse) must be committed.
    const session = await this.tx.run(async (em) => {
      const used = await this.refreshTokens.consume(em, refreshToken, now);
      if (!used.ok) return null;
      const account = await em.findOneBy(StaffAccount, { id: used.accountId });
      if (
        !account ||
        account.disabledAt ||
        account.tokenVersion !== used.tokenVersion ||
        !roles.includes(account.role)
      )
        return null;
      return this.startSession(em, account, { family: used.family, expiresAt: used.expiresAt }, now);
    });
    if (!session) throw new DomainError('UNAUTHENTICATED', 401, '登录已失效，请重新登录');
    return session;
  }

  /** StaffSessions: one primary-key read of two columns, on every staff request. */
  async isCurrent(accountId: string, tokenVersion: number): Promise<boolean> {
    const account = await this.accounts.findOne({
      select: { id: true, tokenVersion: true, disabledAt: true },
      where: { id: accountId },
    });
    return !!account && !account.disabledAt && account.tokenVersion === tokenVersion;
  }

  async createStaff(
    allianceId: string,
    merchantId: string,
    input: { username: string; password: string; role: StaffRole },
  ) {
    await this.merchants.get(allianceId, merchantId);
    return this.tx.run((em) => this.createAccount(em, { allianceId, merchantId, ...input }));
  }

  /**
   * Creates an account in the caller's transaction (the admin API, the configured admin and the
   * seed all come here); a username taken in any spelling is a 409.
   */
  async createAccount(
    em: EntityManager,
    input: {
      allianceId: string;
      merchantId: string | null;
      username: string;
      password: string;
      role: StaffAccount['role'];
    },
  ): Promise<StaffAccount> {
    const username = input.username.trim();
    const usernameNormalized = normalizeUsername(username);
    if (!usernameNormalized || usernameNormalized.length > USERNAME_MAX)
      throw validationFailed([
        { field: 'username', message: `username must be 1–${USERNAME_MAX} characters` },
      ]);
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_ROUNDS);
    try {
      return await em.save(
        em.create(StaffAccount, {
          allianceId: input.allianceId,
          merchantId: input.merchantId,
          username,
          usernameNormalized,
          passwordHash,
          role: input.role,
          disabledAt: null,
          tokenVersion: 0,
          createdAt: new Date(),
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'username'))
        throw new DomainError('CONFLICT', 409, '用户名已被占用', [{ field: 'username', message: 'taken' }]);
      throw error;
    }
  }

  /** Makes sure the configured alliance admin exists (first start, or a changed ADMIN_USERNAME). */
  async ensureAllianceAdmin(
    em: EntityManager,
    allianceId: string,
    username: string,
    password: string,
  ): Promise<StaffAccount> {
    const existing = await em.findOneBy(StaffAccount, { usernameNormalized: normalizeUsername(username) });
    if (existing) return existing;
    return this.createAccount(em, {
      allianceId,
      merchantId: null,
      username,
      password,
      role: 'alliance_admin',
    });
  }

  /** Usernames of the alliance's accounts by id (who did what, in the audit log). */
  async usernames(allianceId: string, ids: string[]): Promise<Map<string, string>> {
    const rows = ids.length ? await this.accounts.findBy({ allianceId, id: In(ids) }) : [];
    return new Map(rows.map((a) => [a.id, a.username]));
  }

  /** A merchant's staff; a merchant admin sees only its own merchant's (another is a 404). */
  async listForMerchant(who: Principal, merchantId: string): Promise<StaffAccount[]> {
    if (who.role === 'merchant_admin' && who.merchantId !== merchantId) throw notFound('商户');
    await this.merchants.get(who.allianceId, merchantId);
    return this.accounts.find({ where: { allianceId: who.allianceId, merchantId }, order: { id: 'ASC' } });
  }

  /** Disabling bumps the token version: the account's tokens and refresh tokens die at once. */
  setDisabled(who: Principal, accountId: string, disabled: boolean): Promise<StaffAccount> {
    return this.tx.run(async (em) => {
      const account = await this.manageable(em, who, accountId);
      const now = new Date();
      // Guarded: disabling twice bumps once, enabling an enabled account changes nothing.
      const qb = em.createQueryBuilder().update(StaffAccount).where('id = :id', { id: account.id });
      if (disabled)
        await qb
          .set({ disabledAt: now, tokenVersion: () => 'token_version + 1' })
          .andWhere('disabled_at IS NULL')
          .execute();
      else await qb.set({ disabledAt: null }).execute();
      return em.findOneByOrFail(StaffAccount, { id: account.id });
    });
  }

  /** Sets the password an admin chose; every session of the account ends, its lock-out too. */
  async resetPassword(who: Principal, accountId: string, password: string): Promise<StaffAccount> {
    const passwordHash = await bcrypt.hash(password, BCRYPT_ROUNDS);
    return this.tx.run(async (em) => {
      const account = await this.manageable(em, who, accountId);
      await em
        .createQueryBuilder()
        .update(StaffAccount)
        .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
        .where('id = :id', { id: account.id })
        .execute();
      await this.attempts.clearAccount(em, account.usernameNormalized);
      return em.findOneByOrFail(StaffAccount, { id: account.id });
    });
  }

  /**
   * The staff account `who` may manage: an alliance admin any merchant's staff of its alliance, a
   * merchant admin its own merchant's clerks. Alliance admins are managed by no one here (404).
   */
  private async manageable(em: EntityManager, who: Principal, accountId: string): Promise<StaffAccount> {
    const account = isId(accountId)
      ? await em.findOneBy(StaffAccount, { id: accountId, allianceId: who.allianceId })
      : null;
    if (!account || account.role === 'alliance_admin') throw notFound('员工账号');
    if (who.role === 'merchant_admin') {
      if (account.merchantId !== who.merchantId) throw notFound('员工账号');
      if (account.role !== 'clerk') throw new DomainError('FORBIDDEN', 403, '商户管理员只能管理本店店员账号');
    }
    return account;
  }

  private async startSession(
    em: EntityManager,
    account: StaffAccount,
    family?: { family: string; expiresAt: Date },
    now = new Date(),
  ): Promise<StaffSession> {
    const { token, expiresAt } = this.tokens.issueWithExpiry(
      {
        role: account.role,
        id: account.id,
        allianceId: account.allianceId,
        merchantId: account.merchantId ?? undefined,
        tokenVersion: account.tokenVersion,
      },
      now.getTime(),
    );
    const refreshToken = await this.refreshTokens.issue(
      em,
      { accountId: account.id, tokenVersion: account.tokenVersion, ...family },
      now,
    );
    return { token, expiresAt, refreshToken };
  }
}
