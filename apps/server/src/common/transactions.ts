import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** Thrown inside a transaction when a guarded update lost to a concurrent one: the action is retried. */
export class RetryableConflict extends Error {}

/**
 * Work that must commit together with a request's business action (its Idempotency-Key row): `begin`
 * runs first in every transaction of the request until one of them has committed.
 */
export interface RequestTransactionHook {
  begin(em: EntityManager): Promise<void>;
  committed(): void;
}

const requestHooks = new AsyncLocalStorage<RequestTransactionHook>();

/** Runs `fn` (a request's handler) with `hook` joining its transactions. */
export function withTransactionHook<T>(hook: RequestTransactionHook, fn: () => Promise<T>): Promise<T> {
  return requestHooks.run(hook, fn);
}

/** The hook of the request being handled, if any. */
export function currentTransactionHook(): RequestTransactionHook | undefined {
  return requestHooks.getStore();
}

type AfterCommit = { run: () => Promise<void> | void; label: string };

/** The after-commit callbacks of each running transaction attempt, by its EntityManager. */
const afterCommitQueues = new WeakMap<EntityManager, AfterCommit[]>();

/**
 * Runs `callback` once the transaction `em` belongs to has committed: never when it rolls back, once
 * when TransactionRunner retries it (each attempt collects its own). Its errors are logged, never
 * thrown: the business action has committed by then.
 */
export function afterCommit(em: EntityManager, run: AfterCommit['run'], label = 'after-commit'): void {
  const queue = afterCommitQueues.get(em);
  if (!queue) throw new Error('afterCommit needs the EntityManager of a TransactionRunner.run transaction');
  queue.push({ run, label });
}

/** True when `em` is a transaction that TransactionRunner.run opened. */
export function isRunnerTransaction(em: EntityManager): boolean {
  return afterCommitQueues.has(em);
}

/**
 * One database transaction per business action.
 *
 * SQLite has one connection per process, so two concurrent `transaction()` calls would nest and fail
 * ("cannot start a transaction within a transaction"): transactions are queued in process. MySQL runs
 * them concurrently and retries the whole action on a deadlock, which InnoDB resolves by killing one
 * side; guarded updates and unique keys keep the retried action correct. Both retry an action that
 * threw RetryableConflict. Callbacks registered with `afterCommit` run after the commit, outside the
 * SQLite queue (so they may open transactions of their own).
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const hook = requestHooks.getStore();
    const { result, committed } = await this.execute(async (em) => {
      const queue: AfterCommit[] = [];
      afterCommitQueues.set(em, queue);
      if (hook) await hook.begin(em);
      return { result: await work(em), committed: queue };
    });
    hook?.committed();
    for (const { run, label } of committed) {
      try {
        await run();
      } catch (error) {
        this.logger.error(`${label} failed after commit: ${(error as Error).stack ?? String(error)}`);
      }
    }
    return result;
  }

  /**
   * One statement on its own, without a transaction around it (MySQL commits it by itself, which
   * saves the START TRANSACTION and COMMIT round trips): no request hook joins it, nothing runs after
   * it. For a single write, or a read that must not see another transaction's uncommitted rows —
   * SQLite's one connection would otherwise run it inside whichever transaction is open, so there it
   * waits in the same queue.
   */
  single<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.queued(() => this.withRetry(() => work(this.dataSource.manager)));
  }

  private execute<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.queued(() => this.withRetry(() => this.dataSource.transaction(work)));
  }

  private queued<T>(run: () => Promise<T>): Promise<T> {
    if (!this.isSqlite) return run();
    const next = this.sqliteQueue.then(run);
    this.sqliteQueue = next.catch(() => undefined);
    return next;
  }

  private async withRetry<T>(run: () => Promise<T>, attempt = 1): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code =
        (error as { code?: string; driverError?: { code?: string } }).driverError?.code ??
        (error as { code?: string }).code;
      if (attempt < 5 && ((code && MYSQL_RETRYABLE.has(code)) || error instanceof RetryableConflict)) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
        return this.withRetry(run, attempt + 1);
      }
      throw error;
    }
  }
}

/** True when a write failed on the unique key whose name contains `keyName`. */
export function isUniqueViolation(error: unknown, keyName?: string): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string; message?: string } };
  const code = e.driverError?.code ?? e.code;
  const message = e.driverError?.message ?? e.message ?? '';
  const unique =
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(message);
  return unique && (!keyName || message.includes(keyName));
}

/** Reads made once per transaction: by its EntityManager, then a key naming what was read. */
const transactionReads = new WeakMap<EntityManager, Map<string, Promise<unknown>>>();

/**
 * `load`'s answer read once per transaction (`em`), for configuration that several effects of one
 * transaction need (an alliance's tier ladder, its points policy): a paid order's effects asked for
 * each twice. Outside a transaction (`em` undefined) it just loads. Code that writes what `key` names
 * calls `forgetRead` in the same transaction.
 */
export function readOnce<T>(em: EntityManager | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!em) return load();
  let reads = transactionReads.get(em);
  if (!reads) transactionReads.set(em, (reads = new Map()));
  let read = reads.get(key) as Promise<T> | undefined;
  if (!read) {
    read = load();
    reads.set(key, read);
    // a failed read is not remembered: the caller's next attempt reads again
    read.catch(() => reads.delete(key));
  }
  return read;
}

/** `key`'s remembered read in `em` is gone: the transaction has just changed it. */
export function forgetRead(em: EntityManager, key: string): void {
  transactionReads.get(em)?.delete(key);
}
