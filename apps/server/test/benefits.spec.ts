import { Clock } from '../src/common/clock';
import { BirthdayGiftsService } from '../src/benefits/birthday-gifts.service';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const at = (s: string) => new Date(s);

describe(`member benefits (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let clock: Clock;
  let gifts: BirthdayGiftsService;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    clock = t.app.get(Clock);
    gifts = t.app.get(BirthdayGiftsService);
  });
  afterEach(() => clock.reset());
  afterAll(() => t.close());

  const putBenefits = (body: unknown, token = admin) => t.api('PUT', '/admin/benefits', { token, body });
  const me = (token: string) => t.api('GET', '/me', { token }).then((r) => r.body);
  const patchMe = (token: string, body: object) => t.api('PATCH', '/me', { token, body });
  const giftRows = (memberId: string) =>
    t.dataSource.query(`SELECT year, coupon_id, points FROM birthday_gifts WHERE member_id = ?`, [memberId]);
  const birthdayCoupons = (memberId: string) =>
    t.dataSource.query(`SELECT id FROM coupons WHERE member_id = ? AND source = 'birthday'`, [memberId]);

  it('validates PUT /admin/benefits: a 31st, both day kinds, another alliance’s template, a member — 4xx, nothing changed', async () => {
    const template = await f.template({ title: '生日券' });
    const ok = await putBenefits({
      birthday: { couponTemplateId: template.id, points: 100 },
      memberDay: { weekday: 6, pointsMultiplierPermille: 2000 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      birthday: { couponTemplateId: template.id, points: 100 },
      memberDay: { weekday: 6, monthDay: null, pointsMultiplierPermille: 2000, minTierCode: null },
      maxMultiplierPermille: 5000,
    });
    const before = (await t.api('GET', '/admin/benefits', { token: admin })).body;

    const day31 = await putBenefits({
      birthday: null,
      memberDay: { monthDay: 31, pointsMultiplierPermille: 2000 },
    });
    expectEnvelope(day31, 400, 'VALIDATION_FAILED');
    expectEnvelope(
      await putBenefits({
        birthday: null,
        memberDay: { weekday: 1, monthDay: 3, pointsMultiplierPermille: 2000 },
      }),
      400,
      'VALIDATION_FAILED',
    );
    const tooMuch = await putBenefits({
      birthday: null,
      memberDay: { weekday: 1, pointsMultiplierPermille: 9000 },
    });
    expectEnvelope(tooMuch, 400, 'VALIDATION_FAILED');
    expectEnvelope(
      await putBenefits({ birthday: {}, memberDay: null }), // neither coupon nor points
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await putBenefits({
        birthday: null,
        memberDay: { weekday: 1, pointsMultiplierPermille: 2000, minTierCode: 'nope' },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(await putBenefits({ memberDay: null }), 400, 'VALIDATION_FAILED');

    // a template of another alliance, made in the database (no API makes a second alliance)
    const foreign = await f.template({ title: '外盟券' });
    const [{ id: otherAlliance }] = await t.dataSource.query(`SELECT MAX(id) + 1 AS id FROM alliances`);
    await t.dataSource.query(`UPDATE coupon_templates SET alliance_id = ? WHERE id = ?`, [
      otherAlliance,
      foreign.id,
    ]);
    expectEnvelope(
      await putBenefits({ birthday: { couponTemplateId: foreign.id }, memberDay: null }),
      404,
      'NOT_FOUND',
    );
    const m = await f.member();
    expectEnvelope(await putBenefits({ birthday: null, memberDay: null }, m.token), 403, 'FORBIDDEN');
    expect((await t.api('GET', '/admin/benefits', { token: admin })).body).toEqual(before);
  });

  it('earns ¥100 at a 1.5× tier on a 2× member day 300 points, shown so before paying; 150 the day after; a partial refund claws back in proportion', async () => {
    // a ladder without tier discounts, so that ¥100 is what is paid
    const tiers = [
      {
        code: 'normal',
        name: '普通会员',
        minSpendFen: 0,
        discountPermille: 1000,
        pointsMultiplierPermille: 1000,
      },
      {
        code: 'gold',
        name: '金卡',
        minSpendFen: 300_000,
        discountPermille: 1000,
        pointsMultiplierPermille: 1500,
      },
    ];
    expect((await t.api('PUT', '/admin/tiers', { token: admin, body: { tiers } })).status).toBe(200);
    expect(
      (await putBenefits({ birthday: null, memberDay: { weekday: 6, pointsMultiplierPermille: 2000 } }))
        .status,
    ).toBe(200);
    const merchant = await f.merchant();
    const manager = await f.staff(merchant.id, 'merchant_admin');
    const m = await f.member();
    const grant = await t.api('POST', `/admin/members/${m.member.id}/tier-grant`, {
      token: admin,
      body: { tierCode: 'gold', until: '2027-12-31T00:00:00Z', reason: '测试金卡' },
    });
    expect(grant.status).toBe(200);
    const pay = paidOrders(t);
    const body = { merchantId: merchant.id, amountFen: 10_000 };

    clock.travelTo(at('2026-12-12T10:00:00+08:00')); // a Saturday
    expect((await t.api('GET', '/benefits', { token: m.token })).body.today).toMatchObject({
      memberDay: true,
    });
    const preview = (await t.api('POST', '/orders/preview', { token: m.token, body })).body;
    expect(preview).toMatchObject({
      payableFen: 10_000,
      pointsEarned: 300,
      earning: { multiplierPermille: 3000, memberDay: true, capped: false },
    });
    const saturday = await pay.pay(m.token, body);
    expect(saturday.pointsEarned).toBe(300);

    clock.travelTo(at('2026-12-13T10:00:00+08:00'));
    const sundayPreview = (await t.api('POST', '/orders/preview', { token: m.token, body })).body;
    expect(sundayPreview).toMatchObject({ pointsEarned: 150, earning: { memberDay: false } });
    const sunday = await pay.pay(m.token, body);
    expect(sunday.pointsEarned).toBe(150);
    expect((await me(m.token)).points).toBe(450);

    const refund = await t.api('POST', `/staff/orders/${saturday.id}/refund`, {
      token: manager.token,
      body: { amountFen: 4_000 },
    });
    expect(refund.status).toBe(200);
    await pay.settled(m.token, saturday.id, 4_000);
    expect((await me(m.token)).points).toBe(450 - 120); // 40% of 300
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
    await t.api('PUT', '/admin/benefits', { token: admin, body: { birthday: null, memberDay: null } });
  });

  it('gives the birthday gift once: the job at the day’s start, a rerun or an edit gives nothing more; set today → at once', async () => {
    const template = await f.template({ title: '生日快乐券', stock: 100 });
    expect(
      (await putBenefits({ birthday: { couponTemplateId: template.id, points: 200 }, memberDay: null }))
        .status,
    ).toBe(200);
    const a = await f.member();
    const b = await f.member();

    clock.travelTo(at('2026-12-19T12:00:00+08:00'));
    expect((await patchMe(a.token, { birthday: '1990-12-20' })).status).toBe(200);
    expect(await gifts.issueDue()).toBe(0);
    expect(await giftRows(a.member.id)).toEqual([]);

    clock.travelTo(at('2026-12-20T00:01:00+08:00'));
    expect(await gifts.issueDue()).toBe(1);
    expect(await gifts.issueDue()).toBe(0);
    expect((await patchMe(a.token, { nickname: '寿星' })).status).toBe(200);
    expect(await giftRows(a.member.id)).toEqual([expect.objectContaining({ year: 2026, points: 200 })]);
    expect(await birthdayCoupons(a.member.id)).toHaveLength(1);
    expect((await me(a.token)).points).toBe(200);
    const benefits = (await t.api('GET', '/benefits', { token: a.token })).body;
    expect(benefits.today).toMatchObject({ birthday: true, memberDay: false, birthdayGift: { points: 200 } });
    expect(benefits.birthday).toMatchObject({
      couponTitle: '生日快乐券',
      points: 200,
      memberBirthday: '1990-12-20',
    });

    // b sets a birthday of today later that day: the gift at once
    clock.travelTo(at('2026-12-20T15:00:00+08:00'));
    expect((await patchMe(b.token, { birthday: '1995-12-20' })).body.points).toBe(200);
    expect(await giftRows(b.member.id)).toHaveLength(1);
    expect((await me(b.token)).points).toBe(200);
    expect(await gifts.issueDue()).toBe(0);

    // next year: once more
    clock.travelTo(at('2027-12-20T08:00:00+08:00'));
    expect(await gifts.issueDue()).toBe(2);
    expect(await giftRows(a.member.id)).toHaveLength(2);
  });

  it('gives today’s birthdays their gift at once when the operator turns the gift on', async () => {
    await putBenefits({ birthday: null, memberDay: null });
    const m = await f.member();
    clock.travelTo(at('2027-01-10T09:00:00+08:00'));
    expect((await patchMe(m.token, { birthday: '1993-01-10' })).status).toBe(200);
    expect(await giftRows(m.member.id)).toEqual([]);
    expect((await putBenefits({ birthday: { points: 66 }, memberDay: null })).status).toBe(200);
    expect(await giftRows(m.member.id)).toEqual([expect.objectContaining({ year: 2027, points: 66 })]);
    expect((await putBenefits({ birthday: { points: 66 }, memberDay: null })).status).toBe(200);
    expect(await giftRows(m.member.id)).toHaveLength(1);
    expect((await me(m.token)).points).toBe(66);
  });

  it('locks a set birthday for 12 months and refuses one in the future or before 1900, nothing changed', async () => {
    const m = await f.member();
    clock.travelTo(at('2026-12-22T10:00:00+08:00'));
    expect((await patchMe(m.token, { birthday: '1991-03-01' })).status).toBe(200);
    expect((await patchMe(m.token, { birthday: '1991-03-01' })).status).toBe(200); // the same: no change
    const locked = await patchMe(m.token, { birthday: '1991-12-22' });
    expectEnvelope(locked, 409, 'BIRTHDAY_LOCKED');
    expect(locked.body.error.message).toMatch(/12 个月内不能修改/);
    clock.travelTo(at('2027-12-21T10:00:00+08:00'));
    expectEnvelope(await patchMe(m.token, { birthday: '1991-04-01' }), 409, 'BIRTHDAY_LOCKED');
    expect((await me(m.token)).birthday).toBe('1991-03-01');
    clock.travelTo(at('2027-12-23T10:00:00+08:00'));
    expect((await patchMe(m.token, { birthday: '1991-04-01' })).body.birthday).toBe('1991-04-01');

    const n = await f.member();
    clock.travelTo(at('2026-06-01T10:00:00+08:00'));
    expectEnvelope(await patchMe(n.token, { birthday: '2026-06-02' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await patchMe(n.token, { birthday: '1899-12-31' }), 400, 'VALIDATION_FAILED');
    expect((await me(n.token)).birthday).toBeNull();
  });

  it('races: two job runs, and a job run with a PATCH /me, give exactly one gift', async () => {
    const template = await f.template({ title: '生日券', stock: 100 });
    expect(
      (await putBenefits({ birthday: { couponTemplateId: template.id, points: 50 }, memberDay: null }))
        .status,
    ).toBe(200);
    const members = await Promise.all([f.member(), f.member(), f.member(), f.member()]);
    clock.travelTo(at('2026-12-24T09:00:00+08:00'));
    for (const m of members.slice(0, 2))
      expect((await patchMe(m.token, { birthday: '1988-12-25' })).status).toBe(200);

    clock.travelTo(at('2026-12-25T00:01:00+08:00'));
    const [x, y] = await Promise.all([gifts.issueDue(), gifts.issueDue()]);
    expect(x + y).toBe(2);
    // a job run racing a member who sets today's birthday and one who edits the nickname
    const [, r1, r2] = await Promise.all([
      gifts.issueDue(),
      patchMe(members[2].token, { birthday: '1999-12-25' }),
      patchMe(members[0].token, { nickname: '圣诞宝宝' }),
      patchMe(members[3].token, { birthday: '2000-12-25', nickname: '小圣' }),
    ]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    for (const m of members.slice(0, 4)) {
      expect(await giftRows(m.member.id)).toHaveLength(1);
      expect(await birthdayCoupons(m.member.id)).toHaveLength(1);
      expect((await me(m.token)).points).toBe(50);
    }
    expect(await gifts.issueDue()).toBe(0);
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
  });

  it('gives task points once: completing the profile (nickname + birthday), binding a phone', async () => {
    const res = await putBenefits({
      birthday: null,
      memberDay: null,
      tasks: { profilePoints: 50, phonePoints: 30 },
    });
    expect(res.body.tasks).toEqual({ profilePoints: 50, phonePoints: 30 });
    const m = await f.member();
    const tasks = () => t.api('GET', '/benefits', { token: m.token }).then((r) => r.body.tasks);
    expect(await tasks()).toEqual([
      { code: 'profile', title: '完善资料（昵称和生日）', points: 50, done: false },
      { code: 'phone', title: '绑定手机号', points: 30, done: false },
    ]);
    expect((await patchMe(m.token, { nickname: '小李' })).status).toBe(200);
    expect((await me(m.token)).points).toBe(0);
    await Promise.all([
      patchMe(m.token, { birthday: '1992-01-15' }),
      patchMe(m.token, { birthday: '1992-01-15', nickname: '小李子' }),
    ]);
    expect((await patchMe(m.token, { nickname: '李' })).status).toBe(200);
    expect((await me(m.token)).points).toBe(50);
    const bind = async () =>
      t.api('POST', '/me/phone', { token: m.token, body: { code: await f.phoneCode('13800138000') } });
    expect((await bind()).body).toMatchObject({ points: 80, phoneMasked: expect.any(String) });
    expect((await bind()).status).toBe(200);
    expect((await me(m.token)).points).toBe(80);
    expect((await tasks()).map((x: any) => x.done)).toEqual([true, true]);
    // a changed setting does not pay a done task again
    await putBenefits({ birthday: null, memberDay: null, tasks: { profilePoints: 99, phonePoints: 99 } });
    await patchMe(m.token, { nickname: '李二' });
    expect((await me(m.token)).points).toBe(80);
  });
});
