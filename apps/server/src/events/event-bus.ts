import { Global, Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { EntityManager } from 'typeorm';
import { afterCommit, isRunnerTransaction } from '../common/transactions';
import type { DomainEvent } from './domain-events';

type EventClass<E extends DomainEvent> = abstract new (...args: never[]) => E;
type Phase = 'in-transaction' | 'after-commit';

interface Subscription {
  event: EventClass<DomainEvent>;
  phase: Phase;
  method: string;
}

interface Listener {
  /** `Class.method`, the sort key */
  name: string;
  phase: Phase;
  handle: (event: DomainEvent, em?: EntityManager) => unknown;
}

/** Subscriptions declared by the decorators, by listener class. */
const declared = new Map<object, Subscription[]>();

function declare(target: object, subscription: Subscription): void {
  declared.set(target.constructor, [...(declared.get(target.constructor) ?? []), subscription]);
}

/**
 * Subscribes the method to `event` inside the emitting transaction: it gets the transaction's
 * EntityManager, and its writes commit or roll back with the emitter's; a throw fails the action.
 */
export function InTransaction<E extends DomainEvent>(event: EventClass<E>) {
  return <M extends (event: E, em: EntityManager) => Promise<void>>(
    target: object,
    method: string,
    _descriptor: TypedPropertyDescriptor<M>,
  ) => declare(target, { event, phase: 'in-transaction', method });
}

/**
 * Subscribes the method to `event` after the emitting transaction committed: never when it rolled
 * back, once however often it was retried. Errors are logged and never fail the emitting request.
 */
export function AfterCommit<E extends DomainEvent>(event: EventClass<E>) {
  return <M extends (event: E) => unknown>(
    target: object,
    method: string,
    _descriptor: TypedPropertyDescriptor<M>,
  ) => declare(target, { event, phase: 'after-commit', method });
}

/**
 * The one typed domain-event bus. Listeners are methods of providers marked with @InTransaction /
 * @AfterCommit, kept in a `<module>.listeners.ts` per module. The listeners of one event run one after
 * the other in the order of their `Class.method` names — fixed by the code, whatever order the
 * modules start in: the in-transaction ones during `publish`, the after-commit ones after the commit.
 */
@Injectable()
export class EventBus {
  private listeners?: Map<EventClass<DomainEvent>, Listener[]>;

  constructor(private readonly discovery: DiscoveryService) {}

  /** Publishes `event` in the transaction `em` (a TransactionRunner.run transaction). */
  async publish(em: EntityManager, event: DomainEvent): Promise<void> {
    if (!isRunnerTransaction(em))
      throw new Error(`${event.constructor.name} published outside a transaction`);
    const listeners = this.registry().get(event.constructor as EventClass<DomainEvent>) ?? [];
    for (const listener of listeners) {
      if (listener.phase === 'in-transaction') await listener.handle(event, em);
      else afterCommit(em, async () => void (await listener.handle(event)), listener.name);
    }
  }

  /** The listeners of every event, found once among the application's providers. */
  private registry(): Map<EventClass<DomainEvent>, Listener[]> {
    if (this.listeners) return this.listeners;
    const byEvent = new Map<EventClass<DomainEvent>, Listener[]>();
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | undefined;
      const subscriptions = instance ? declared.get(instance.constructor) : undefined;
      if (!instance || !subscriptions) continue;
      // Provided twice, its reactions would run twice.
      if (seen.has(instance.constructor))
        throw new Error(`${instance.constructor.name} is provided in more than one module`);
      seen.add(instance.constructor);
      for (const { event, phase, method } of subscriptions) {
        const list = byEvent.get(event) ?? [];
        list.push({
          name: `${instance.constructor.name}.${method}`,
          phase,
          handle: (e, em) => instance[method](e, ...(phase === 'in-transaction' ? [em] : [])),
        });
        byEvent.set(event, list);
      }
    }
    for (const list of byEvent.values())
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.listeners = byEvent;
    return byEvent;
  }
}

/** Global: every module publishes; listeners are found among all providers. */
@Global()
@Module({ imports: [DiscoveryModule], providers: [EventBus], exports: [EventBus] })
export class EventsModule {}
