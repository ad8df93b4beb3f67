// Where the time goes: CPU ms of the server, MariaDB and this process (Linux /proc, utime + stime)
// and the statements MariaDB received (its `Questions` counter), around each measured run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { summarize, type Measured } from './stats.js';
import type { CpuMs, Run } from './types.js';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

export class Meter {
  constructor(
    private readonly pool: Pool,
    readonly pids: { server: number; db: number },
    private readonly log: (...parts: unknown[]) => void,
  ) {}

  cpu(): CpuMs {
    const self = process.cpuUsage();
    return {
      server: cpuMsOf(this.pids.server),
      db: cpuMsOf(this.pids.db),
      bench: (self.user + self.system) / 1000,
    };
  }

  /** Statements MariaDB has received so far (the probe itself is one). */
  async questions(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number(rows[0]?.Value);
  }

  /** Runs one round of one scenario and measures it; logs a line about it. */
  async measure(label: string, round: number, runner: () => Promise<Run> | Run): Promise<Measured> {
    const q0 = await this.questions();
    const before = this.cpu();
    const run = await runner();
    const after = this.cpu();
    const statements = (await this.questions()) - q0 - 1;
    const cpu = {
      server: after.server - before.server,
      db: after.db - before.db,
      bench: after.bench - before.bench,
    };
    const s = summarize(run, cpu);
    this.log(
      `${label} #${round}: ${s.requests} in ${s.wallS.toFixed(2)} s = ${s.reqPerS.toFixed(0)}/s, ` +
        `ok ${s.ok}, rejected ${s.rejected}, errors ${s.errors}${s.timedOut ? ' (deadline reached)' : ''}`,
    );
    for (const d of s.firstErrors) this.log(`  error: ${d}`);
    return { run, cpu, statements, summary: s };
  }
}
