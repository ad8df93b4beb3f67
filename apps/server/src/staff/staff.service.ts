import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role, StaffRole } from '@allycard/contracts';
import * as bcrypt from 'bcryptjs';
import { EntityManager, Repository } from 'typeorm';
import { Principal, TokenService } from '../common/auth';
import { DomainError } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { MerchantsService } from '../merchants/merchants.service';
import { LoginAttempts } from './login-attempts';
import { StaffAccount } from './staff-account.entity';

const BCRYPT_ROUNDS = 10;
// Compared against when the username is unknown, so timing does not reveal which usernames exist.
const DUMMY_HASH = bcrypt.hashSync('allycard-no-such-user', BCRYPT_ROUNDS);

@Injectable()
export class StaffService {
  constructor(
    @InjectRepository(StaffAccount) private readonly accounts: Repository<StaffAccount>,
    private readonly merchants: MerchantsService,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly tx: TransactionRunner,
  ) {}

  /** Password login for the given roles; the same answer for an unknown user and a wrong password. */
  async login(
    username: string,
    password: string,
    roles: Role[],
    ip: string,
  ): Promise<{ token: string; account: StaffAccount }> {
    this.attempts.assertAllowed(username, ip);
    const account = await this.accounts.findOneBy({ username });
    const ok = await bcrypt.compare(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok || !roles.includes(account.role)) {
      this.attempts.recordFailure(username, ip);
      throw new DomainError('UNAUTHENTICATED', 401, '用户名或密码错误');
    }
    this.attempts.recordSuccess(username, ip);
    const principal: Principal = {
      role: account.role,
      id: account.id,
      allianceId: account.allianceId,
      merchantId: account.merchantId ?? undefined,
    };
    return { token: this.tokens.issue(principal), account };
  }

  async createStaff(
    allianceId: string,
    merchantId: string,
    input: { username: string; password: string; role: StaffRole },
  ) {
    await this.merchants.get(allianceId, merchantId);
    return this.tx.run((em) => this.createAccount(em, { allianceId, merchantId, ...input }));
  }

  /** Creates an account in the caller's transaction; a taken username is a 409. */
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
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_ROUNDS);
    try {
      return await em.save(
        em.create(StaffAccount, {
          allianceId: input.allianceId,
          merchantId: input.merchantId,
          username: input.username,
          passwordHash,
          role: input.role,
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
  ): Promise<void> {
    const existing = await em.findOneBy(StaffAccount, { username });
    if (existing) return;
    await this.createAccount(em, {
      allianceId,
      merchantId: null,
      username,
      password,
      role: 'alliance_admin',
    });
  }

  listForMerchant(allianceId: string, merchantId: string): Promise<StaffAccount[]> {
    return this.accounts.find({ where: { allianceId, merchantId }, order: { id: 'ASC' } });
  }
}
