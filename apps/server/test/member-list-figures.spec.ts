import { DailyStatsService } from '../src/reports/daily-stats';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { statsRows as statsRowsOf } from './stats-rows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PAID = `('paid', 'refunded', 'partially_refunded')`;

interface Figures {
  id: string;
  purchases: number;
  spendFen: number;
  lastPurchaseAt: string | null;
  joinedAt: string;
}

/**
 * The member list's figures (read from report_members, which the purchase events keep) against the
 * source tables: after paid orders, partial and full refunds, counter purchases and counter voids,
 * for the alliance admin and each merchant admin (members who joined or bought there, the figures at
 * it), in every sort, walked page by page; and each row equal to the member's own row computed from
 * the source (GET /admin/members/:id), lifecycle included.
 */
describe(`member list figures (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let allianceId: string;
  const shops: { id: string; clerk: { token: string }; boss: { token: string } }[] = [];
  const members: { token: string; member: { id: string } }[] = [];

  /** Every member's figures in the scope, summed here from orders and redemptions. */
  const fromSource = async (merchantId: string | null): Promise<Figures[]> => {
    const rows: { id: string; joined: string; join_merchant_id: string | null }[] = (
      await t.dataSource.query(
        'SELECT id, joined_at AS joined, join_merchant_id FROM members WHERE alliance_id = ?',
        [allianceId],
      )
    ).map((r: Record<string, unknown>) => ({
      id: String(r.id),
      joined: new Date(
        r.joined instanceof Date ? r.joined : `${String(r.joined).replace(' ', 'T')}Z`,
      ).toISOString(),
      join_merchant_id: r.join_merchant_id === null ? null : String(r.join_merchant_id),
    }));
    const purchases: { member_id: unknown; merchant_id: unknown; spend: unknown; at: unknown }[] =
      await t.dataSource.query(
        `SELECT member_id, merchant_id, payable_fen - refunded_fen AS spend, paid_at AS at FROM orders
         WHERE alliance_id = ? AND status IN ${PAID}
         UNION ALL
         SELECT member_id, merchant_id, amount_fen, created_at FROM redemptions
         WHERE alliance_id = ? AND amount_fen > 0 AND voided_at IS NULL`,
        [allianceId, allianceId],
      );
    const instant = (v: unknown) =>
      (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`)).toISOString();
    return rows
      .map((m) => {
        const mine = purchases.filter(
          (p) =>
            String(p.member_id) === m.id && (merchantId === null || String(p.merchant_id) === merchantId),
        );
        const last =
          mine
            .map((p) => instant(p.at))
            .sort()
            .pop() ?? null;
        return {
          visible: merchantId === null || m.join_merchant_id === merchantId || mine.length > 0,
          figures: {
            id: m.id,
            purchases: mine.length,
            spendFen: mine.reduce((s, p) => s + Number(p.spend), 0),
            lastPurchaseAt: last,
            joinedAt: m.joined,
          },
        };
      })
      .filter((m) => m.visible)
      .map((m) => m.figures);
  };

  /** The whole list in a sort, three rows a page through the cursors. */
  const walk = async (token: string, sort: string) => {
    const items: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res: any = await t.api(
        'GET',
        `/admin/members?limit=3&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('the walk did not end');
  };

  const desc = (key: (x: Figures) => string | number) => (a: Figures, b: Figures) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? 1 : -1;
    return Number(b.id) - Number(a.id);
  };
  const orders: Record<string, (x: Figures) => string | number> = {
    joinedAt: (x) => x.joinedAt,
    lastPurchaseAt: (x) => x.lastPurchaseAt ?? '',
    spendFen: (x) => x.spendFen,
  };

  const statsRows = () => statsRowsOf(t.dataSource, allianceId);

  const listEqualsSourceNow = async () => {
    for (const [scope, token] of [
      [null, admin] as const,
      ...shops.map((s) => [s.id, s.boss.token] as const),
    ]) {
      const expected = await fromSource(scope);
      expect(expected.length).toBeGreaterThan(scope === null ? 8 : 1);
      for (const [sort, key] of Object.entries(orders)) {
        const listed = await walk(token, sort);
        const figures = listed.map((m) => ({
          id: m.id,
          purchases: m.purchases,
          spendFen: m.spendFen,
          lastPurchaseAt: m.lastPurchaseAt,
          joinedAt: m.joinedAt,
        }));
        expect({ scope, sort, figures }).toEqual({ scope, sort, figures: [...expected].sort(desc(key)) });
        // each row as the member's own, computed from the source tables
        for (const m of listed) {
          const one = await t.api('GET', `/admin/members/${m.id}`, { token });
          expect(one.status).toBe(200);
          const { id, purchases, spendFen, lastPurchaseAt, lifecycle, tier, points, joinedAt } = one.body;
          expect(m).toMatchObject({
            id,
            purchases,
            spendFen,
            lastPurchaseAt,
            lifecycle,
            tier,
            points,
            joinedAt,
          });
        }
      }
    }
  };

  /**
   * The list's figures follow the purchase events after their commit (the refund notification's
   * listeners may still run when the test's request has its answer): equal to the source tables
   * within a few seconds, then compared once more so the last difference is the one reported.
   */
  const expectListEqualsSource = async () => {
    for (let attempt = 0; attempt < 25; attempt++) {
      try {
        return await listEqualsSourceNow();
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await listEqualsSourceNow();
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_SCALE: '100' });
    f = factories(t);
    const pay = paidOrders(t);
    admin = await f.adminToken();
    for (const name of ['列表甲店', '列表乙店']) {
      const shop = await f.merchant(name);
      shops.push({
        id: shop.id,
        clerk: await f.staff(shop.id),
        boss: await f.staff(shop.id, 'merchant_admin'),
      });
    }
    const qr = await f.qrcode(shops[0].id);
    for (let i = 0; i < 9; i++) members.push(await f.member(i < 3 ? { scene: qr.scene } : {}));
    [{ alliance_id: allianceId }] = await t.dataSource.query('SELECT alliance_id FROM members WHERE id = ?', [
      members[0].member.id,
    ]);
    allianceId = String(allianceId);
    const [a, b] = shops;
    // member 0: a counter purchase at A and one at B that is voided
    await f.purchase(a.clerk.token, members[0].token, 4_000);
    const voided = await f.purchase(b.clerk.token, members[0].token, 9_000);
    const v = await t.api('POST', `/staff/redemptions/${voided.id}/void`, {
      token: b.clerk.token,
      body: { reason: '输错' },
    });
    expect(v.status).toBe(200);
    // members 1–5: paid orders days apart, some refunded in part or in full, a counter purchase each
    for (let i = 1; i <= 5; i++) {
      const shop = shops[i % 2];
      const order = await pay.pay(
        members[i].token,
        { merchantId: shop.id, amountFen: 1_000 * i + 7 },
        new Date(Date.now() - i * 3 * DAY - 5 * HOUR),
      );
      if (i % 3 !== 0) {
        const refundFen = i === 4 ? order.payableFen : Math.floor(order.payableFen / 3);
        const res = await t.api('POST', `/staff/orders/${order.id}/refund`, {
          token: shop.boss.token,
          body: { amountFen: refundFen },
        });
        expect(res.status).toBe(200);
        await pay.settled(members[i].token, order.id, refundFen);
      }
      await f.purchase(shops[(i + 1) % 2].clerk.token, members[i].token, 500 * i);
    }
    // member 6: two counter purchases of the same amount as member 7's (ties in spend)
    await f.purchase(a.clerk.token, members[6].token, 2_500);
    await f.purchase(a.clerk.token, members[7].token, 2_500);
    // member 8 never buys
  }, 300_000);
  afterAll(() => t.close());

  it('pages the figures the source tables give, in every sort and scope', async () => {
    await expectListEqualsSource();
  }, 300_000);

  it('follows later refunds and voids, and a rebuild changes nothing', async () => {
    const [a] = shops;
    const sale = await f.purchase(a.clerk.token, members[8].token, 1_234);
    await expectListEqualsSource();
    const v = await t.api('POST', `/staff/redemptions/${sale.id}/void`, {
      token: a.clerk.token,
      body: { reason: '重复' },
    });
    expect(v.status).toBe(200);
    const pay = paidOrders(t);
    const order = await pay.pay(members[6].token, { merchantId: a.id, amountFen: 6_000 });
    const res = await t.api('POST', `/staff/orders/${order.id}/refund`, {
      token: a.boss.token,
      body: { amountFen: 6_000 },
    });
    expect(res.status).toBe(200);
    await pay.settled(members[6].token, order.id, 6_000);
    await expectListEqualsSource();
    const rebuilt = await t.api('POST', '/admin/reports/daily-stats/rebuild', { token: admin });
    expect(rebuilt.status).toBe(200);
    await expectListEqualsSource();
    // in batches of 2 members: each a transaction of its own, the same rows in the end
    const kept = await statsRows();
    expect(kept.report_members.length).toBeGreaterThan(9);
    expect(await t.app.get(DailyStatsService).rebuild(allianceId, 2)).toEqual(rebuilt.body);
    expect(await statsRows()).toEqual(kept);
  }, 300_000);
});
