import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { checkAgainstDocument } from './api-document-check';
import { loadConfig } from '../src/common/config';
import { REPLICATED, startReplicatedTestApp } from './replicas';

export type DbKind = 'sqlite' | 'mysql';
export const TEST_DB: DbKind = process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  baseUrl: string;
  app: INestApplication;
  dataSource: DataSource;
  /** HTTP against /api/v1 of the running server */
  api: <T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ) => Promise<TestResponse<T>>;
  /** HTTP against the server root (sandbox, static files) */
  http: <T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ) => Promise<TestResponse<T>>;
  close: () => Promise<void>;
}

async function createMysqlDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.MYSQL_URL;
  if (!serverUrl)
    throw new Error('TEST_DB=mysql needs MYSQL_URL (global-setup starts MariaDB when it is missing)');
  const name = `allycard_t_${randomBytes(5).toString('hex')}`;
  const admin = new DataSource({ type: 'mysql', url: serverUrl });
  await admin.initialize();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.destroy();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const ds = new DataSource({ type: 'mysql', url: serverUrl });
      await ds.initialize();
      await ds.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await ds.destroy();
    },
  };
}

/** A fresh, empty database of TEST_DB's kind: its DATABASE_URL and how to remove it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (TEST_DB === 'mysql') return createMysqlDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-test-'));
  return {
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Boots the whole server on a fresh database and a random port, with the WeChat sandbox mounted:
 * tests talk to it over real HTTP, exactly like the mini-program does. With TEST_REPLICAS=2, two
 * server processes behind nginx instead (test/replicas.ts).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  /** modules added to the app (a probe listening to domain events) */
  modules: ModuleMetadata['imports'] = [],
): Promise<TestApp> {
  if (REPLICATED) return startReplicatedTestApp(env, modules);
  const { url: databaseUrl, drop: cleanup } = await createTestDatabase();

  // The port is only known after listen; the sandbox base URL is patched in right after.
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MINIAPP_H5_DIR: '/nonexistent',
    CONSOLE_DIR: '/nonexistent',
    ...env,
  });
  const app = await createApp(config, modules);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  config.port = address.port;
  config.publicUrl = baseUrl;
  config.wechat.apiBase = `${baseUrl}/sandbox`;

  const { http, api } = httpClient(baseUrl);
  return {
    baseUrl,
    app,
    dataSource: app.get(DataSource),
    http,
    api,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

/** Real HTTP to a running server, JSON in and out; `api` is under /api/v1. */
export function httpClient(baseUrl: string): Pick<TestApp, 'http' | 'api'> {
  const http: TestApp['http'] = async (method, urlPath, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    } else if (options.raw !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + urlPath, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    await checkAgainstDocument(baseUrl, method, urlPath, res.status, parsed, res.headers.get('content-type'));
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return { http, api: (method, urlPath, options) => http(method, '/api/v1' + urlPath, options) };
}
