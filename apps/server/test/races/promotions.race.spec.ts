import { MAX_COMBINED_MULTIPLIER_PERMILLE } from '@allycard/domain';
import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/**
 * Admins creating overlapping points promotions at the same moment: the stacking check and the
 * insert are serialised per alliance, so together they never pass the 5× cap.
 */
describe(`racing points promotions (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const stored = async (name: string) =>
    (
      await t.dataSource.query(`SELECT multiplier_permille AS m FROM points_promotions WHERE name LIKE ?`, [
        `${name}%`,
      ])
    ).map((r: { m: number | string }) => Number(r.m));

  it('creates at most the promotions that fit under the cap together', async () => {
    const tokens = [await f.adminToken(), await f.adminToken()];
    const window = { startsAt: '2027-03-01T00:00:00+08:00', endsAt: '2027-03-08T00:00:00+08:00' };
    for (const round of [1, 2, 3]) {
      // six 2× promotions over one week, alliance-wide, all at once: 2 × 2 = 4× fits, a third makes 8×
      const name = `抢建${round}-`;
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          t.api('POST', '/admin/benefits/promotions', {
            token: tokens[i % 2],
            body: { name: `${name}${i}`, multiplierPermille: 2000, ...window, merchantIds: null },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 201, 400, 400, 400, 400]);
      for (const a of answers.filter((x) => x.status === 400))
        expect(a.body.error.code).toBe('VALIDATION_FAILED');
      const rows = await stored(name);
      expect(rows).toEqual([2000, 2000]);
      expect(rows.reduce((p: number, m: number) => (p * m) / 1000, 1000)).toBeLessThanOrEqual(
        MAX_COMBINED_MULTIPLIER_PERMILLE,
      );
      // the next round in a fresh week: remove this one's
      const list = (await t.api('GET', '/admin/benefits/promotions', { token: tokens[0] })).body;
      for (const p of list)
        expect(
          (await t.api('DELETE', `/admin/benefits/promotions/${p.id}`, { token: tokens[0] })).status,
        ).toBe(200);
    }
  });
});
