import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { CouponShare } from '../src/coupons/coupon.entity';

/** What the sender and the friend see of a forwarded coupon: the link as each of them, and 已赠送. */
describe(`share views (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const shareOf = async (token: string) => {
    const c = await f.claim(token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token });
    expect(share.status).toBe(201);
    return { coupon: c, link: share.body.shareToken as string };
  };
  const preview = (link: string, token?: string) => t.api('GET', `/shares/${link}`, { token });
  const accept = async (link: string, openid = `o_friend_${f.unique()}`) => {
    const res = await t.api('POST', `/shares/${link}/accept`, { body: { code: await f.loginCode(openid) } });
    expect(res.status).toBe(200);
    return res.body as { token: string };
  };

  it('tells the sender and the friend that the link is theirs, before and after the friend takes it', async () => {
    const sender = await f.member();
    const stranger = await f.member();
    const { link } = await shareOf(sender.token);

    expect((await preview(link)).body).toMatchObject({ status: 'open', viewer: 'other' });
    expect((await preview(link, sender.token)).body).toMatchObject({ status: 'open', viewer: 'sender' });
    expect((await preview(link, stranger.token)).body.viewer).toBe('other');

    const friend = await accept(link);
    expect((await preview(link, sender.token)).body).toMatchObject({ status: 'accepted', viewer: 'sender' });
    expect((await preview(link, friend.token)).body).toMatchObject({
      status: 'accepted',
      viewer: 'receiver',
    });
    expect((await preview(link, stranger.token)).body).toMatchObject({ status: 'accepted', viewer: 'other' });
    // a token that does not verify is no one, and does not turn the public preview into a 401
    const forged = await preview(link, `${sender.token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(200);
    expect(forged.body.viewer).toBe('other');
  });

  it('does not take a staff account or another alliance’s member for the sender', async () => {
    const sender = await f.member();
    const { link } = await shareOf(sender.token);
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    expect((await preview(link, clerk.token)).body.viewer).toBe('other');
    // same member id, another alliance: a token signed for it is not the sender
    const { TokenService } = await import('../src/common/auth');
    const other = t.app
      .get(TokenService)
      .issue({ role: 'member', id: sender.member.id, allianceId: `${f.unique()}9` });
    expect((await preview(link, other)).body.viewer).toBe('other');
  });

  it('lists the coupons given in 已赠送 with what became of each, newest first', async () => {
    const sender = await f.member();
    const taken = await shareOf(sender.token);
    const waiting = await shareOf(sender.token);
    const returned = await shareOf(sender.token);
    const withdrawn = await shareOf(sender.token);
    await accept(taken.link);
    await t.dataSource
      .getRepository(CouponShare)
      .update({ token: returned.link }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await preview(returned.link)).body.status).toBe('expired'); // the coupon goes back
    expect(
      (await t.api('DELETE', `/me/coupons/${withdrawn.coupon.id}/share`, { token: sender.token })).status,
    ).toBe(200);

    const res = await t.api('GET', '/me/shares', { token: sender.token });
    expect(res.status).toBe(200);
    expect(res.body.map((s: any) => [s.coupon.id, s.status])).toEqual([
      [returned.coupon.id, 'expired'],
      [waiting.coupon.id, 'open'],
      [taken.coupon.id, 'accepted'],
    ]);
    const [back, open, given] = res.body;
    expect(back.coupon.status).toBe('available'); // back in the sender's wallet
    expect(open.coupon.status).toBe('sharing');
    expect(open.acceptedAt).toBeNull();
    expect(given.coupon).toMatchObject({ title: taken.coupon.title, status: 'available' });
    expect(Date.parse(given.acceptedAt)).toBeGreaterThanOrEqual(Date.parse(given.sharedAt));
    expect(Date.parse(open.expiresAt) - Date.parse(open.sharedAt)).toBe(24 * 3600 * 1000);

    // the friend's own list is its own: nothing given
    expect((await t.api('GET', '/me/shares', { token: (await f.member()).token })).body).toEqual([]);
    expectEnvelope(await t.api('GET', '/me/shares'), 401, 'UNAUTHENTICATED');
  });

  it('hides from the sender what the friend did with the coupon', async () => {
    const sender = await f.member();
    const { coupon, link } = await shareOf(sender.token);
    const friend = await accept(link);
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    await t.api('POST', '/staff/redemptions', {
      token: clerk.token,
      body: { memberCode: await f.memberCode(friend.token), couponId: coupon.id, amountFen: 1_000 },
    });
    expect((await t.api('GET', `/me/coupons/${coupon.id}`, { token: friend.token })).body.status).toBe(
      'used',
    );
    const [given] = (await t.api('GET', '/me/shares', { token: sender.token })).body;
    expect(given).toMatchObject({ status: 'accepted', coupon: { id: coupon.id, status: 'available' } });
  });
});
