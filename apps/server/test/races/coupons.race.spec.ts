import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/** Real concurrent HTTP requests against the running server; invariants are then read from the database. */
describe(`coupon races (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.dataSource.query(sql, params))[0].n);
  const statuses = (results: { status: number }[]) =>
    results.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );

  it('40 members racing for a stock of 10 get exactly 10 coupons (invariant 1)', async () => {
    const tpl = await f.template({ stock: 10 });
    const members = await Promise.all(Array.from({ length: 40 }, () => f.member()));
    const results = await Promise.all(
      members.map((m) => t.api('POST', `/offers/${tpl.id}/claim`, { token: m.token })),
    );
    expect(statuses(results)).toEqual({ 201: 10, 409: 30 });
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(
      true,
    );
    const [row] = await t.dataSource.query('SELECT stock, issued FROM coupon_templates WHERE id = ?', [
      tpl.id,
    ]);
    expect(Number(row.issued)).toBe(10);
    expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(10);
  });

  it('one member claiming 20 times in parallel gets exactly its limit of 3 (invariant 2)', async () => {
    const tpl = await f.template({ stock: 100, perMemberLimit: 3 });
    const m = await f.member();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.api('POST', `/offers/${tpl.id}/claim`, { token: m.token })),
    );
    expect(statuses(results)).toEqual({ 201: 3, 409: 17 });
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'LIMIT_REACHED')).toBe(
      true,
    );
    expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(3);
  });

  it('10 parallel claims with one Idempotency-Key make one coupon', async () => {
    const tpl = await f.template({ stock: 100, perMemberLimit: 10 });
    const m = await f.member();
    const headers = { 'idempotency-key': `race-${f.unique()}` };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.api('POST', `/offers/${tpl.id}/claim`, { token: m.token, headers })),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // The rest either replayed the same coupon or were told the request is still in flight.
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    expect(results.every((r) => r.status === 201 || r.body.error.code === 'IDEMPOTENCY_CONFLICT')).toBe(true);
    expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(1);
  });

  it('three friends accepting one share: exactly one owns the coupon (invariant 7)', async () => {
    const tpl = await f.template({ forwardable: true });
    const sender = await f.member();
    const c = await f.claim(sender.token, tpl.id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
    const codes = await Promise.all([1, 2, 3].map(() => f.loginCode(`o_friend_${f.unique()}`)));
    const results = await Promise.all(
      codes.map((code) => t.api('POST', `/shares/${share.body.shareToken}/accept`, { body: { code } })),
    );
    expect(statuses(results)).toEqual({ 200: 1, 409: 2 });
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'SHARE_USED')).toBe(
      true,
    );
    const winner = results.find((r) => r.status === 200)!;
    const [row] = await t.dataSource.query('SELECT member_id, status FROM coupons WHERE id = ?', [c.id]);
    expect(String(row.member_id)).toBe(winner.body.member.id);
    expect(row.status).toBe('available');
  });

  it('an accept racing a cancel: the coupon ends with exactly one owner', async () => {
    const tpl = await f.template({ forwardable: true });
    const sender = await f.member();
    const c = await f.claim(sender.token, tpl.id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
    const code = await f.loginCode(`o_friend_${f.unique()}`);
    const [accept, cancel] = await Promise.all([
      t.api('POST', `/shares/${share.body.shareToken}/accept`, { body: { code } }),
      t.api('DELETE', `/me/coupons/${c.id}/share`, { token: sender.token }),
    ]);
    expect([accept.status, cancel.status].sort()).toEqual([200, 409]);
    const [row] = await t.dataSource.query('SELECT member_id, status FROM coupons WHERE id = ?', [c.id]);
    expect(row.status).toBe('available');
    expect(String(row.member_id)).toBe(accept.status === 200 ? accept.body.member.id : sender.member.id);
  });

  it('five clerks redeeming one coupon at once redeem it once (invariant 3)', async () => {
    const merchant = await f.merchant();
    const clerks = await Promise.all(Array.from({ length: 5 }, () => f.staff(merchant.id)));
    const tpl = await f.template({ valueFen: 500 });
    const m = await f.member();
    const c = await f.claim(m.token, tpl.id);
    const memberCode = await f.memberCode(m.token);
    const results = await Promise.all(
      clerks.map((clerk) =>
        t.api('POST', '/staff/redemptions', {
          token: clerk.token,
          body: { memberCode, couponId: c.id, amountFen: 2000 },
        }),
      ),
    );
    expect(statuses(results)).toEqual({ 201: 1, 409: 4 });
    expect(await count('SELECT COUNT(*) AS n FROM redemptions WHERE coupon_id = ?', [c.id])).toBe(1);
    const [row] = await t.dataSource.query('SELECT status, redemption_id FROM coupons WHERE id = ?', [c.id]);
    expect(row.status).toBe('used');
    expect(String(row.redemption_id)).toBe(results.find((r) => r.status === 201)!.body.id);
  });

  it('two first-order coupons redeemed at two counters at once: only one is a first order', async () => {
    const a = await f.merchant();
    const b = await f.merchant();
    const [clerkA, clerkB] = await Promise.all([f.staff(a.id), f.staff(b.id)]);
    const m = await f.member();
    const c1 = await f.claim(m.token, (await f.template({ firstOrderOnly: true })).id);
    const c2 = await f.claim(m.token, (await f.template({ firstOrderOnly: true })).id);
    const memberCode = await f.memberCode(m.token);
    const results = await Promise.all([
      t.api('POST', '/staff/redemptions', {
        token: clerkA.token,
        body: { memberCode, couponId: c1.id, amountFen: 2000 },
      }),
      t.api('POST', '/staff/redemptions', {
        token: clerkB.token,
        body: { memberCode, couponId: c2.id, amountFen: 2000 },
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(
      await count("SELECT COUNT(*) AS n FROM coupons WHERE member_id = ? AND status = 'used'", [m.member.id]),
    ).toBe(1);
  });

  it('two first purchases of a referred friend racing reward the sender once', async () => {
    const admin = await f.adminToken();
    const reward = await f.template({ stock: 100 });
    await t.api('PUT', '/admin/referral-rule', { token: admin, body: { rewardTemplateId: reward.id } });
    const [a, b] = [await f.merchant(), await f.merchant()];
    const [clerkA, clerkB] = await Promise.all([f.staff(a.id), f.staff(b.id)]);
    const sender = await f.member();
    const c = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
    const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    const memberCode = await f.memberCode(friend.body.token);
    const results = await Promise.all(
      [clerkA, clerkB].map((clerk) =>
        t.api('POST', '/staff/redemptions', { token: clerk.token, body: { memberCode, amountFen: 3000 } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    expect(
      await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND member_id = ?', [
        reward.id,
        sender.member.id,
      ]),
    ).toBe(1);
    await t.api('PUT', '/admin/referral-rule', { token: admin, body: { rewardTemplateId: null } });
  });

  it('leaves the live invariant report green after all the races', async () => {
    const res = await t.api('GET', '/admin/invariants', { token: await f.adminToken() });
    expect(res.body).toMatchObject({ ok: true });
  });
});
