import fc from 'fast-check';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { PointsJobs } from '../src/points/points.jobs';
import { eventually } from './pay-helpers';

describe(`points, tiers, mall and settlement (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
  });
  afterAll(() => t.close());

  const invariants = async () => (await t.api('GET', '/admin/invariants', { token: admin })).body;

  it('has the default policy and tiers, and validates changes', async () => {
    expect((await t.api('GET', '/admin/points-policy', { token: admin })).body).toEqual({
      earnFenPerPoint: 100,
      pointValueFen: 1,
      expiryMonths: 12,
    });
    const m = await f.member();
    expect((await t.api('GET', '/tiers', { token: m.token })).body.map((x: any) => x.name)).toEqual([
      '普通会员',
      '银卡',
      '金卡',
      '黑钻',
    ]);
    expectEnvelope(
      await t.api('PUT', '/admin/points-policy', {
        token: admin,
        body: { earnFenPerPoint: 0, pointValueFen: 1, expiryMonths: 12 },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await t.api('PUT', '/admin/points-policy', {
        token: m.token,
        body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
      }),
      403,
      'FORBIDDEN',
    );
    const noBase = {
      tiers: [
        { code: 'a', name: 'A', minSpendFen: 100, discountPermille: 1000, pointsMultiplierPermille: 1000 },
      ],
    };
    expectEnvelope(
      await t.api('PUT', '/admin/tiers', { token: admin, body: noBase }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('earns points at the counter at the rate times the tier multiplier, funded by the merchant', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    const r = await f.purchase(clerk.token, m.token, 12_345);
    expect(r.pointsEarned).toBe(123);
    const points = (await t.api('GET', '/me/points', { token: m.token })).body;
    expect(points).toMatchObject({ balance: 123, valueFen: 123, expiring: [] });
    const history = (await t.api('GET', '/me/points/history', { token: m.token })).body;
    expect(history[0]).toMatchObject({
      kind: 'earn',
      points: 123,
      merchantId: merchant.id,
      merchantName: merchant.name,
    });
    expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(123);
  });

  it('upgrades the tier right after a purchase and applies its multiplier from the next one', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 100_000); // ¥1000 reaches 银卡
    const me = (await t.api('GET', '/me', { token: m.token })).body;
    expect(me.tier).toEqual({ code: 'silver', name: '银卡' });
    expect(me.tierProgress).toMatchObject({
      spendFen: 100_000,
      next: { code: 'gold' },
      text: '再消费 ¥2000.00 升级金卡',
    });
    const next = await f.purchase(clerk.token, m.token, 10_000);
    expect(next.pointsEarned).toBe(120); // 100 points × 1.2
  });

  it('downgrades at the scheduled review when spend ages out, and follows a new ladder', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 300_000);
    expect((await t.api('GET', '/me', { token: m.token })).body.tier.code).toBe('gold');
    const jobs = t.app.get(PointsJobs);
    expect(await jobs.reviewTiers(new Date())).toBe(0);
    await jobs.reviewTiers(new Date(Date.now() + 366 * 86_400_000));
    expect((await t.api('GET', '/me', { token: m.token })).body.tier.code).toBe('normal');
  });

  it('expires points into breakage, earliest lots first, idempotently', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 5_000);
    const jobs = t.app.get(PointsJobs);
    const later = new Date(Date.now() + 14 * 31 * 86_400_000);
    const first = await jobs.expireDue(later);
    expect(first.points).toBeGreaterThanOrEqual(50);
    expect(await jobs.expireDue(later)).toEqual({ lots: 0, points: 0 });
    expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(0);
    const history = (await t.api('GET', '/me/points/history', { token: m.token })).body;
    expect(history[0]).toMatchObject({ kind: 'expire', points: -50 });
    expect((await invariants()).ok).toBe(true);
  });

  it('shows points expiring soon', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 2_000);
    const { PointsLot } = await import('../src/points/points.entities');
    const soon = new Date(Date.now() + 10 * 86_400_000);
    await t.dataSource.getRepository(PointsLot).update({ memberId: m.member.id }, { expiresAt: soon });
    expect((await t.api('GET', '/me/points', { token: m.token })).body.expiring).toEqual([
      { points: 20, expiresAt: soon.toISOString() },
    ]);
  });

  describe('mall', () => {
    it('redeems a pickup item, spending the earliest lots, and the item merchant’s clerk fulfils it once', async () => {
      const merchant = await f.merchant('街角咖啡');
      const other = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const otherClerk = await f.staff(other.id);
      const m = await f.member();
      await f.purchase(clerk.token, m.token, 15_000);
      const item = await f.mallItem({
        title: '手冲咖啡一杯',
        pointsPrice: 100,
        merchantId: merchant.id,
        perMemberLimit: 2,
      });
      expect(
        (await t.api('GET', '/mall/items', { token: m.token })).body.find((i: any) => i.id === item.id),
      ).toMatchObject({ remaining: 10, redeemedByMe: 0, merchantName: '街角咖啡' });

      const order = await t.api('POST', `/mall/items/${item.id}/redeem`, {
        token: m.token,
        body: { quantity: 1 },
      });
      expect(order.status).toBe(201);
      expect(order.body).toMatchObject({
        status: 'awaiting_pickup',
        pointsSpent: 100,
        quantity: 1,
        merchantName: '街角咖啡',
      });
      expect(order.body.pickupCode).toMatch(/^\d{10}$/);
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(50);
      expectEnvelope(
        await t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }),
        409,
        'INSUFFICIENT_POINTS',
      );
      expectEnvelope(
        await t.api('POST', '/staff/pickups', { token: clerk.token, body: { pickupCode: '123456' } }),
        404,
        'NOT_FOUND',
      );

      expectEnvelope(
        await t.api('POST', '/staff/pickups', {
          token: otherClerk.token,
          body: { pickupCode: order.body.pickupCode },
        }),
        404,
        'NOT_FOUND',
      );
      const done = await t.api('POST', '/staff/pickups', {
        token: clerk.token,
        body: { pickupCode: order.body.pickupCode },
      });
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('fulfilled');
      expectEnvelope(
        await t.api('POST', '/staff/pickups', {
          token: clerk.token,
          body: { pickupCode: order.body.pickupCode },
        }),
        409,
        'ALREADY_FULFILLED',
      );
      expect((await t.api('GET', '/me/mall-orders', { token: m.token })).body[0]).toMatchObject({
        id: order.body.id,
        status: 'fulfilled',
      });
    });

    it('issues the coupon of a coupon item in the same transaction', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const m = await f.member();
      await f.purchase(clerk.token, m.token, 10_000);
      const tpl = await f.template({ title: '积分兑换5元券' });
      const item = await f.mallItem({ fulfilment: 'coupon', couponTemplateId: tpl.id, pointsPrice: 80 });
      const order = await t.api('POST', `/mall/items/${item.id}/redeem`, {
        token: m.token,
        body: { quantity: 1 },
      });
      expect(order.body).toMatchObject({
        status: 'completed',
        pickupCode: null,
        coupon: { templateId: tpl.id, status: 'available' },
      });
      expect(
        (await t.api('GET', '/me/coupons', { token: m.token })).body.map((c: any) => c.templateId),
      ).toContain(tpl.id);
    });

    it('validates items and redemptions', async () => {
      const merchant = await f.merchant();
      for (const body of [
        {
          title: 'x',
          pointsPrice: 10,
          cashFen: 100,
          stock: 1,
          perMemberLimit: 1,
          fulfilment: 'coupon',
          couponTemplateId: '1',
        },
        { title: 'x', pointsPrice: 10, cashFen: 0, stock: 1, perMemberLimit: 1, fulfilment: 'pickup' },
        { title: 'x', pointsPrice: 10, cashFen: 0, stock: 1, perMemberLimit: 1, fulfilment: 'coupon' },
        {
          title: 'x',
          pointsPrice: 0,
          cashFen: 0,
          stock: 1,
          perMemberLimit: 1,
          fulfilment: 'pickup',
          merchantId: merchant.id,
        },
      ]) {
        expectEnvelope(
          await t.api('POST', '/admin/mall/items', { token: admin, body }),
          400,
          'VALIDATION_FAILED',
        );
      }
      const m = await f.member();
      const item = await f.mallItem({ merchantId: merchant.id });
      expectEnvelope(
        await t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 0 } }),
        400,
        'VALIDATION_FAILED',
      );
      expectEnvelope(
        await t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: '1' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectEnvelope(
        await t.api('POST', `/mall/items/999999/redeem`, { token: m.token, body: { quantity: 1 } }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('rewards the referrer with points when configured', async () => {
    const rule = await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: null, rewardPoints: 200 },
    });
    expect(rule.body).toEqual({ rewardTemplateId: null, rewardPoints: 200 });
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const sender = await f.member();
    const c = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
    const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    await f.purchase(clerk.token, friend.body.token, 1_000);
    const history = (await t.api('GET', '/me/points/history', { token: sender.token })).body;
    expect(history[0]).toMatchObject({ kind: 'reward', points: 200 });
    await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: null, rewardPoints: 0 },
    });
  });

  it('settles a period: per-merchant positions plus breakage and members sum to zero', async () => {
    const a = await f.merchant('结算甲');
    const b = await f.merchant('结算乙');
    const [clerkA, clerkB] = await Promise.all([f.staff(a.id), f.staff(b.id)]);
    const m = await f.member();
    await f.purchase(clerkA.token, m.token, 30_000); // 300 points funded by A
    const item = await f.mallItem({ pointsPrice: 120, merchantId: b.id });
    await t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }); // 120 redeemed at B
    const allianceCoupon = await f.claim(m.token, (await f.template({ valueFen: 700 })).id);
    await f.purchase(clerkB.token, m.token, 2_000, allianceCoupon.id); // alliance bears ¥7 at B

    const report = (await t.api('GET', '/admin/reports/settlement', { token: admin })).body;
    expect(report.balanced).toBe(true);
    expect(report.totalNetFen).toBe(0);
    const rowA = report.rows.find((r: any) => r.merchantId === a.id);
    const rowB = report.rows.find((r: any) => r.merchantId === b.id);
    expect(rowA).toMatchObject({ pointsFunded: 300, pointsRedeemed: 0, pointsNetFen: -300, netFen: -300 });
    expect(rowB).toMatchObject({ pointsFunded: 13, pointsRedeemed: 120, couponsRedeemedHereFen: 700 });
    expect(rowB.netFen).toBe(120 - 13 + 700);

    const boss = await f.staff(a.id, 'merchant_admin');
    const own = (await t.api('GET', '/admin/reports/settlement', { token: boss.token })).body;
    expect(own.rows.map((r: any) => r.merchantId)).toEqual([a.id]);

    const csv = await t.api('GET', '/admin/reports/settlement?format=csv', { token: admin });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toContain('结算甲');
    expectEnvelope(
      await t.api('GET', '/admin/reports/settlement?from=yesterday', { token: admin }),
      400,
      'VALIDATION_FAILED',
    );
    const empty = (
      await t.api('GET', '/admin/reports/settlement?from=2020-01-01&to=2020-02-01', { token: admin })
    ).body;
    expect(empty.rows.every((r: any) => r.netFen === 0)).toBe(true);
  });

  it('keeps every ledger invariant through random sequences of earn, spend, expire, pay and refund (fast-check)', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const item = await f.mallItem({
      pointsPrice: 37,
      stock: 100_000,
      perMemberLimit: 100,
      merchantId: merchant.id,
    });
    const jobs = t.app.get(PointsJobs);
    const step = fc.oneof(
      fc.record({ op: fc.constant('earn' as const), fen: fc.integer({ min: 100, max: 20_000 }) }),
      fc.record({ op: fc.constant('spend' as const), quantity: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ op: fc.constant('expire' as const), months: fc.integer({ min: 1, max: 15 }) }),
      fc.record({
        op: fc.constant('pay' as const),
        fen: fc.integer({ min: 200, max: 30_000 }),
        points: fc.integer({ min: 0, max: 500 }),
      }),
      fc.record({ op: fc.constant('refund' as const), share: fc.integer({ min: 1, max: 100 }) }),
    );
    const balance = async (token: string) =>
      (await t.api('GET', '/me/points', { token })).body.balance as number;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const m = await f.member();
        const paid: { id: string; payableFen: number; refundedFen: number }[] = [];
        let expected = 0;
        for (const s of steps) {
          if (s.op === 'earn') {
            expected += (await f.purchase(clerk.token, m.token, s.fen)).pointsEarned;
          } else if (s.op === 'spend') {
            const res = await t.api('POST', `/mall/items/${item.id}/redeem`, {
              token: m.token,
              body: { quantity: s.quantity },
            });
            if (res.status === 201) expected -= 37 * s.quantity;
            else expect(res.body.error.code).toBe('INSUFFICIENT_POINTS');
          } else if (s.op === 'pay') {
            const created = await t.api('POST', '/orders', {
              token: m.token,
              body: { merchantId: merchant.id, amountFen: s.fen, points: s.points },
            });
            expect(created.status).toBe(201);
            const order = created.body.order;
            if (order.status === 'pending')
              await t.http('POST', `/sandbox/wechat/pay/${order.outTradeNo}/confirm`);
            const after = (await t.api('GET', `/orders/${order.id}`, { token: m.token })).body;
            expect(after.status).toBe('paid');
            expected += after.pointsEarned - after.pointsUsed;
            if (after.payableFen > 0)
              paid.push({ id: after.id, payableFen: after.payableFen, refundedFen: 0 });
          } else if (s.op === 'refund' && paid.length) {
            // Refund part (or all) of the last paid order, then wait for WeChat's refund notification.
            const o = paid[paid.length - 1];
            const amountFen = Math.max(1, Math.floor(((o.payableFen - o.refundedFen) * s.share) / 100));
            const res = await t.api('POST', `/staff/orders/${o.id}/refund`, {
              token: clerk.token,
              body: { amountFen },
            });
            expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({
              status: 200,
              body: null,
            });
            o.refundedFen += amountFen;
            if (o.refundedFen >= o.payableFen) paid.pop();
            await eventually(
              () => t.api('GET', `/orders/${o.id}`, { token: m.token }).then((r) => r.body.refundedFen),
              (refunded) => refunded === o.refundedFen,
            );
          }
          if (s.op === 'expire') {
            // Expiry far ahead may take this member's lots (and other members'): re-read the balance.
            await jobs.expireDue(new Date(Date.now() + s.months * 31 * 86_400_000));
          }
          if (s.op === 'expire' || s.op === 'refund') expected = await balance(m.token);
          expect(await balance(m.token)).toBe(expected);
          expect(expected).toBeGreaterThanOrEqual(0);
        }
        const report = await invariants();
        expect(report).toMatchObject({ ok: true });
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
