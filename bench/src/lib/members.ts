// The members of a run, created over HTTP as the mini-program does: the sandbox's wx.login code,
// then POST /api/v1/join. A 429 (the join limit per client address) is waited out until the deadline.
import type { JoinResponse } from '@allycard/contracts';
import type { HttpClient } from './http.js';
import { runPool } from './pool.js';
import type { Settings } from './settings.js';
import type { BenchMember, Outcome } from './types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CreatedMembers {
  members: BenchMember[];
  errors: string[];
  seconds: number;
  /** The loopback addresses that answered. */
  sources: string[];
  throttled: number;
}

export async function createMembers(
  http: HttpClient,
  settings: Settings,
  runId: string,
  log: (...parts: unknown[]) => void,
): Promise<CreatedMembers> {
  const sources: string[] = [];
  for (const addr of settings.joinSources) {
    const res = await http.request('GET', '/api/v1/health', { localAddress: addr }).catch(() => null);
    if (res?.status === 200) sources.push(addr);
  }
  const perSource = Math.ceil(settings.members / Math.max(1, sources.length));
  if (perSource > settings.server.joinLimit.limit())
    log(`${perSource} joins per address exceed the server's join limit: expect 429s to wait out`);
  log(`creating ${settings.members} members from ${sources.join(', ')} …`);

  const t0 = Date.now();
  const stopAt = t0 + settings.membersDeadlineMs;
  let throttled = 0;
  const made = new Array<BenchMember | undefined>(settings.members);
  const join = async (i: number): Promise<Outcome> => {
    const localAddress = sources[i % sources.length];
    const openid = `bench_${runId}_${i}`;
    while (Date.now() < stopAt) {
      const codeRes = await http.request<{ code: string }>('POST', '/sandbox/wechat/login-code', {
        body: { openid },
        localAddress,
      });
      if (codeRes.status !== 200 && codeRes.status !== 201)
        return failed(`login-code ${codeRes.status} ${JSON.stringify(codeRes.body)}`);
      const res = await http.request<JoinResponse>('POST', '/api/v1/join', {
        body: { code: codeRes.body.code },
        localAddress,
      });
      if (res.status === 201 || res.status === 200) {
        made[i] = { memberId: String(res.body.member.id), token: res.body.token, openid };
        return { outcome: 'ok', ms: res.ms, code: String(res.status) };
      }
      if (res.status !== 429) return failed(`join ${res.status} ${JSON.stringify(res.body)}`);
      throttled++;
      await sleep(Math.min(1000 * Number(res.headers['retry-after'] || 5), stopAt - Date.now()));
    }
    return failed('join still rate-limited at the deadline');
  };
  const run = await runPool(settings.members, settings.joinConcurrency, settings.membersDeadlineMs, join);
  const seconds = (Date.now() - t0) / 1000;
  const members = made.filter((m): m is BenchMember => m !== undefined);
  const errors = run.results.filter((r) => r.outcome === 'error').map((r) => r.detail ?? r.code);
  log(`${members.length} members in ${seconds.toFixed(1)} s (${throttled} × 429)`);
  if (errors.length) log(`join errors: ${errors.length}, first: ${errors[0]}`);
  return { members, errors, seconds, sources, throttled };
}

const failed = (detail: string): Outcome => ({ outcome: 'error', ms: NaN, code: 'error', detail });
