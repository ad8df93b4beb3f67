import { addBusinessDays, businessDate, parseBusinessDate } from '@allycard/domain';
import { readReportPeriod } from '../src/reports/report-period';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { OverviewFromSource } from './overview-from-source';
import { paidOrders } from './paid-orders';
import { statsRows as statsRowsOf } from './stats-rows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator (mulberry32), so a failing history can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The daily stats (src/reports/daily-stats.ts) against the overview computed from the source tables
 * (test/overview-from-source.ts, the reports' first implementation): after events only, after a
 * rebuild (which must write exactly the rows the events kept), after history is rewritten behind
 * the events' back and rebuilt, and after more events on top of the rebuilt stats; for the alliance
 * and each merchant, over single days, weeks, 30 and 365 days, periods ending in the past.
 */
describe(`daily stats (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let orders: ReturnType<typeof paidOrders>;
  let admin: string;
  let source: OverviewFromSource;
  let allianceId: string;
  const shops: { id: string; clerk: { token: string }; boss: { token: string } }[] = [];
  const members: { token: string; member: { id: string } }[] = [];
  const rnd = random(20261207);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const today = businessDate(new Date());

  const periods = (() => {
    const list: [string, string][] = [];
    for (let i = -45; i <= 1; i++) list.push([addBusinessDays(today, i), addBusinessDays(today, i + 1)]);
    for (let i = -50; i <= 0; i += 4)
      list.push([addBusinessDays(today, i - 6), addBusinessDays(today, i + 1)]);
    list.push([addBusinessDays(today, -29), addBusinessDays(today, 1)]);
    list.push([addBusinessDays(today, -364), addBusinessDays(today, 1)]);
    list.push([addBusinessDays(today, -40), addBusinessDays(today, -10)]);
    list.push([addBusinessDays(today, -20), addBusinessDays(today, -19)]);
    return list;
  })();

  /** Every period and scope: the figures from the stats (over HTTP) equal those from the source. */
  const expectStatsEqualSource = async () => {
    let compared = 0;
    for (const merchantId of [null, ...shops.map((s) => s.id)])
      for (const [from, to] of periods) {
        const query = `from=${from}&to=${to}${merchantId ? `&merchantId=${merchantId}` : ''}`;
        const res = await t.api('GET', `/admin/reports/overview?${query}`, { token: admin });
        expect(res.status).toBe(200);
        const expected = await source.compute(allianceId, readReportPeriod(from, to), merchantId);
        if (JSON.stringify(res.body) !== JSON.stringify(expected))
          expect({ query, figures: res.body }).toEqual({ query, figures: expected });
        compared++;
      }
    return compared;
  };

  const statsRows = () => statsRowsOf(t.dataSource, allianceId);

  const rebuild = async () => {
    const res = await t.api('POST', '/admin/reports/daily-stats/rebuild', { token: admin });
    expect(res.status).toBe(200);
    return res.body;
  };

  /** A member's purchases: orders paid in the past (some refunded in part or whole), counter purchases. */
  const purchasesOf = async (member: { token: string }, count: number) => {
    for (let i = 0; i < count; i++) {
      const shop = pick(shops);
      if (rnd() < 0.3) {
        const sale = await f.purchase(shop.clerk.token, member.token, 100 + Math.floor(rnd() * 9_900));
        if (rnd() < 0.25) {
          const res = await t.api('POST', `/staff/redemptions/${sale.id}/void`, {
            token: shop.clerk.token,
            body: { reason: '输错' },
          });
          expect(res.status).toBe(200);
        }
        continue;
      }
      // hours before now, some around Shanghai midnight
      const back = rnd() < 0.3 ? Math.floor(rnd() * 40) * DAY + 16 * HOUR : Math.floor(rnd() * 40 * DAY);
      const amountFen = 100 + Math.floor(rnd() * 19_900);
      const order = await orders.pay(
        member.token,
        { merchantId: shop.id, amountFen },
        new Date(Date.now() - back),
      );
      const r = rnd();
      if (r < 0.3) {
        const refundFen = r < 0.1 ? order.payableFen : Math.max(1, Math.floor(order.payableFen / 3));
        const res = await t.api('POST', `/staff/orders/${order.id}/refund`, {
          token: shop.boss.token,
          body: { amountFen: refundFen },
        });
        expect(res.status).toBe(200);
        await orders.settled(member.token, order.id, refundFen);
      }
    }
  };

  beforeAll(async () => {
    // hundreds of report reads by one admin in a minute
    t = await startTestApp({ RATE_LIMIT_SCALE: '100' });
    f = factories(t);
    orders = paidOrders(t);
    source = new OverviewFromSource(t);
    admin = await f.adminToken();
    for (const name of ['统计甲店', '统计乙店', '统计丙店']) {
      const shop = await f.merchant(name);
      shops.push({
        id: shop.id,
        clerk: await f.staff(shop.id),
        boss: await f.staff(shop.id, 'merchant_admin'),
      });
    }
    const codes = [await f.qrcode(shops[0].id), await f.qrcode(shops[1].id)];
    for (let i = 0; i < 10; i++) members.push(await f.member(i < 6 ? { scene: codes[i % 2].scene } : {}));
    [{ alliance_id: allianceId }] = await t.dataSource.query('SELECT alliance_id FROM members WHERE id = ?', [
      members[0].member.id,
    ]);
    allianceId = String(allianceId);
    for (const [i, m] of members.entries()) await purchasesOf(m, i === 9 ? 0 : 1 + Math.floor(rnd() * 6));
    // an operator's tier grant moves a member between tiers
    const grant = await t.api('POST', `/admin/members/${members[1].member.id}/tier-grant`, {
      token: admin,
      body: { tierCode: 'gold', until: new Date(Date.now() + 30 * DAY).toISOString(), reason: '甄选会员' },
    });
    expect(grant.status).toBe(200);
  }, 300_000);
  afterAll(() => t.close());

  it('keeps the figures equal to the source’s through the events alone', async () => {
    expect(await expectStatsEqualSource()).toBe(4 * periods.length);
  }, 300_000);

  it('rebuilds exactly the rows the events kept', async () => {
    const kept = await statsRows();
    expect(kept.member_days.length).toBeGreaterThan(20);
    expect(kept.purchase_gaps.length).toBeGreaterThan(20);
    expect(await rebuild()).toEqual({ members: 10, memberDays: kept.member_days.length });
    expect(await statsRows()).toEqual(kept);
    await expectStatsEqualSource();
  }, 300_000);

  it('agrees with the source after history is rewritten and rebuilt, and after more events on top', async () => {
    const time = (d: Date) => t.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
    // joins spread over the last 50 days, counter purchases over the last 40: behind the events' back
    for (const m of members)
      await t.dataSource.query('UPDATE members SET joined_at = ? WHERE id = ?', [
        time(new Date(Date.now() - Math.floor(rnd() * 50 * DAY))),
        m.member.id,
      ]);
    const sales = await t.dataSource.query('SELECT id FROM redemptions WHERE alliance_id = ?', [allianceId]);
    expect(sales.length).toBeGreaterThan(2);
    for (const { id } of sales)
      await t.dataSource.query('UPDATE redemptions SET created_at = ? WHERE id = ?', [
        time(new Date(Date.now() - Math.floor(rnd() * 40 * DAY))),
        id,
      ]);
    await rebuild();
    await expectStatsEqualSource();
    // the previous day's last minute and the day's first, in Shanghai, on one member
    const edge = parseBusinessDate(addBusinessDays(today, -3))!.getTime();
    await orders.pay(
      members[9].token,
      { merchantId: shops[2].id, amountFen: 1_000 },
      new Date(edge - 60_000),
    );
    await orders.pay(
      members[9].token,
      { merchantId: shops[2].id, amountFen: 2_000 },
      new Date(edge + 60_000),
    );
    for (const m of members.slice(0, 4)) await purchasesOf(m, 2);
    await expectStatsEqualSource();
    const kept = await statsRows();
    await rebuild();
    expect(await statsRows()).toEqual(kept);
  }, 600_000);

  it('counts racing joins and racing purchases (of different members, and two of one member) once each', async () => {
    const joined = await Promise.all(Array.from({ length: 8 }, () => f.member()));
    members.push(...joined);
    const sales = await Promise.all(
      [...joined, ...members.slice(0, 4), ...members.slice(0, 4)].map((m, i) =>
        f.purchase(shops[i % shops.length].clerk.token, m.token, 1_000 + i),
      ),
    );
    expect(sales).toHaveLength(16);
    await expectStatsEqualSource();
    const kept = await statsRows();
    await rebuild();
    expect(await statsRows()).toEqual(kept);
  }, 600_000);
});
