import type { ModuleMetadata } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/common/config';
import { freePort, startServerProcess } from './faults/server-process';
import { createTestDatabase, httpClient, TestApp } from './harness';
import { startNginx } from './throwaway-services';

/** TEST_REPLICAS=2: every startTestApp() is two server processes behind nginx (the `replicas` group). */
export const REPLICATED = process.env.TEST_REPLICAS === '2';

export interface ReplicatedTestApp extends TestApp {
  /** the replicas' own addresses, past nginx: the in-process one first, then the child process */
  replicaUrls: string[];
}

/**
 * The same TestApp the specs know, but `api` goes through nginx to two replicas on one database and
 * one Redis (TEST_REDIS_URL): this process's app (so specs still reach `app` and `dataSource`) and a
 * server child process. WeChat is one sandbox, the in-process one: both replicas call it, the tests'
 * `/sandbox/…` requests go to it, and its notifications come back through nginx to either replica.
 */
export async function startReplicatedTestApp(
  env: Record<string, string> = {},
  modules: ModuleMetadata['imports'] = [],
): Promise<ReplicatedTestApp> {
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) throw new Error('TEST_REPLICAS=2 needs TEST_REDIS_URL (scripts/test.mjs replicas sets it)');
  const { url: databaseUrl, drop } = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-replicas-'));
  const lbPort = await freePort();
  const publicUrl = `http://127.0.0.1:${lbPort}`;
  const shared = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    // Each app's counters apart, as each spec's own app instance had them apart in memory.
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    WECHAT_SANDBOX_KEY_FILE: path.join(dir, 'wechat-keys.json'),
    PUBLIC_URL: publicUrl,
    ...env,
  };

  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MINIAPP_H5_DIR: '/nonexistent',
    CONSOLE_DIR: '/nonexistent',
    ...shared,
  });
  const app = await createApp(config, modules); // writes the sandbox keys the child process reads
  await app.listen(0, '127.0.0.1');
  const inProcessUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  config.wechat.apiBase = `${inProcessUrl}/sandbox`;

  const child = await startServerProcess({
    databaseUrl,
    env: { ...shared, WECHAT_API_BASE: config.wechat.apiBase },
  }).catch(async (e) => {
    await app.close();
    throw e;
  });
  const lb = await startNginx(lbPort, [new URL(inProcessUrl).host, `127.0.0.1:${child.port}`]);

  const viaLb = httpClient(publicUrl);
  const wechat = httpClient(inProcessUrl);
  return {
    baseUrl: publicUrl,
    replicaUrls: [inProcessUrl, child.baseUrl],
    app,
    dataSource: app.get(DataSource),
    api: viaLb.api,
    http: (method, p, o) =>
      p.startsWith('/sandbox/') ? wechat.http(method, p, o) : viaLb.http(method, p, o),
    close: async () => {
      await lb.stop();
      await child.kill('SIGTERM');
      await app.close();
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
