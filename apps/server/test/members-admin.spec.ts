import { TiersService } from '../src/points/tiers.service';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

/** The operator's member database: list, search, detail and timeline, scoping, bad input (issue 11). */
describe(`admin members (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shopA: { id: string };
  let shopB: { id: string };
  let adminA: { token: string };
  let adminB: { token: string };
  let clerkA: { token: string };
  let clerkB: { token: string };
  let buyer: { token: string; member: { id: string; cardNo: string } };
  let joinedAtB: { token: string; member: { id: string } };
  let stranger: { token: string; member: { id: string } };
  const phone = `139${String(Date.now()).slice(-8)}`;

  const get = (path: string, token = admin) => t.api('GET', path, { token });

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    shopA = await f.merchant('甲店');
    shopB = await f.merchant('乙店');
    adminA = await f.staff(shopA.id, 'merchant_admin');
    adminB = await f.staff(shopB.id, 'merchant_admin');
    clerkA = await f.staff(shopA.id);
    clerkB = await f.staff(shopB.id);
    const qrA = await f.qrcode(shopA.id, { campaign: 'spring' });
    const qrB = await f.qrcode(shopB.id);
    buyer = await f.member({ scene: qrA.scene });
    joinedAtB = await f.member({ scene: qrB.scene });
    stranger = await f.member();
    await t.api('PATCH', '/me', { token: buyer.token, body: { nickname: '小满Test' } });
    const bound = await t.api('POST', '/me/phone', {
      token: buyer.token,
      body: { code: await f.phoneCode(phone) },
    });
    expect(bound.status).toBe(200);
    // buyer: 2 counter purchases at A (¥100, ¥50), 1 at B (¥30), and a paid order at B of ¥80 refunded ¥20
    await f.purchase(clerkA.token, buyer.token, 10_000);
    await f.purchase(clerkA.token, buyer.token, 5_000);
    await f.purchase(clerkB.token, buyer.token, 3_000);
    const order = await paidOrders(t).pay(buyer.token, { merchantId: shopB.id, amountFen: 8_000 });
    const refund = await t.api('POST', `/staff/orders/${order.id}/refund`, {
      token: adminB.token,
      body: { amountFen: 2_000 },
    });
    expect(refund.status).toBe(200);
    await paidOrders(t).settled(buyer.token, order.id, 2_000);
  });
  afterAll(() => t.close());

  it('finds a member by full phone number, card number and nickname, never by a partial phone', async () => {
    for (const q of [phone, `+86 ${phone.slice(0, 3)} ${phone.slice(3)}`, buyer.member.cardNo, '小满']) {
      const res = await get(`/admin/members?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((m: any) => m.id)).toEqual([buyer.member.id]);
    }
    expect((await get(`/admin/members?q=${phone.slice(0, 7)}`)).body.items).toEqual([]);
    const row = (await get(`/admin/members?q=${phone}`)).body.items[0];
    expect(row).toMatchObject({
      cardNo: buyer.member.cardNo,
      nickname: '小满Test',
      phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      joinMerchantId: shopA.id,
      lifecycle: 'new',
      purchases: 4,
      // 100 + 50 + 30 + (80 − 20) yuan
      spendFen: 24_000,
      tierGrant: null,
    });
    expect(row.lastPurchaseAt).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(phone);
  });

  it('answers the detail: spend per merchant, points, coupons, timeline newest first', async () => {
    const res = await get(`/admin/members/${buyer.member.id}`);
    expect(res.status).toBe(200);
    const byMerchant = Object.fromEntries(res.body.spendByMerchant.map((r: any) => [r.merchantId, r]));
    expect(byMerchant[shopA.id]).toMatchObject({ purchases: 2, spendFen: 15_000 });
    expect(byMerchant[shopB.id]).toMatchObject({ purchases: 2, spendFen: 9_000 });
    expect(res.body).toMatchObject({
      purchases: 4,
      spendFen: 24_000,
      joinSource: 'qrcode',
      joinCampaign: 'spring',
    });
    expect(Array.isArray(res.body.coupons)).toBe(true);
    const types = res.body.timeline.map((e: any) => e.type);
    // (WeChat dates a payment to the second, so the order may read as paid in the second of the join)
    expect(types.filter((x: string) => x === 'joined')).toHaveLength(1);
    expect(types.filter((x: string) => x === 'purchase')).toHaveLength(4);
    expect(types).toContain('refund');
    expect(types).toContain('points');
    const times = res.body.timeline.map((e: any) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const joined = res.body.timeline.find((e: any) => e.type === 'joined');
    expect(joined.detail).toMatchObject({ source: 'qrcode', merchantId: shopA.id, campaign: 'spring' });
    expect(joined.detail.qrcodeId).toEqual(expect.any(String));
  });

  it('scopes a merchant admin to members who joined or bought at its merchant, with its own figures only', async () => {
    const idsFor = async (token: string) =>
      (await get('/admin/members?limit=100', token)).body.items.map((m: any) => m.id);
    const seenByA = await idsFor(adminA.token);
    const seenByB = await idsFor(adminB.token);
    expect(seenByA).toContain(buyer.member.id);
    expect(seenByA).not.toContain(joinedAtB.member.id);
    expect(seenByA).not.toContain(stranger.member.id);
    expect(seenByB).toEqual(expect.arrayContaining([buyer.member.id, joinedAtB.member.id]));
    expect(seenByB).not.toContain(stranger.member.id);

    const asA = await get(`/admin/members/${buyer.member.id}`, adminA.token);
    expect(asA.status).toBe(200);
    expect(asA.body).toMatchObject({ purchases: 2, spendFen: 15_000 });
    expect(asA.body.spendByMerchant).toEqual([{ merchantId: shopA.id, purchases: 2, spendFen: 15_000 }]);
    expect(asA.body.timeline.filter((e: any) => e.detail.merchantId === shopB.id)).toEqual([]);
    expectEnvelope(await get(`/admin/members/${joinedAtB.member.id}`, adminA.token), 404, 'NOT_FOUND');
    expectEnvelope(await get(`/admin/members/${stranger.member.id}`, adminB.token), 404, 'NOT_FOUND');

    for (const token of [clerkA.token, buyer.token]) {
      expectEnvelope(await get('/admin/members', token), 403, 'FORBIDDEN');
      expectEnvelope(await get(`/admin/members/${buyer.member.id}`, token), 403, 'FORBIDDEN');
    }
  });

  it('filters by tier, lifecycle, join merchant and join dates, and pages with a signed cursor', async () => {
    const ids = async (query: string) => {
      const res = await get(`/admin/members?limit=100&${query}`);
      expect(res.status).toBe(200);
      return res.body.items.map((m: any) => m.id) as string[];
    };
    expect(await ids(`joinMerchantId=${shopA.id}`)).toEqual([buyer.member.id]);
    expect(await ids('lifecycle=never_bought')).toEqual(
      expect.arrayContaining([joinedAtB.member.id, stranger.member.id]),
    );
    expect(await ids('lifecycle=never_bought')).not.toContain(buyer.member.id);
    expect(await ids('lifecycle=new')).toContain(buyer.member.id);
    expect(await ids('lifecycle=lost')).not.toContain(buyer.member.id);
    expect(await ids('tier=normal')).toContain(stranger.member.id);
    expect(await ids('joinedFrom=2000-01-01&joinedTo=2001-01-01')).toEqual([]);
    expect((await ids('sort=spendFen'))[0]).toBe(buyer.member.id);
    expect(await ids('sort=lastPurchaseAt')).toContain(stranger.member.id);

    for (const sort of ['joinedAt', 'lastPurchaseAt', 'spendFen']) {
      const all = await ids(`sort=${sort}`);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res: any = await get(`/admin/members?limit=1&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        paged.push(...res.body.items.map((m: any) => m.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    const first = (await get('/admin/members?limit=1')).body.nextCursor as string;
    const [body, mac] = first.split('.');
    const forged = Buffer.from(JSON.stringify(['joinedAt', '2999-01-01T00:00:00.000Z', '999999'])).toString(
      'base64url',
    );
    for (const cursor of [
      `${forged}.${mac}`,
      `${body}.${mac[0] === 'x' ? 'y' : 'x'}${mac.slice(1)}`,
      'garbage',
      `${body}`,
    ])
      expectEnvelope(
        await get(`/admin/members?cursor=${encodeURIComponent(cursor)}`),
        400,
        'VALIDATION_FAILED',
      );
    // a cursor of one sort is no cursor of another
    expectEnvelope(await get(`/admin/members?sort=spendFen&cursor=${first}`), 400, 'VALIDATION_FAILED');
  });

  it('refuses bad input with a 4xx envelope and never shows another alliance member', async () => {
    for (const query of [
      'unknown=1',
      'limit=101',
      'limit=0',
      'limit=abc',
      'joinedFrom=2026-13-01',
      'joinedFrom=2026-1-1',
      'joinedTo=yesterday',
      'joinedFrom=2026-06-01&joinedTo=2026-05-01',
      'joinedFrom=2020-01-01&joinedTo=2024-01-02',
      'lifecycle=sleepy',
      'sort=name',
      'tier=a&tier=b',
      'joinMerchantId=abc',
    ])
      expectEnvelope(await get(`/admin/members?${query}`), 400, 'VALIDATION_FAILED');
    expect((await get('/admin/members?joinedFrom=2023-01-01&joinedTo=2026-01-01')).status).toBe(200);
    for (const id of ['abc', '99999999', '1'.repeat(25)])
      expectEnvelope(await get(`/admin/members/${id}`), 404, 'NOT_FOUND');
    // a member of another alliance: made straight in the database, as no API makes a second alliance
    const [{ id: otherAlliance }] = await t.dataSource.query(`SELECT MAX(id) + 1 AS id FROM alliances`);
    await t.dataSource.query(
      `INSERT INTO members (alliance_id, openid, card_no, tier_code, points, join_source, joined_at, updated_at)
       VALUES (?, 'o_other', '88880000111122223', 'normal', 5, 'direct', ?, ?)`,
      [otherAlliance, '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000'],
    );
    const [{ id: otherId }] = await t.dataSource.query(`SELECT id FROM members WHERE openid = 'o_other'`);
    expectEnvelope(await get(`/admin/members/${otherId}`), 404, 'NOT_FOUND');
    expect((await get('/admin/members?q=88880000111122223')).body.items).toEqual([]);
    expectEnvelope(
      await t.api('POST', `/admin/members/${otherId}/phone-reveal`, { token: admin, body: { reason: 'x' } }),
      404,
      'NOT_FOUND',
    );
  });

  describe('operator actions', () => {
    const post = (path: string, body: unknown, token = admin, headers?: Record<string, string>) =>
      t.api('POST', path, { token, body, headers });

    it('grants a tier until a date: the member moves up, and no review or refund lowers it before then', async () => {
      const m = await f.member();
      const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const res = await post(`/admin/members/${m.member.id}/tier-grant`, {
        tierCode: 'gold',
        until,
        reason: '甄选 SVIP',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tier: { code: 'gold' }, tierGrant: { code: 'gold', until } });
      const tiers = t.app.get(TiersService);
      await tiers.review(
        res.body.id
          ? (await t.dataSource.query('SELECT alliance_id FROM members WHERE id = ?', [m.member.id]))[0]
              .alliance_id
          : '',
      );
      expect((await get(`/admin/members/${m.member.id}`)).body.tier.code).toBe('gold');
      // once the grant is over, the review gives what the spend earns
      const allianceId = String(
        (await t.dataSource.query('SELECT alliance_id FROM members WHERE id = ?', [m.member.id]))[0]
          .alliance_id,
      );
      await tiers.review(allianceId, new Date(Date.now() + 31 * 86_400_000));
      const after = (await get(`/admin/members/${m.member.id}`)).body;
      expect(after.tier.code).toBe('normal');
      expect(after.timeline.filter((e: any) => e.type === 'tier_changed').map((e: any) => e.detail)).toEqual([
        { from: 'gold', to: 'normal', reason: 'review' },
        { from: 'normal', to: 'gold', reason: 'grant' },
      ]);

      for (const body of [
        { tierCode: 'nope', until, reason: 'x' },
        { tierCode: 'gold', until: '2020-01-01T00:00:00Z', reason: 'x' },
        { tierCode: 'gold', until: '2027-01-01', reason: 'x' },
        { tierCode: 'gold', until },
        { tierCode: 'gold', until, reason: '' },
        { tierCode: 'gold', until, reason: ' \t ' },
        { tierCode: 'gold', until, reason: 'x', extra: 1 },
      ])
        expectEnvelope(
          await post(`/admin/members/${m.member.id}/tier-grant`, body),
          400,
          'VALIDATION_FAILED',
        );
    });

    it('adjusts points by double entry, never below 0, idempotently, and the invariants hold', async () => {
      const m = await f.member();
      const path = `/admin/members/${m.member.id}/points-adjustments`;
      const credit = await post(path, { points: 300, reason: '客诉补偿' }, admin, {
        'Idempotency-Key': `adj-${m.member.id}`,
      });
      expect(credit.status).toBe(201);
      expect(credit.body).toEqual({ balance: 300 });
      const again = await post(path, { points: 300, reason: '客诉补偿' }, admin, {
        'Idempotency-Key': `adj-${m.member.id}`,
      });
      expect(again.body).toEqual({ balance: 300 });
      expect((await post(path, { points: -100, reason: '误发' })).body).toEqual({ balance: 200 });
      expectEnvelope(await post(path, { points: -201, reason: '超扣' }), 409, 'INSUFFICIENT_POINTS');
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(200);
      for (const body of [
        { points: 0, reason: 'x' },
        { points: 1.5, reason: 'x' },
        { points: 10 },
        { points: 10, reason: '   ' },
        { points: '10', reason: 'x' },
      ])
        expectEnvelope(await post(path, body), 400, 'VALIDATION_FAILED');
      const postings = await t.dataSource.query(
        `SELECT p.account_kind, SUM(p.amount) AS total FROM points_postings p JOIN points_transactions x ON x.id = p.transaction_id
         WHERE x.member_id = ? AND x.kind = 'adjustment' GROUP BY p.account_kind ORDER BY p.account_kind`,
        [m.member.id],
      );
      expect(postings.map((p: any) => [p.account_kind, Number(p.total)])).toEqual([
        ['alliance_adjustment', -200],
        ['member', 200],
      ]);
      const invariants = await get('/admin/invariants');
      expect(invariants.body.checks.filter((c: any) => !c.ok)).toEqual([]);
    });

    it('never takes a balance below 0 however many debits race', async () => {
      const m = await f.member();
      const path = `/admin/members/${m.member.id}/points-adjustments`;
      expect((await post(path, { points: 500, reason: '活动' })).status).toBe(201);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => post(path, { points: -100, reason: '并发' })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      for (const r of results.filter((x) => x.status !== 201)) expectEnvelope(r, 409, 'INSUFFICIENT_POINTS');
      const [row] = await t.dataSource.query('SELECT points FROM members WHERE id = ?', [m.member.id]);
      expect(Number(row.points)).toBe(0);
      expect((await get('/admin/invariants')).body.checks.filter((c: any) => !c.ok)).toEqual([]);
    });

    it('reveals a phone for a reason, and audits every action and export', async () => {
      const revealed = await post(`/admin/members/${buyer.member.id}/phone-reveal`, { reason: '核实预约' });
      expect(revealed.status).toBe(200);
      expect(revealed.body).toEqual({ phone });
      for (const body of [{}, { reason: '  ' }])
        expectEnvelope(
          await post(`/admin/members/${buyer.member.id}/phone-reveal`, body),
          400,
          'VALIDATION_FAILED',
        );
      expectEnvelope(
        await post(`/admin/members/${stranger.member.id}/phone-reveal`, { reason: 'x' }),
        404,
        'NOT_FOUND',
      );

      const csv = await t.api('GET', `/admin/members.csv?joinMerchantId=${shopA.id}`, { token: admin });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (csv.body as string).trim().split('\r\n');
      expect(lines[0]).toContain('卡号');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(buyer.member.cardNo);
      expect(lines[1]).not.toContain(phone);
      expectEnvelope(
        await t.api('GET', '/admin/members.csv?limit=500', { token: admin }),
        400,
        'VALIDATION_FAILED',
      );

      const log = await get('/admin/audit-log?limit=100');
      expect(log.status).toBe(200);
      const actions = log.body.items.map((e: any) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['phone_reveal', 'members_export', 'tier_grant', 'points_adjustment']),
      );
      // The refused reveals (no reason, a blank one) left no row.
      expect(log.body.items.filter((e: any) => e.action === 'phone_reveal')).toHaveLength(1);
      const reveal = log.body.items.find((e: any) => e.action === 'phone_reveal');
      expect(reveal).toMatchObject({
        memberId: buyer.member.id,
        reason: '核实预约',
        actor: { role: 'alliance_admin', username: 'admin' },
      });
      expect(log.body.items.find((e: any) => e.action === 'members_export').detail).toEqual({
        filters: { joinMerchantId: shopA.id },
      });
      const page1 = await get('/admin/audit-log?limit=1');
      const page2 = await get(`/admin/audit-log?limit=1&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
      expectEnvelope(await get('/admin/audit-log?cursor=abc'), 400, 'VALIDATION_FAILED');
    });

    it('leaves operator actions and the audit log to the alliance admin', async () => {
      const id = buyer.member.id;
      for (const token of [adminA.token, adminB.token, clerkA.token, buyer.token]) {
        expectEnvelope(
          await post(
            `/admin/members/${id}/tier-grant`,
            { tierCode: 'gold', until: '2099-01-01T00:00:00Z', reason: 'x' },
            token,
          ),
          403,
          'FORBIDDEN',
        );
        expectEnvelope(
          await post(`/admin/members/${id}/points-adjustments`, { points: 10, reason: 'x' }, token),
          403,
          'FORBIDDEN',
        );
        expectEnvelope(
          await post(`/admin/members/${id}/phone-reveal`, { reason: 'x' }, token),
          403,
          'FORBIDDEN',
        );
        expectEnvelope(await get('/admin/audit-log', token), 403, 'FORBIDDEN');
      }
      // a merchant admin's export is its own members, and audited too
      const csv = await t.api('GET', '/admin/members.csv', { token: adminA.token });
      expect(csv.status).toBe(200);
      expect(csv.body).toContain(buyer.member.cardNo);
      const ids = (csv.body as string).split('\r\n').map((line) => line.split(',')[0]);
      expect(ids).toContain(buyer.member.id);
      expect(ids).not.toContain(joinedAtB.member.id);
      expectEnvelope(await t.api('GET', '/admin/members.csv', { token: clerkA.token }), 403, 'FORBIDDEN');
    });
  });
});
