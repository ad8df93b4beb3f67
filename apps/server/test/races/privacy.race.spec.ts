import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/**
 * DELETE /me racing a claim, an order and a counter purchase of the same member (issue 15): whichever
 * commits first, nothing answers 5xx, the closed member holds no usable coupon or points, and the
 * invariants hold.
 */
describe(`account closure races (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shop: { id: string };
  let clerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    shop = await f.merchant();
    clerk = await f.staff(shop.id);
  });
  afterAll(() => t.close());

  it('closing while claiming, ordering and buying at the counter leaves nothing behind, 10 times', async () => {
    const tpl = await f.template({ stock: 1_000, perMemberLimit: 20 });
    const later = (ms: number, send: () => Promise<any>) =>
      new Promise((r) => setTimeout(r, ms)).then(send) as ReturnType<typeof send>;
    // spread over the closure's run, so some pass the token check before it commits and write after
    const rounds = Array.from({ length: 10 }, async () => {
      const m = await f.member();
      await f.purchase(clerk.token, m.token, 30_000);
      const code = await f.memberCode(m.token);
      const results = await Promise.all([
        t.api('DELETE', '/me', { token: m.token, body: { confirm: '注销' } }),
        ...[0, 3, 6, 9, 12, 15, 20, 25].flatMap((ms) => [
          later(ms, () => t.api('POST', `/offers/${tpl.id}/claim`, { token: m.token })),
          later(ms, () =>
            t.api('POST', '/orders', {
              token: m.token,
              body: { merchantId: shop.id, amountFen: 5_000, points: 10 },
            }),
          ),
          later(ms, () =>
            t.api('POST', '/staff/redemptions', {
              token: clerk.token,
              body: { memberCode: code, amountFen: 2_000 },
            }),
          ),
        ]),
      ]);
      return { m, results };
    });
    for (const { m, results } of await Promise.all(rounds)) {
      expect(results.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
      expect(results[0].status).toBe(200);
      for (const r of results.filter((x) => x.status >= 400)) expect([401, 409, 422]).toContain(r.status);
      const [row] = await t.dataSource.query('SELECT points, closed_at FROM members WHERE id = ?', [
        m.member.id,
      ]);
      expect(Number(row.points)).toBe(0);
      expect(row.closed_at).not.toBeNull();
      expect(
        await t.dataSource.query(
          "SELECT id, status FROM coupons WHERE member_id = ? AND status IN ('available', 'locked', 'sharing')",
          [m.member.id],
        ),
      ).toEqual([]);
      expect(
        await t.dataSource.query("SELECT id FROM orders WHERE member_id = ? AND status = 'pending'", [
          m.member.id,
        ]),
      ).toEqual([]);
    }
    const invariants = await t.api('GET', '/admin/invariants', { token: admin });
    expect(invariants.body.checks.filter((c: any) => !c.ok)).toEqual([]);
    expect((await t.api('GET', '/admin/reports/settlement', { token: admin })).body.balanced).toBe(true);
  });

  it('two closures at once: one closes, the other is refused, and the member rejoins once', async () => {
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 10_000);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.api('DELETE', '/me', { token: m.token, body: { confirm: '注销' } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect([401, 409]).toContain(r.status);
    const [breakage] = await t.dataSource.query(
      "SELECT COUNT(*) AS n FROM points_transactions WHERE source_type = 'account_closure' AND member_id = ?",
      [m.member.id],
    );
    expect(Number(breakage.n)).toBe(1);
    const again = await Promise.all(
      Array.from({ length: 3 }, async () =>
        t.api('POST', '/join', { body: { code: await f.loginCode(m.openid) } }),
      ),
    );
    expect(again.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(again.map((r) => r.body.member.id)).size).toBe(1);
  });
});
