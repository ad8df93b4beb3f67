import { Clock } from '../src/common/clock';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 86_400_000;

/** Lifecycle thresholds per alliance, read by the member list with a moved clock (issue 12). */
describe(`lifecycle policy (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let buyer: { token: string; member: { id: string } };
  let idle: { token: string; member: { id: string } };
  let merchantAdmin: { token: string };
  const clock = () => t.app.get(Clock);
  const lifecycleOf = async (memberId: string) =>
    (await t.api('GET', `/admin/members/${memberId}`, { token: admin })).body.lifecycle;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    const shop = await f.merchant();
    const clerk = await f.staff(shop.id);
    merchantAdmin = await f.staff(shop.id, 'merchant_admin');
    buyer = await f.member();
    idle = await f.member();
    await f.purchase(clerk.token, buyer.token, 2_000);
  });
  afterEach(() => clock().reset());
  afterAll(() => t.close());

  it('labels a member whose last purchase was 70 days ago dormant, by the default policy', async () => {
    expect(await lifecycleOf(buyer.member.id)).toBe('new');
    clock().travelTo(new Date(Date.now() + 70 * DAY_MS));
    expect(await lifecycleOf(buyer.member.id)).toBe('dormant');
    expect(await lifecycleOf(idle.member.id)).toBe('never_bought');
    const dormant = await t.api('GET', '/admin/members?lifecycle=dormant', { token: admin });
    expect(dormant.body.items.map((m: any) => m.id)).toEqual([buyer.member.id]);
    const counts = await t.api('GET', '/admin/lifecycle-counts', { token: admin });
    expect(counts.body.counts).toEqual({ never_bought: 1, new: 0, active: 0, dormant: 1, lost: 0 });
    clock().travelTo(new Date(Date.now() + 181 * DAY_MS));
    expect(await lifecycleOf(buyer.member.id)).toBe('lost');
  });

  it('follows the alliance policy once it is set', async () => {
    const put = await t.api('PUT', '/admin/lifecycle-policy', {
      token: admin,
      body: { newDays: 7, dormantDays: 90, lostDays: 365 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ newDays: 7, dormantDays: 90, lostDays: 365 });
    expect((await t.api('GET', '/admin/lifecycle-policy', { token: admin })).body).toEqual(put.body);
    clock().travelTo(new Date(Date.now() + 70 * DAY_MS));
    expect(await lifecycleOf(buyer.member.id)).toBe('active');
    clock().travelTo(new Date(Date.now() + 200 * DAY_MS));
    expect(await lifecycleOf(buyer.member.id)).toBe('dormant');
    const active = await t.api('GET', '/admin/members?lifecycle=dormant', { token: admin });
    expect(active.body.items.map((m: any) => m.id)).toEqual([buyer.member.id]);
  });

  it('refuses thresholds out of order, out of bounds or of the wrong type, and merchant admins', async () => {
    const before = (await t.api('GET', '/admin/lifecycle-policy', { token: admin })).body;
    for (const body of [
      { newDays: 60, dormantDays: 60, lostDays: 180 },
      { newDays: 30, dormantDays: 200, lostDays: 180 },
      { newDays: 0, dormantDays: 60, lostDays: 180 },
      { newDays: 30, dormantDays: 60, lostDays: 100_000 },
      { newDays: 1.5, dormantDays: 60, lostDays: 180 },
      { newDays: '30', dormantDays: 60, lostDays: 180 },
      { newDays: 30, dormantDays: 60 },
      { newDays: 30, dormantDays: 60, lostDays: 180, extra: 1 },
    ]) {
      const res = await t.api('PUT', '/admin/lifecycle-policy', { token: admin, body });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
    }
    const merchant = await t.api('PUT', '/admin/lifecycle-policy', {
      token: merchantAdmin.token,
      body: { newDays: 30, dormantDays: 60, lostDays: 180 },
    });
    expectEnvelope(merchant, 403);
    expect((await t.api('GET', '/admin/lifecycle-policy', { token: admin })).body).toEqual(before);
  });
});
