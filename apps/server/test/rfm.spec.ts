import { Clock } from '../src/common/clock';
import { RfmJobs } from '../src/member-database/rfm.jobs';
import { quintiles } from '../src/member-database/rfm-scores';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 86_400_000;

describe('quintiles', () => {
  it('scores by the members ranked below, ties sharing the lowest rank', () => {
    expect(quintiles([10, 20, 30, 40, 50])).toEqual([1, 2, 3, 4, 5]);
    expect(quintiles([1, 2, 1, 3, 1])).toEqual([1, 4, 1, 5, 1]);
    expect(quintiles([7, 7, 7])).toEqual([1, 1, 1]);
    expect(quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintiles([])).toEqual([]);
  });
});

/**
 * R/F/M scores (issue 12): quintiles over the last 12 months, recomputed by the nightly job with the
 * moved clock, refreshed for the buyer after a purchase, shown on the member and filtered by segments.
 */
describe(`RFM scores (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let clerk: { token: string };
  let shopAdmin: { token: string };
  const m: Record<string, { token: string; member: { id: string } }> = {};
  const T = Date.now();

  /** A counter purchase dated `daysAgo` days before T. */
  const bought = async (who: string, amountFen: number, daysAgo: number) => {
    const made = await f.purchase(clerk.token, m[who].token, amountFen);
    await t.dataSource.query(`UPDATE redemptions SET created_at = ? WHERE id = ?`, [
      t.dataSource.driver.preparePersistentValue(new Date(T - daysAgo * DAY_MS), {
        type: 'datetime',
      } as never),
      made.id,
    ]);
  };
  const scores = async (who: string) =>
    (await t.api('GET', `/admin/members/${m[who].member.id}`, { token: admin })).body.rfm;
  const count = async (rfm: unknown, token = admin) =>
    t.api('POST', '/admin/segments/preview', { token, body: { filter: { rfm } } });

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    const shop = await f.merchant();
    clerk = await f.staff(shop.id);
    shopAdmin = await f.staff(shop.id, 'merchant_admin');
    for (const name of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']) m[name] = await f.member();
    await bought('m1', 1_000, 300);
    await bought('m2', 2_000, 200);
    await bought('m2', 2_000, 100);
    await bought('m3', 5_000, 50);
    await bought('m4', 1_000, 30);
    await bought('m4', 1_000, 20);
    await bought('m4', 1_000, 10);
    await bought('m5', 8_000, 400); // outside the 12 months
    await bought('m7', 9_000, 400); // outside
    await bought('m7', 2_000, 5);
    // m6 never bought; the night after T the job recomputes
    t.app.get(Clock).travelTo(new Date(T + DAY_MS / 4));
    await (t.app.get(RfmJobs) as unknown as { scheduledRecompute(): Promise<boolean> }).scheduledRecompute();
  });
  afterAll(() => t.close());

  it('ranks the members who bought in the 12 months into quintiles, as computed by hand', async () => {
    // R by last purchase: m1 300 d < m2 100 d < m3 50 d < m4 10 d < m7 5 d → 1 2 3 4 5
    // F by purchases: m1 1, m2 2, m3 1, m4 3, m7 1 → three 1s below 2 → m2 ⌊5·3/5⌋+1 = 4, m4 5
    // M by spend: m1 1000 < m7 2000 < m4 3000 < m2 4000 < m3 5000 → 1 2 3 4 5
    const expected: Record<string, [number, number, number, number, number]> = {
      m1: [1, 1, 1, 1, 1_000],
      m2: [2, 4, 4, 2, 4_000],
      m3: [3, 1, 5, 1, 5_000],
      m4: [4, 5, 3, 3, 3_000],
      m7: [5, 1, 2, 1, 2_000],
    };
    for (const [who, [r, fq, mq, purchases, spendFen]] of Object.entries(expected))
      expect({ who, ...(await scores(who)) }).toMatchObject({ who, r, f: fq, m: mq, purchases, spendFen });
    // computed at the moved clock (which goes on ticking from where it was put)
    expect(Date.parse((await scores('m1')).computedAt) - (T + DAY_MS / 4)).toBeLessThan(60_000);
    // nothing in the 12 months: no scores
    expect(await scores('m5')).toBeNull();
    expect(await scores('m6')).toBeNull();
    // the member list carries the same scores per row
    const listed = (await t.api('GET', '/admin/members?limit=100', { token: admin })).body.items;
    const row = (who: string) => listed.find((i: { id: string }) => i.id === m[who].member.id);
    for (const [who, [r, fq, mq]] of Object.entries(expected))
      expect({ who, rfm: row(who).rfm }).toEqual({ who, rfm: { r, f: fq, m: mq } });
    expect(row('m5').rfm).toBeNull();
    expect(row('m6').rfm).toBeNull();
  });

  it('filters segments by score bounds and refuses impossible ones', async () => {
    expect((await count({ rMin: 4 })).body.count).toBe(2); // m4, m7
    expect((await count({ fMin: 4, mMin: 4 })).body.count).toBe(1); // m2
    expect((await count({ rMax: 1 })).body.count).toBe(1); // m1
    expect((await count({ mMin: 1 })).body.count).toBe(5); // every scored member, not m5 or m6
    const saved = await t.api('POST', '/admin/segments', {
      token: admin,
      body: { name: '高价值', filter: { rfm: { mMin: 4, mMax: 5 } } },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ count: 2, filter: { rfm: { mMin: 4, mMax: 5 } } });
    expectEnvelope(await count({ rMin: 3, rMax: 2 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await count({ rMin: 6 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await count({ rMin: 0 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await count({}), 400, 'VALIDATION_FAILED');
    expectEnvelope(await count({ rScore: 3 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await count('high'), 400, 'VALIDATION_FAILED');
    // alliance-wide figures: not for a merchant admin
    expectEnvelope(await count({ rMin: 1 }, shopAdmin.token), 403, 'FORBIDDEN');
    const asShop = await t.api('GET', `/admin/members/${m.m1.member.id}`, { token: shopAdmin.token });
    expect(asShop.status).toBe(200);
    expect(asShop.body.rfm).toBeNull();
    const shopList = (await t.api('GET', '/admin/members', { token: shopAdmin.token })).body.items;
    expect(shopList.length).toBeGreaterThan(0);
    expect(shopList.map((i: { rfm: unknown }) => i.rfm)).toEqual(shopList.map(() => null));
  });

  it("refreshes the buyer's scores at its purchase against the others' figures of the night", async () => {
    // m1 buys ¥60 now: 2 purchases, ¥70 in the 12 months, the latest purchase of all
    await f.purchase(clerk.token, m.m1.token, 6_000);
    // R: 4 of the others bought earlier → ⌊5·4/5⌋+1 = 5; F: m3 and m7 have fewer than 2 → 3; M: all 4 below → 5
    expect(await scores('m1')).toMatchObject({ r: 5, f: 3, m: 5, purchases: 2, spendFen: 7_000 });
    // the others wait for the night
    expect(await scores('m7')).toMatchObject({ r: 5, f: 1, m: 2 });
    // the next night, exact again: m1 now ranks above m7 in recency and spend (m7: R 4, M 1), and
    // F has two 1s (m3, m7) below m1 and m2's two purchases → ⌊5·2/5⌋+1 = 3 each
    t.app.get(Clock).travelTo(new Date(T + DAY_MS + DAY_MS / 4));
    await (t.app.get(RfmJobs) as unknown as { scheduledRecompute(): Promise<boolean> }).scheduledRecompute();
    expect(await scores('m7')).toMatchObject({ r: 4, f: 1, m: 1 });
    expect(await scores('m1')).toMatchObject({ r: 5, f: 3, m: 5 });
    expect(await scores('m2')).toMatchObject({ r: 1, f: 3, m: 3 }); // now the oldest last purchase
  });
});
