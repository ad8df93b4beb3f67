import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { migrations } from '../src/database/migrations';
import { Utf8mb41733443200000 } from '../src/database/migrations/1733443200000-utf8mb4';
import { factories } from './factories';
import { startTestApp, TEST_DB } from './harness';

/**
 * A MySQL/MariaDB server whose default character set is latin1: every table must still be utf8mb4
 * (Chinese names, and emoji, which utf8mb3 cannot hold either). MariaDB only.
 */
const onMysql = TEST_DB === 'mysql' ? describe : describe.skip;

onMysql('utf8mb4 on a latin1 server (mysql)', () => {
  let server: ChildProcess;
  let serverUrl: string;

  beforeAll(async () => {
    const script = path.resolve(__dirname, '../../../scripts/mariadb.mjs');
    server = spawn(
      process.execPath,
      [script, '--character-set-server=latin1', '--collation-server=latin1_swedish_ci'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    serverUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('mysql://'));
        if (line) resolve(line.trim());
      });
      server.once('exit', (code) => reject(new Error(`scripts/mariadb.mjs exited with ${code}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  const query = async (url: string, sql: string) => {
    const ds = new DataSource({ type: 'mysql', url });
    await ds.initialize();
    try {
      return await ds.query(sql);
    } finally {
      await ds.destroy();
    }
  };

  /** A new database on the latin1 server, in latin1 as the server's default would make it. */
  const latin1Database = async () => {
    const name = `latin1_${randomBytes(4).toString('hex')}`;
    await query(serverUrl, `CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };

  /** Tables and text columns of the database that are not utf8mb4, and the database's own default. */
  const notUtf8mb4 = (url: string) =>
    Promise.all([
      query(
        url,
        `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_COLLATION <> 'utf8mb4_unicode_ci'`,
      ),
      query(
        url,
        `SELECT TABLE_NAME AS name, COLUMN_NAME AS col FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME <> 'utf8mb4'`,
      ),
      query(
        url,
        `SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA
          WHERE SCHEMA_NAME = DATABASE()`,
      ),
    ]).then(([tables, columns, [schema]]) => ({ tables, columns, charset: schema.charset }));

  /** Starts the app on the database, joins a member and names it and a merchant in Chinese. */
  const joinInChinese = async (url: string) => {
    const t = await startTestApp({ DATABASE_URL: url });
    try {
      const f = factories(t);
      const merchant = await f.merchant('街角咖啡馆');
      const m = await f.member();
      const named = await t.api('PATCH', '/me', { token: m.token, body: { nickname: '小王☕😀' } });
      expect(named.status).toBe(200);
      expect((await t.api('GET', '/me', { token: m.token })).body.nickname).toBe('小王☕😀');
      const listed = (await t.api('GET', '/merchants', { token: m.token })).body as {
        id: string;
        name: string;
      }[];
      expect(listed.find((x) => x.id === merchant.id)?.name).toBe('街角咖啡馆');
      // The connection speaks utf8mb4 too, whatever the server's default.
      expect(
        await t.dataSource.query(
          'SELECT @@character_set_client AS client, @@character_set_connection AS conn, @@character_set_results AS results',
        ),
      ).toEqual([{ client: 'utf8mb4', conn: 'utf8mb4', results: 'utf8mb4' }]);
    } finally {
      await t.close();
    }
  };

  it('runs on a server and database whose default is latin1: every table is made utf8mb4', async () => {
    expect(await query(serverUrl, 'SELECT @@character_set_server AS charset')).toEqual([
      { charset: 'latin1' },
    ]);
    const url = await latin1Database();
    await joinInChinese(url);
    expect(await notUtf8mb4(url)).toEqual({ tables: [], columns: [], charset: 'utf8mb4' });
  });

  it('converts the latin1 tables of a database made before, keeping their text', async () => {
    const url = await latin1Database();
    const before = new DataSource({
      type: 'mysql',
      url,
      charset: 'utf8mb4_unicode_ci',
      migrations: migrations.slice(0, migrations.indexOf(Utf8mb41733443200000)),
    });
    await before.initialize();
    await before.runMigrations();
    const tables: { name: string }[] = await before.query(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
    );
    // schemaHelpers names utf8mb4 on each table it makes; only TypeORM's own table took the default.
    expect((await notUtf8mb4(url)).tables).toEqual([{ name: 'migrations', collation: 'latin1_swedish_ci' }]);
    // The schema as the earlier migrations left it here, before that: every table in latin1.
    for (const { name } of tables)
      await before.query(`ALTER TABLE \`${name}\` CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    // Text a latin1 table can hold, which the conversion must keep (a lease no job takes).
    await before.query(
      `INSERT INTO job_leases (name, owner, expires_at) VALUES ('latin1-text', 'Café', '2000-01-01')`,
    );
    await before.destroy();
    expect((await notUtf8mb4(url)).tables).toHaveLength(tables.length);

    await joinInChinese(url);
    expect(await notUtf8mb4(url)).toEqual({ tables: [], columns: [], charset: 'utf8mb4' });
    expect(await query(url, `SELECT owner FROM job_leases WHERE name = 'latin1-text'`)).toEqual([
      { owner: 'Café' },
    ]);
  });
});
