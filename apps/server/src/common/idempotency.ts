import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  Type,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import { Column, Entity, EntityManager, LessThan } from 'typeorm';
import { AuthedRequest, Principal } from './auth';
import { APP_CONFIG, AppConfig } from './config';
import { DomainError, ReplayedResponse, validationFailed } from './errors';
import { toEnvelope } from './error-envelope.filter';
import { IdColumn } from '../database/columns';
import {
  RequestTransactionHook,
  TransactionRunner,
  currentTransactionHook,
  isUniqueViolation,
  withTransactionHook,
} from './transactions';

/** The actions an Idempotency-Key guards; each remembers what it created under its kind. */
export type IdempotentAction = 'claim' | 'mall-redeem' | 'order' | 'redemption' | 'refund' | 'points-adjust';

@Entity('idempotency_keys')
export class IdempotencyKey {
  @IdColumn()
  id: string;

  /** who sent it: role and id from the token, so keys of different callers never meet */
  @Column()
  scope: string;

  @Column()
  idemKey: string;

  @Column()
  requestHash: string;

  /** 'done' once the answer is stored; a committed 'pending' row's action committed without it */
  @Column({ type: 'varchar' })
  state: 'pending' | 'done';

  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'text', nullable: true })
  responseBody: string | null;

  /** what the action created, written in the action's own transaction (`rememberResult`) */
  @Column({ type: 'varchar', nullable: true })
  resultKind: IdempotentAction | null;

  @Column({ type: 'varchar', nullable: true })
  resultId: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

const IDEMPOTENT = 'allycard:idempotent';
/** Keys are kept a day: long enough for any client retry. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export interface IdempotentOptions {
  /** what the service remembers inside its transaction: `rememberResult(em, action, id)` */
  action: IdempotentAction;
  /** the answer rebuilt from that id, for a retry after the process died before storing its own */
  replay: (get: <T>(service: Type<T>) => T, who: Principal, id: string) => Promise<unknown>;
}

/** Marks a POST that creates coupon, points or money effects: `Idempotency-Key` replays it. */
export const Idempotent = (options: IdempotentOptions) =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: '1–64 characters; a retry with the same key and body replays the first answer',
    }),
  );

/**
 * Inside the action's transaction, records what it created, so the key's row names it even if the
 * process dies before the answer is stored. A no-op for requests without a key.
 */
export async function rememberResult(em: EntityManager, action: IdempotentAction, id: string): Promise<void> {
  const claim = currentTransactionHook();
  if (claim instanceof KeyClaim)
    await em.update(IdempotencyKey, claim.where, { resultKind: action, resultId: id });
}

/** The key was taken by a request whose transaction committed first. */
class KeyTaken extends Error {}

/**
 * The key's row, inserted as the first statement of the request's first transaction (see
 * TransactionRunner): it commits with the action or rolls back with it. Two requests with one key
 * serialise on the unique key (MySQL makes the second insert wait for the first transaction; SQLite
 * runs transactions one at a time); the loser's transaction rolls back and it replays the winner.
 */
class KeyClaim implements RequestTransactionHook {
  /** true once a transaction carrying the row has committed */
  held = false;

  constructor(
    readonly scope: string,
    readonly idemKey: string,
    readonly requestHash: string,
  ) {}

  get where() {
    return { scope: this.scope, idemKey: this.idemKey };
  }

  row(answer: Partial<IdempotencyKey> = {}): Partial<IdempotencyKey> {
    return {
      ...this.where,
      requestHash: this.requestHash,
      state: 'pending',
      responseStatus: null,
      responseBody: null,
      resultKind: null,
      resultId: null,
      createdAt: new Date(),
      ...answer,
    };
  }

  async begin(em: EntityManager) {
    if (this.held) return;
    try {
      await em.insert(IdempotencyKey, this.row());
    } catch (error) {
      if (isUniqueViolation(error, 'idem')) throw new KeyTaken('idempotency key taken');
      throw error;
    }
  }

  committed() {
    this.held = true;
  }
}

