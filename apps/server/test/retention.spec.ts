import { RetentionJobs } from '../src/privacy/retention.jobs';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The retention job deletes what the policy keeps for a limited time, and nothing recent (issue 15). */
describe(`retention (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const shareOf = async (token: string) => {
    const coupon = await f.claim(token, (await f.template()).id);
    const share = await t.api('POST', `/me/coupons/${coupon.id}/share`, { token });
    return { coupon, token: share.body.shareToken as string };
  };
  const statusOf = async (token: string) =>
    (await t.dataSource.query('SELECT status FROM coupon_shares WHERE token = ?', [token]))[0]?.status ??
    'gone';

  it('deletes shares that expired or were taken back over 30 days ago; keeps recent, open and accepted ones', async () => {
    const sender = await f.member();
    const old = await shareOf(sender.token);
    const oldCancelled = await shareOf(sender.token);
    const recent = await shareOf(sender.token);
    const open = await shareOf(sender.token);
    const accepted = await shareOf(sender.token);
    // taken back through the API (the coupon returns to the sender), then dated and labelled
    for (const s of [old, oldCancelled, recent])
      await t.api('DELETE', `/me/coupons/${s.coupon.id}/share`, { token: sender.token });
    await t.api('POST', `/shares/${accepted.token}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    // the first two stopped mattering 31 days ago, the third yesterday; the accepted one long ago
    const at = (days: number) => new Date(Date.now() - days * DAY_MS);
    const setShare = (token: string, status: string, expiresAt: Date) =>
      t.dataSource.getRepository('CouponShare').update({ token }, { status, expiresAt });
    await setShare(old.token, 'expired', at(31));
    await setShare(oldCancelled.token, 'cancelled', at(31));
    await setShare(recent.token, 'expired', at(1));
    await setShare(accepted.token, 'accepted', at(90));

    const purged = await t.app.get(RetentionJobs).purge();
    expect(purged.shares).toBe(2);
    expect(await statusOf(old.token)).toBe('gone');
    expect(await statusOf(oldCancelled.token)).toBe('gone');
    expect(await statusOf(recent.token)).toBe('expired');
    expect(await statusOf(open.token)).toBe('open');
    expect(await statusOf(accepted.token)).toBe('accepted');
    // a deleted token is simply unknown; the coupon stayed with its sender
    expect((await t.api('GET', `/shares/${old.token}`)).status).toBe(404);
    expect((await t.api('GET', '/me/coupons', { token: sender.token })).body.map((c: any) => c.id)).toContain(
      old.coupon.id,
    );
    expect((await t.app.get(RetentionJobs).purge()).shares).toBe(0);
    const invariants = await t.api('GET', '/admin/invariants', { token: await f.adminToken() });
    expect(invariants.body.ok).toBe(true);
  });
});
