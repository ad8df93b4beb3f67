import { startTestApp, TestApp, TEST_DB } from './harness';
import { mutate, serialise } from './fuzz/mutations';
import { OpenApiDocument, Operation, operationsOf, validValue } from './fuzz/openapi';
import { prng, Rng } from './fuzz/prng';
import { Caller, CALLERS, seedWorld, World } from './fuzz/world';

/**
 * "A 5xx is a bug", driven by the OpenAPI document: every operation, called by every kind of caller
 * with a valid-looking body and real ids first, then with mutated bodies, odd ids, bad query values
 * and headers. No answer may be a 5xx, and every 4xx carries the contract's envelope. The seed is
 * fixed (FUZZ_SEED overrides it to explore) and printed with any failure, so a failure replays.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_909);
/** mutated requests per operation, after one valid request per caller */
const MUTATED = { withBody: 60, withoutBody: 20 };
const SKIPPED = /payments\/wechat\/notify/; // signed notifications have their own tests

interface Request {
  op: Operation;
  caller: Caller;
  url: string;
  headers: Record<string, string>;
  raw: string | undefined;
  label: string;
}

describe(`OpenAPI fuzz (${TEST_DB}, seed ${SEED})`, () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    // Limits scaled up so the fuzzer reaches every handler instead of stopping at 429.
    t = await startTestApp({ RATE_LIMIT_SCALE: '1000' });
    world = await seedWorld(t);
  }, 120_000);
  afterAll(() => t?.close());

  it('never answers 5xx, and every 4xx in the envelope, for any operation, caller or mutation', async () => {
    const doc = (await t.http<OpenApiDocument>('GET', '/api/docs-json')).body;
    // Closing the account (DELETE /me) ends the fuzz members' tokens: it goes last, whatever order the
    // document lists the modules in (Nest orders them by how deep they are imported).
    const closesAccount = (op: Operation) => op.method === 'DELETE' && op.path === '/me';
    const ops = operationsOf(doc)
      .filter((op) => !SKIPPED.test(op.path))
      .sort((a, b) => Number(closesAccount(a)) - Number(closesAccount(b)));
    const rng = prng(SEED);
    // per failing operation and status: how often, after which mutations, and one example
    const failures = new Map<string, { count: number; mutations: Record<string, number>; example: string }>();
    const stats = { calls: 0, throttled: 0, ok: 0 };
    const reachedHandler = new Set<string>();

    const send = async (req: Request) => {
      const res = await t
        .api(req.op.method, req.url, { token: world.tokens[req.caller], raw: req.raw, headers: req.headers })
        .catch((error: Error) => ({ status: 0, body: `no answer: ${error.message}` }));
      stats.calls++;
      if (res.status === 429) stats.throttled++;
      if (res.status >= 200 && res.status < 300) stats.ok++;
      const problem = checkAnswer(res);
      if (res.status < 300) world.learn(res.body);
      if (problem) {
        const key = `${problem}: ${req.op.method} ${req.op.path} -> ${res.status}`;
        const seen = failures.get(key) ?? { count: 0, mutations: {}, example: describeFailure(req, res) };
        seen.count++;
        for (const m of req.label.split(/[,;] /)) {
          const name = m.replace(/@.*/, '');
          seen.mutations[name] = (seen.mutations[name] ?? 0) + 1;
        }
        failures.set(key, seen);
      }
      if (![401, 403, 429].includes(res.status)) reachedHandler.add(`${req.op.method} ${req.op.path}`);
      return res;
    };

    for (const op of ops) {
      const valid = async (caller: Caller) =>
        op.body ? await validValue({ doc, rng, op, hint: world.hints(rng, caller) }, op.body) : undefined;
      // One valid request per caller: the callers it lets in get most of the mutated requests.
      const admitted: Caller[] = [];
      for (const caller of CALLERS) {
        const res = await send(await request(world, rng, op, caller, await valid(caller), false));
        if (res.status !== 401 && !(res.status === 403 && res.body?.error?.code === 'FORBIDDEN'))
          admitted.push(caller);
      }
      const count = op.body ? MUTATED.withBody : MUTATED.withoutBody;
      for (let i = 0; i < count; i++) {
        const caller = admitted.length && rng.chance(0.85) ? rng.pick(admitted) : rng.pick(CALLERS);
        await send(await request(world, rng, op, caller, await valid(caller), true));
      }
    }

    const unreached = ops.map((op) => `${op.method} ${op.path}`).filter((op) => !reachedHandler.has(op));
    const invariants = await t.api('GET', '/admin/invariants', { token: world.tokens.admin });
    const report = [...failures].map(
      ([key, { count, mutations, example }]) => `${count}× ${key} ${JSON.stringify(mutations)}\n${example}`,
    );
    expect({ seed: SEED, failures: report }).toEqual({ seed: SEED, failures: [] });
    expect(unreached).toEqual([]);
    expect(stats.calls).toBeGreaterThan(2000);
    expect(stats.throttled).toBeLessThan(stats.calls / 100);
    // The valid-looking requests really are: a good share of everything is accepted.
    expect(stats.ok).toBeGreaterThan(stats.calls / 10);
    // Thousands of rejected and accepted requests later, the books still balance.
    expect(invariants.body).toMatchObject({ ok: true });
  }, 600_000);
});