/**
 * A repeat of a request with the same key replays the first answer: the stored one, or — when the
 * first process died between its commit and storing the answer — one rebuilt from what the action
 * remembered. 4xx answers are stored too; a 5xx stores nothing, so a retry runs the action again
 * unless its transaction had committed.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly tx: TransactionRunner,
    private readonly refs: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.handle(context, next));
  }

  private async handle(context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest & Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const header = req.headers['idempotency-key'];
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, context.getHandler());
    if (header === undefined || !options) return lastValueFrom(next.handle(), { defaultValue: undefined });
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 64 || !/^[\x21-\x7e]+$/.test(key)) {
      throw validationFailed([
        { field: 'Idempotency-Key', message: 'must be 1–64 visible ASCII characters' },
      ]);
    }
    const scope = req.principal ? `${req.principal.role}:${req.principal.id}` : `anon:${req.ip}`;
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.originalUrl.split('?')[0]}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');
    // Nest sends the route's status after interceptors: the one the route declares, as Nest does.
    const routeStatus: number =
      this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const claim = new KeyClaim(scope, key, requestHash);
    const replay = async (): Promise<never> => {
      throw await this.replayed(await this.find(claim), claim, options, req.principal!, routeStatus, res);
    };

    if (await this.find(claim)) return replay();
    let body: unknown;
    try {
      body = await withTransactionHook(claim, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      );
    } catch (error) {
      if (error instanceof KeyTaken) return replay();
      const failure = toEnvelope(error);
      if (failure.status < 500 && !(await this.storeAnswer(claim, failure.status, failure.body)))
        return replay();
      throw error;
    }
    // Test-only crash point (FAULT_INJECT is refused outside NODE_ENV=test): committed, answer not stored.
    if (this.config.faultInject === `after-commit:${options.action}`) process.kill(process.pid, 'SIGKILL');
    if (!(await this.storeAnswer(claim, routeStatus, body))) return replay();
    return body;
  }

  /** The key's live row (an expired one is deleted: its key may be used again). */
  private async find(claim: KeyClaim): Promise<IdempotencyKey | null> {
    // Queued behind open transactions on SQLite (tx.single): there a plain read would see their uncommitted rows.
    const row = await this.tx.single((em) => em.findOneBy(IdempotencyKey, claim.where));
    if (!row || row.createdAt.getTime() > Date.now() - IDEMPOTENCY_TTL_MS) return row;
    await this.tx.single((em) =>
      em.delete(IdempotencyKey, {
        id: row.id,
        createdAt: LessThan(new Date(Date.now() - IDEMPOTENCY_TTL_MS)),
      }),
    );
    return null;
  }

  /** What a repeat gets: the stored answer, one rebuilt from the remembered result, or a 409. */
  private async replayed(
    row: IdempotencyKey | null,
    claim: KeyClaim,
    options: IdempotentOptions,
    who: Principal,
    routeStatus: number,
    res: Response,
  ): Promise<ReplayedResponse | DomainError> {
    if (row && row.requestHash !== claim.requestHash)
      return new DomainError('IDEMPOTENCY_CONFLICT', 409, '同一个 Idempotency-Key 不能用于不同的请求');
    let replayed: ReplayedResponse | null = null;
    if (row?.state === 'done')
      replayed = new ReplayedResponse(
        row.responseStatus ?? routeStatus,
        JSON.parse(row.responseBody ?? 'null'),
      );
    else if (row?.resultKind === options.action && row.resultId) {
      const get = <T>(service: Type<T>) => this.refs.get(service, { strict: false });
      replayed = new ReplayedResponse(routeStatus, await options.replay(get, who, row.resultId));
    }
    if (!replayed) return new DomainError('IDEMPOTENCY_CONFLICT', 409, '相同请求正在处理中，请稍后重试');
    res.setHeader('idempotent-replayed', 'true');
    return replayed;
  }

  /**
   * Stores the answer on the key's row, or inserts the row with it when no transaction of the request
   * carried one (it failed before its transaction). False when another request took the key first.
   */
  private async storeAnswer(claim: KeyClaim, status: number, body: unknown): Promise<boolean> {
    const answer = {
      state: 'done' as const,
      responseStatus: status,
      responseBody: JSON.stringify(body ?? null),
    };
    if (claim.held) {
      await this.tx.single((em) => em.update(IdempotencyKey, claim.where, answer));
      return true;
    }
    try {
      await this.tx.single((em) => em.insert(IdempotencyKey, claim.row(answer)));
      return true;
    } catch (error) {
      if (isUniqueViolation(error, 'idem')) return false;
      throw error;
    }
  }
}
