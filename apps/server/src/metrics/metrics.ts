import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppConfig } from '../common/config';
import { OutboxService } from '../outbox/outbox.service';

/** Process metrics (CPU, memory, event loop, GC) once per process, whatever the number of apps in it (tests). */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export type JobOutcome = 'ok' | 'failed' | 'skipped';
export type WechatPayCall = 'jsapi' | 'query' | 'close' | 'refund' | 'query_refund' | 'notification';

/**
 * Prometheus metrics of one app: HTTP requests per route template, the outbox backlog (read from the
 * database when scraped), scheduled job runs and WeChat Pay call outcomes. Scraped at GET /metrics
 * (see `metricsHandler`).
 */
@Injectable()
export class Metrics {
  private readonly logger = new Logger(Metrics.name);
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'allycard_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status class (2xx, 4xx, 5xx …)',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'allycard_http_request_duration_seconds',
    help: 'Time from the request to the end of its answer, by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'allycard_job_runs_total',
    help: 'Scheduled job ticks: ok and failed ran here, skipped found the lease held by another replica',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly wechatPayCalls = new Counter({
    name: 'allycard_wechat_pay_calls_total',
    help: 'WeChat Pay calls by call and outcome (ok, rejected, unknown = no usable answer, refused notifications)',
    labelNames: ['call', 'outcome'] as const,
    registers: [this.registry],
  });

  private backlogRead: { at: number; value: ReturnType<OutboxService['backlog']> } | null = null;

  constructor(private readonly outbox: OutboxService) {
    const backlog = () => this.backlog();
    new Gauge({
      name: 'allycard_outbox_messages',
      help: 'Outbox messages waiting to be sent (pending) and given up after every retry (dead)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        if (!b) return this.reset();
        this.set({ status: 'pending' }, b.pending);
        this.set({ status: 'dead' }, b.dead);
      },
    });
    new Gauge({
      name: 'allycard_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest pending outbox message (0 when none is pending)',
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        this.set(b ? ageSeconds(b.oldestPendingAt) : NaN);
      },
    });
    new Gauge({
      name: 'allycard_outbox_lag_seconds',
      help: 'How long the oldest due outbox message has been due without being sent (the dispatcher lag)',
      registers: [this.registry],
      async collect() {
        const b = await backlog();
        this.set(b ? ageSeconds(b.oldestDueAt) : NaN);
      },
    });
  }

  /** One read of the outbox per scrape, shared by its gauges; null when the database cannot answer. */
  private async backlog() {
    if (!this.backlogRead || Date.now() - this.backlogRead.at > 1000)
      this.backlogRead = { at: Date.now(), value: this.outbox.backlog() };
    try {
      return await this.backlogRead.value;
    } catch (error) {
      this.logger.warn(`outbox metrics unavailable: ${(error as Error).message}`);
      return null;
    }
  }

  jobRun(job: string, outcome: JobOutcome) {
    this.jobRuns.inc({ job, outcome });
  }

  wechatPay(call: WechatPayCall, outcome: string) {
    this.wechatPayCalls.inc({ call, outcome });
  }

  /** Times every request; labelled after it is answered, when Express knows the matched route. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const labels = {
          method: req.method,
          route: routeOf(req),
          status_class: `${Math.floor(res.statusCode / 100)}xx`,
        };
        this.httpRequests.inc(labels);
        this.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      });
      next();
    };
  }

  async text(): Promise<string> {
    return (await processMetrics().metrics()) + (await this.registry.metrics());
  }
}

function ageSeconds(since: Date | null): number {
  return since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0;
}

/**
 * The route template (`/api/v1/orders/:id`), never the raw URL: ids and tokens would make a series per
 * request. What no route matched is one series per kind.
 */
export function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route?.path;
  const url = req.originalUrl ?? req.url;
  // Nest's catch-all middleware route (`{*path}`) is all an unmatched request has.
  if (typeof route === 'string' && !route.includes('{*')) {
    if (url.startsWith('/sandbox/')) return `/sandbox${route}`; // the sandbox's own router, mounted there
    return route;
  }
  if (url.startsWith('/api/docs')) return '/api/docs';
  if (url.startsWith('/api/')) return 'unmatched';
  if (url.startsWith('/sandbox/') || url === '/sandbox') return '/sandbox';
  if (url.startsWith('/console')) return '/console';
  return 'static';
}

/**
 * GET /metrics in Prometheus' text format. With METRICS_TOKEN set (always in production) a scrape
 * must send `Authorization: Bearer <token>`; otherwise 401 in the contract's envelope.
 */
export function metricsHandler(metrics: Metrics, config: AppConfig) {
  const expected = config.metrics.token ? Buffer.from(`Bearer ${config.metrics.token}`) : null;
  return async (req: Request, res: Response) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } });
        return;
      }
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(await metrics.text());
  };
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