/** One request of `op` by `caller`: the valid body as it is, or mutated along with ids, query and headers. */
async function request(
  world: World,
  rng: Rng,
  op: Operation,
  caller: Caller,
  body: unknown,
  mutated: boolean,
): Promise<Request> {
  let path = op.path;
  for (const param of op.pathParams)
    path = path.replace(`{${param}}`, world.pathId(rng, caller, op.path, param));
  const headers: Record<string, string> = {};
  if (op.idempotent && !(mutated && rng.chance(0.1)))
    headers['idempotency-key'] = idempotencyKey(rng, mutated);
  const labels: string[] = [];
  let raw = serialise(body);
  if (mutated) {
    if (op.body || rng.chance(0.3)) {
      const m = mutate(rng, body ?? {});
      raw = m.raw;
      labels.push(m.label);
    }
    if (rng.chance(0.06)) {
      headers['content-type'] = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
      ]);
      labels.push(`content-type ${headers['content-type']}`);
    }
  }
  if (op.method === 'GET' || op.method === 'HEAD') raw = undefined;
  const query = await queryString(world, rng, op, caller, mutated, labels);
  return { op, caller, url: path + query, headers, raw, label: labels.join('; ') || 'valid' };
}

let lastKey = 'fuzz-key-0';
function idempotencyKey(rng: Rng, mutated: boolean): string {
  if (mutated && rng.chance(0.15)) return lastKey; // a replay, often with another body
  if (mutated && rng.chance(0.1)) return rng.pick(['', 'k'.repeat(65), 'ä'.repeat(20), ' ', 'a\tb']);
  lastKey = `fuzz-${rng.hex(16)}`;
  return lastKey;
}

/** Query values from the document (required ones always); mutated: bad, duplicated or unknown ones. */
async function queryString(
  world: World,
  rng: Rng,
  op: Operation,
  caller: Caller,
  mutated: boolean,
  labels: string[],
) {
  const pairs: [string, string][] = []; // encoded
  for (const p of op.query) {
    if (!p.required && rng.chance(0.4)) continue;
    const schema = p.schema ?? {};
    const value =
      p.name === 'merchantId'
        ? world.pathId(rng, caller, '/merchants/{id}', 'id')
        : encodeURIComponent(
            schema.enum
              ? String(rng.pick(schema.enum))
              : /^(from|to)$/.test(p.name)
                ? businessDay(p.name === 'from' ? -30 - rng.int(300) : 1 + rng.int(30))
                : String(schema.example ?? 1 + rng.int(100)),
          );
    pairs.push([p.name, value]);
  }
  if (mutated && rng.chance(0.35)) {
    const name = op.query.length ? rng.pick(op.query).name : 'status';
    const bad = rng.pick([
      '',
      'x',
      '-1',
      '1e300',
      'null',
      '%00',
      '2026-02-30',
      'yesterday',
      'x'.repeat(5000),
      '%F0%9F',
      '%',
    ]);
    const how = rng.pick(['bad', 'duplicate', 'brackets', 'unknown']);
    if (how === 'bad') pairs.push([name, bad]);
    if (how === 'duplicate') pairs.push([name, bad], [name, bad + '2']);
    if (how === 'brackets') pairs.push([`${name}%5B%5D`, bad], [`${name}%5Ba%5D`, bad]);
    if (how === 'unknown') pairs.push([`fuzz_${rng.hex(4)}`, bad]);
    labels.push(`query ${how} ${name}`);
  }
  return pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
}

/** What is wrong with an answer, or null: 5xx (or none at all), or a 4xx outside the envelope. */
function checkAnswer(res: { status: number; body: any }): string | null {
  if (res.status >= 500 || res.status === 0) return 'server error';
  if (res.status < 400) return null;
  const error = res.body?.error;
  if (typeof error?.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(error.code)) return 'no error code';
  if (typeof error.message !== 'string' || !error.message) return 'no error message';
  if (Object.keys(res.body).length !== 1) return 'more than the envelope';
  if (error.code === 'VALIDATION_FAILED' && !Array.isArray(error.details))
    return 'VALIDATION_FAILED without details';
  return null;
}

/** A date `days` from today, as report queries take it. */
const businessDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const cut = (s: string | undefined, n: number) =>
  s && s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;

function describeFailure(req: Request, res: { status: number; body: unknown }): string {
  const answer = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  return [
    `  e.g. ${req.op.method} ${cut(req.url, 160)} as ${req.caller} [${req.label}]`,
    `  body ${cut(req.raw, 300) ?? '(none)'}`,
    `  headers ${JSON.stringify(req.headers)}`,
    `  -> ${res.status} ${cut(answer, 300)}`,
  ].join('\n');
}
