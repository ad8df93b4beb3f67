import { Injectable, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';

/** Set once SIGTERM arrives: readiness answers 503 from then on, so load balancers stop sending. */
@Injectable()
export class ShutdownState {
  draining = false;
}

/**
 * SIGTERM (and SIGINT): stop accepting connections, let the requests in flight finish (idle keep-alive
 * connections are closed as they become idle), then run Nest's shutdown hooks — the job leases are
 * released, the database pool closed — and exit 0. Past `timeoutMs` the remaining connections are cut
 * and the process exits anyway. Nest's own enableShutdownHooks() would run the module hooks while the
 * server still accepts requests and then re-raise the signal (exit code 143), hence this handler.
 */
export function installGracefulShutdown(app: INestApplication, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.log(`${signal}: finishing requests in flight, then stopping`);
    app.get(ShutdownState).draining = true;
    const server = app.getHttpServer() as Server;
    // server.close() also closes connections as they become idle (app.factory.ts)
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      logger.warn(`requests still open after ${timeoutMs} ms: closing their connections`);
      server.closeAllConnections();
    }
    try {
      await app.close();
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).stack ?? error}`);
      process.exit(1);
    }
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
}
