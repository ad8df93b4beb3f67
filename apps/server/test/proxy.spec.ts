import { startTestApp, TestApp, TEST_DB } from './harness';

/** What a client behind the ingress sees of the failed-login limit per address. */
async function failUntilLimited(t: TestApp, forwardedFor: string): Promise<number[]> {
  const statuses: number[] = [];
  // Different unknown usernames: only the per-address limit can answer 429.
  for (let i = 0; i < 60 && statuses.at(-1) !== 429; i++) {
    const res = await t.api('POST', '/staff/login', {
      body: { username: `nobody_${i}`, password: 'wrong-password' },
      headers: { 'x-forwarded-for': forwardedFor },
    });
    statuses.push(res.status);
  }
  return statuses;
}

const loginStatus = async (t: TestApp, forwardedFor: string) =>
  (
    await t.api('POST', '/staff/login', {
      body: { username: 'someone_else', password: 'wrong-password' },
      headers: { 'x-forwarded-for': forwardedFor },
    })
  ).status;

describe(`client addresses behind a proxy (${TEST_DB})`, () => {
  it('with TRUST_PROXY=1 each forwarded client has its own failed-login limit', async () => {
    const t = await startTestApp({ TRUST_PROXY: '1' });
    try {
      // Requests come from 127.0.0.1, the "ingress", on behalf of two different clients.
      const statuses = await failUntilLimited(t, '203.0.113.7');
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
      expect(await loginStatus(t, '203.0.113.7')).toBe(429);
      // A client cannot escape by prepending an address: one hop trusts only what the ingress added.
      expect(await loginStatus(t, '198.51.100.1, 203.0.113.7')).toBe(429);
      expect(await loginStatus(t, '203.0.113.8')).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('without TRUST_PROXY a forged X-Forwarded-For changes nothing', async () => {
    const t = await startTestApp();
    try {
      expect((await failUntilLimited(t, '203.0.113.7')).at(-1)).toBe(429);
      expect(await loginStatus(t, '203.0.113.8')).toBe(429);
    } finally {
      await t.close();
    }
  });
});
