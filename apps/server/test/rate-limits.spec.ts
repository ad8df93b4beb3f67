import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/** Its own app instance: the limits it exhausts must not leak into other specs. */
describe(`rate limits (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('limits claims per member, not per address', async () => {
    const tpl = await f.template({ stock: 1000, perMemberLimit: 1 });
    const busy = await f.member();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++)
      statuses.push((await t.api('POST', `/offers/${tpl.id}/claim`, { token: busy.token })).status);
    expect(statuses[0]).toBe(201);
    expect(statuses.slice(1, 60).every((s) => s === 409)).toBe(true);
    expectEnvelope(
      await t.api('POST', `/offers/${tpl.id}/claim`, { token: busy.token }),
      429,
      'RATE_LIMITED',
    );
    // Another member on the same address is not affected.
    const other = await f.member();
    expect((await t.api('POST', `/offers/${tpl.id}/claim`, { token: other.token })).status).toBe(201);
  });

  it('limits joins per client address, generously (600 a minute)', async () => {
    const results = await Promise.all(
      Array.from({ length: 600 }, () => t.api('POST', '/join', { body: { code: 'no-such-code' } })),
    );
    // Everything up to the limit is answered on its merits (a bad code), not throttled.
    expect(results.filter((r) => r.status === 429).length).toBeLessThanOrEqual(5);
    expectEnvelope(await t.api('POST', '/join', { body: { code: 'no-such-code' } }), 429, 'RATE_LIMITED');
  });
});
