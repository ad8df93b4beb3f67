#!/usr/bin/env node
// A throwaway MariaDB (or MySQL) for tests, started from the local binaries: no Docker, no systemd.
//
//   import { startMariaDB } from './mariadb.mjs';
//   const db = await startMariaDB();   // { url: 'mysql://allycard:allycard@127.0.0.1:PORT/allycard_test', ... }
//   ...
//   await db.stop();                   // shuts the server down and removes its temp dir
//
//   node scripts/mariadb.mjs           // prints the URL, runs until Ctrl-C
//   node scripts/mariadb.mjs --character-set-server=latin1   // arguments: more server options
//   echo "outage 10000" | …            // on stdin: stop the server 10 s, then start it again
//
// The server lives in a fresh temp dir (datadir, socket, log). It is killed and the dir removed when
// stop() is called, when this process exits, and — through a tiny watchdog — even if this process is
// killed with SIGKILL. The user in the URL may create and drop databases (test harnesses do).
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, runAsCli, sleep, watchdog as startWatchdog } from './throwaway.mjs';

const execFileP = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEARCH = [
  ...(process.env.PATH ?? '').split(':'),
  '/usr/sbin',
  '/usr/local/sbin',
  '/usr/local/mysql/bin',
];

function which(...names) {
  for (const name of names)
    for (const dir of SEARCH) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

function loadMysql2() {
  for (const from of ['apps/server/package.json', 'package.json']) {
    try {
      return createRequire(path.join(root, from))('mysql2/promise');
    } catch {
      /* ignore */
    }
  }
  return null;
}

/** Runs SQL as root over the unix socket: mysql2 when it can be resolved, else the CLI client. */
function rootSql(socket) {
  const mysql = loadMysql2();
  if (mysql)
    return async (sql) => {
      const conn = await mysql.createConnection({
        socketPath: socket,
        user: 'root',
        multipleStatements: true,
      });
      try {
        await conn.query(sql);
      } finally {
        await conn.end().catch(() => {});
      }
    };
  const client = which('mariadb', 'mysql');
  if (!client) throw new Error('neither mysql2 (apps/server) nor a mariadb/mysql client is available');
  return (sql) => execFileP(client, ['--no-defaults', '-uroot', `--socket=${socket}`, '-e', sql]);
}

/**
 * @param {object} [options]
 * @param {number} [options.port]       TCP port (default: a free one)
 * @param {string} [options.database]   database to create (default allycard_test)
 * @param {string} [options.user]       user with all privileges over TCP (default allycard)
 * @param {string} [options.password]   its password (default allycard)
 * @param {string} [options.bufferPool] innodb buffer pool size (default 256M)
 * @param {number} [options.timeoutMs]  how long to wait for the server (default 30000)
 * @param {string[]} [options.serverArgs] more server options, after (so overriding) the defaults,
 *                                      e.g. ['--character-set-server=latin1']
 * @returns {Promise<{url: string, port: number, socket: string, dir: string, pid: number, startMs: number, stop: () => Promise<void>, outage: (downMs: number) => Promise<void>}>}
 */
export async function startMariaDB(options = {}) {
  const t0 = Date.now();
  const { database = 'allycard_test', user = 'allycard', password = 'allycard' } = options;
  const { bufferPool = '256M', timeoutMs = 30_000, serverArgs = [] } = options;
  const mariadbd = which('mariadbd');
  const server = mariadbd ?? which('mysqld');
  if (!server) throw new Error('no mariadbd or mysqld found (apt-get install mariadb-server)');
  const isMaria = Boolean(mariadbd) || /mariadb/i.test((await execFileP(server, ['--version'])).stdout);

  // Short path: the unix socket path must stay under ~107 bytes.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'acdb-'));
  const datadir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysql.sock');
  const logFile = path.join(dir, 'error.log');
  let child = null;
  let watchdog = null;
  let stopped = false;

  const killNow = () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* ignore */
      }
    }
    try {
      watchdog?.kill('SIGKILL');
    } catch {
      /* ignore */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killNow);
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    } catch {
      return '(no log)';
    }
  };

  /** Spawns the server with `args` and waits until it answers on its socket (or exits). */
  const launch = async (args) => {
    child = spawn(server, args, { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', (code, sig) => r({ code, sig })));
    const sql = rootSql(socket);
    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (!ready) {
      const early = await Promise.race([exited, sleep(50).then(() => null)]);
      if (early) break;
      if (existsSync(socket)) {
        try {
          await sql('SELECT 1');
          ready = true;
        } catch {
          /* ignore */
        }
      }
      if (!ready && Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${path.basename(server)} not ready after ${timeoutMs} ms\n${logTail()}`);
      }
    }
    return { ready, exited };
  };
  const shutDown = async (exited) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited, sleep(5000).then(() => null)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  try {
    // 1. Initialise the data directory (root@localhost with an empty password, no test db).
    const installer = isMaria ? which('mariadb-install-db', 'mysql_install_db') : null;
    if (isMaria && !installer) throw new Error('mariadb-install-db not found');
    const init = isMaria
      ? [
          installer,
          [
            '--no-defaults',
            `--datadir=${datadir}`,
            '--user=root',
            '--auth-root-authentication-method=normal',
            '--skip-test-db',
            '--skip-name-resolve',
          ],
        ]
      : [server, ['--no-defaults', '--initialize-insecure', `--datadir=${datadir}`, '--user=root']];
    try {
      await execFileP(init[0], init[1], { maxBuffer: 16 << 20 });
    } catch (e) {
      throw new Error(`${path.basename(init[0])} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }

    // 2. Start the server on a free port; settings favour speed over durability (data is thrown away).
    for (let attempt = 0; ; attempt++) {
      const port = options.port ?? (await freePort());
      const args = [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${socket}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        `--pid-file=${path.join(dir, 'mysqld.pid')}`,
        `--log-error=${logFile}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-flush-log-at-trx-commit=2',
        `--innodb-buffer-pool-size=${bufferPool}`,
        '--max-connections=500',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        '--sync-binlog=0',
        '--innodb-lock-wait-timeout=20',
        ...(isMaria
          ? ['--innodb-flush-method=nosync', '--innodb-doublewrite=0']
          : ['--mysqlx=OFF', '--performance-schema=OFF']),
        ...serverArgs,
      ];
      const { ready, exited } = await launch(args);
      if (!ready) {
        const inUse = /address already in use|bind on tcp\/ip port/i.test(logTail());
        if (inUse && options.port === undefined && attempt < 5) continue; // port raced away: pick another
        throw new Error(`${path.basename(server)} exited during start-up\n${logTail()}`);
      }

      const sql = rootSql(socket);
      // 3. Database and a TCP user allowed to create/drop databases of its own.
      const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      await sql(
        [
          `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
          ...['%', 'localhost'].flatMap((host) => [
            `CREATE USER IF NOT EXISTS ${q(user)}@${q(host)} IDENTIFIED BY ${q(password)}`,
            `GRANT ALL PRIVILEGES ON *.* TO ${q(user)}@${q(host)} WITH GRANT OPTION`,
          ]),
          'FLUSH PRIVILEGES',
        ].join(';\n'),
      );

      // 4. Watchdog: if this process dies without running its exit handler (SIGKILL), kill the server.
      watchdog = startWatchdog(child.pid, dir);

      const url = `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
      const pid = child.pid;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', killNow);
        await shutDown(running);
        try {
          watchdog.kill('SIGKILL');
        } catch {
          /* ignore */
        }
        rmSync(dir, { recursive: true, force: true });
      };
      let running = exited;
      /**
       * A real outage: shuts the server down, keeps it down `downMs` from the moment it is down
       * (`onDown`: a graceful shutdown serves what it has for a while first), starts it again.
       */
      const outage = async (downMs, onDown = () => {}) => {
        await shutDown(running);
        onDown();
        await sleep(downMs);
        const again = await launch(args);
        if (!again.ready) throw new Error(`${path.basename(server)} did not come back\n${logTail()}`);
        running = again.exited;
        watchdog.kill('SIGKILL');
        watchdog = startWatchdog(child.pid, dir);
      };
      return { url, port, socket, dir, pid, startMs: Date.now() - t0, stop, outage };
    }
  } catch (e) {
    process.removeListener('exit', killNow);
    killNow();
    throw e;
  }
}

// CLI: extra arguments are server options (serverArgs).
const cli = await runAsCli(import.meta.url, 'MariaDB', () =>
  startMariaDB({ serverArgs: process.argv.slice(2) }),
);
// A fault test drives a real outage through stdin: "outage <ms>" stops the server that long and
// starts it again on its data; "down" on stdout says it is down, "back" that it answers again.
if (cli) {
  process.stdin.on('data', async (chunk) => {
    const ms = /^outage (\d+)/.exec(chunk.toString())?.[1];
    if (!ms) return;
    await cli.outage(Number(ms), () => console.log('down'));
    console.log('back');
  });
}
