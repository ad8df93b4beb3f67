import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/**
 * "A 5xx is a bug": every route of the OpenAPI document, called by every role with malformed bodies,
 * odd ids and wrong types, answers 4xx (or 2xx) in the envelope — never 5xx.
 */
describe(`no 5xx on bad input (${TEST_DB})`, () => {
  let t: TestApp;
  let tokens: Record<string, string | undefined>;

  beforeAll(async () => {
    // Limits scaled up so the sweep reaches every handler instead of stopping at 429.
    t = await startTestApp({ RATE_LIMIT_SCALE: '1000' });
    const f = factories(t);
    const merchant = await f.merchant();
    tokens = {
      anonymous: undefined,
      member: (await f.member()).token,
      clerk: (await f.staff(merchant.id)).token,
      merchantAdmin: (await f.staff(merchant.id, 'merchant_admin')).token,
      admin: await f.adminToken(),
    };
  });
  afterAll(() => t.close());

  it('answers every route with < 500 for garbage', async () => {
    const doc = (await t.http('GET', '/api/docs-json')).body;
    const bodies = [
      '{"broken":',
      '[]',
      '"text"',
      '{}',
      JSON.stringify({
        merchantId: { $ne: 1 },
        amountFen: '12',
        code: 42,
        quantity: -1,
        memberCode: '1'.repeat(40),
        tiers: [{}],
        issuer: 'x',
        stock: 1e20,
      }),
    ];
    const ids = ['abc', '999999999', '-1', '%00'];
    const failures: string[] = [];
    let calls = 0;
    let throttled = 0;
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (path.includes('payments/wechat/notify')) continue;
      for (const method of Object.keys(methods)) {
        for (const id of ids) {
          const url = path.replace(/\{[^}]+\}/g, encodeURIComponent(id)).replace(/^\/api\/v1/, '');
          for (const [role, token] of Object.entries(tokens)) {
            for (const raw of method === 'get' || method === 'delete' ? [undefined] : bodies) {
              const res = await t.api(
                method.toUpperCase(),
                url + (method === 'get' ? '?status=bogus&from=x&before=y' : ''),
                { token, raw },
              );
              calls++;
              if (res.status === 429) throttled++;
              if (res.status >= 500)
                failures.push(
                  `${method.toUpperCase()} ${url} as ${role} with ${raw}: ${res.status} ${JSON.stringify(res.body)}`,
                );
              else if (res.status >= 400 && typeof res.body?.error?.code !== 'string')
                failures.push(`${method.toUpperCase()} ${url}: ${res.status} without the envelope`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
    expect(throttled).toBeLessThan(calls / 100);
  }, 180_000);
});
