// A throwaway MariaDB for the run (scripts/mariadb.mjs: local binaries, a fresh temp dir, stopped
// even when this process dies) with an empty database for the server and a mysql2 pool on it.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { repoRoot } from './settings.js';

/** What scripts/mariadb.mjs's startMariaDB returns (its JSDoc). */
interface StartedMariaDB {
  url: string;
  pid: number;
  startMs: number;
  stop(): Promise<void>;
  /** the database's name on a running server (BENCH_MYSQL_URL) */
  database?: string;
}

export interface BenchDatabase {
  /** URL of the benchmark's database, for the server. */
  url: string;
  pid: number;
  startMs: number;
  version: string;
  /** The baselines' pool, as large as the server's. */
  pool: Pool;
  stop(): Promise<void>;
}

const DATABASE = 'allycard_bench';

/**
 * BENCH_MYSQL_URL: a running MariaDB (a shared machine's) instead of a throwaway one: the run gets
 * its own database on it, dropped at the end; MariaDB's CPU is then not measured (pid 0).
 */
async function onRunningServer(serverUrl: string): Promise<StartedMariaDB> {
  const t0 = Date.now();
  const name = `${DATABASE}_${Date.now().toString(36)}`;
  const conn = await mysql.createConnection({ uri: serverUrl });
  await conn.end();
  const url = new URL(serverUrl);
  url.pathname = '/';
  return {
    url: url.toString().replace(/\/$/, ''),
    pid: 0,
    startMs: Date.now() - t0,
    database: name,
    stop: async () => {
      const c = await mysql.createConnection({ uri: serverUrl });
      await c.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => c.end());
    },
  };
}

/** `bufferPool`: the throwaway server's InnoDB buffer pool (e.g. '2G'; scripts/mariadb.mjs's default when absent). */
export async function startDatabase(poolSize: number, bufferPool?: string): Promise<BenchDatabase> {
  if (process.env.BENCH_MYSQL_URL)
    return openDatabase(await onRunningServer(process.env.BENCH_MYSQL_URL), poolSize);
  const script = pathToFileURL(path.join(repoRoot, 'scripts', 'mariadb.mjs')).href;
  const { startMariaDB } = (await import(script)) as {
    startMariaDB: (options: { bufferPool?: string }) => Promise<StartedMariaDB>;
  };
  return openDatabase(await startMariaDB({ bufferPool }), poolSize);
}

async function openDatabase(db: StartedMariaDB, poolSize: number): Promise<BenchDatabase> {
  const database = db.database ?? DATABASE;
  try {
    const conn = await mysql.createConnection({ uri: db.url });
    await conn.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    const url = new URL(db.url);
    url.pathname = `/${database}`;
    // The server's settings (database.module.ts): UTC times, BIGINTs as strings.
    const pool = mysql.createPool({
      uri: url.toString(),
      connectionLimit: poolSize,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4_unicode_ci',
    });
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
    return {
      url: url.toString(),
      pid: db.pid,
      startMs: db.startMs,
      version: String(rows[0]?.version),
      pool,
      stop: async () => {
        await pool.end().catch(() => {});
        await db.stop();
      },
    };
  } catch (e) {
    await db.stop();
    throw e;
  }
}
