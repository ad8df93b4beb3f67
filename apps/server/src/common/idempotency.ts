import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import { Column, DataSource, Entity, LessThan } from 'typeorm';
import { AuthedRequest } from './auth';
import { DomainError, ReplayedResponse, validationFailed } from './errors';
import { toEnvelope } from './error-envelope.filter';
import { IdColumn } from '../database/columns';
import { TransactionRunner, isUniqueViolation } from './transactions';

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

  @Column({ type: 'varchar' })
  state: 'pending' | 'done';

  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

const IDEMPOTENT = 'allycard:idempotent';
/** Keys are kept a day: long enough for any client retry. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Marks a POST that creates coupon, points or money effects: `Idempotency-Key` replays it. */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: '1–64 characters; a retry with the same key and body replays the first answer',
    }),
  );

/**
 * The key is reserved (unique key on scope + key) before the action runs and the answer stored after,
 * so concurrent requests with one key cannot both act: the second sees the reservation and gets 409
 * while the first is in flight, the first answer once it is done. A crash in between leaves the key
 * reserved (409 until it expires) rather than risk running the action twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.handle(context, next));
  }

  private async handle(context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest & Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const header = req.headers['idempotency-key'];
    if (header === undefined || !this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) {
      return lastValueFrom(next.handle(), { defaultValue: undefined });
    }
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

    const existing = await this.reserve(scope, key, requestHash);
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new DomainError('IDEMPOTENCY_CONFLICT', 409, '同一个 Idempotency-Key 不能用于不同的请求');
      }
      if (existing.state === 'pending') {
        throw new DomainError('IDEMPOTENCY_CONFLICT', 409, '相同请求正在处理中，请稍后重试');
      }
      res.setHeader('idempotent-replayed', 'true');
      throw new ReplayedResponse(existing.responseStatus ?? 200, JSON.parse(existing.responseBody ?? 'null'));
    }

    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Nest applies the route's status after interceptors: compute the one it will send.
      const status = res.statusCode !== 200 ? res.statusCode : req.method === 'POST' ? 201 : 200;
      await this.complete(scope, key, status, body);
      return body;
    } catch (error) {
      const { status, body } = toEnvelope(error);
      if (status < 500) await this.complete(scope, key, status, body);
      else await this.release(scope, key);
      throw error;
    }
  }

  /** Null when this request reserved the key; the stored row when someone already had. */
  private async reserve(scope: string, idemKey: string, requestHash: string): Promise<IdempotencyKey | null> {
    const repo = this.dataSource.getRepository(IdempotencyKey);
    const now = new Date();
    try {
      await this.tx.run(async (em) => {
        // An expired key of this scope may be reused.
        await em.delete(IdempotencyKey, {
          scope,
          idemKey,
          createdAt: LessThan(new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
        });
        await em.insert(IdempotencyKey, {
          scope,
          idemKey,
          requestHash,
          state: 'pending',
          responseStatus: null,
          responseBody: null,
          createdAt: now,
        });
      });
      return null;
    } catch (error) {
      if (!isUniqueViolation(error, 'idem')) throw error;
      return repo.findOneByOrFail({ scope, idemKey });
    }
  }

  private complete(scope: string, idemKey: string, status: number, body: unknown) {
    return this.tx.run((em) =>
      em.update(
        IdempotencyKey,
        { scope, idemKey },
        { state: 'done', responseStatus: status, responseBody: JSON.stringify(body ?? null) },
      ),
    );
  }

  private release(scope: string, idemKey: string) {
    return this.tx.run((em) => em.delete(IdempotencyKey, { scope, idemKey, state: 'pending' }));
  }
}
