import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const place = {
  address: '上海市黄浦区人民路 328 号',
  latitude: 31.229546,
  longitude: 121.488167,
  hoursText: '07:30–21:00',
  opensAt: '07:30',
  closesAt: '21:00',
  phone: '021-63281186',
};

/** Issue 14 item 10: stores with where and when, and 联盟商户 — what the card gives at each merchant. */
describe(`stores and 联盟商户 (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
  });
  afterAll(() => t.close());

  const addStore = (merchantId: string, body: unknown, token = admin) =>
    t.api('POST', `/admin/merchants/${merchantId}/stores`, { token, body });
  const patchStore = (merchantId: string, storeId: string, body: unknown, token = admin) =>
    t.api('PATCH', `/admin/merchants/${merchantId}/stores/${storeId}`, { token, body });

  it('adds a store with its address, coordinates, hours and phone, and changes or clears them', async () => {
    const merchant = await f.merchant();
    // A merchant's first store, made with the merchant, has no place yet.
    expect(merchant.stores[0]).toEqual({
      id: merchant.stores[0].id,
      name: merchant.name,
      address: null,
      latitude: null,
      longitude: null,
      hoursText: null,
      opensAt: null,
      closesAt: null,
      phone: null,
    });
    const created = await addStore(merchant.id, { name: '人民路店', ...place });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: '人民路店', ...place });

    // Six decimals are kept, more are rounded (SQLite would keep any float, MySQL rounds).
    const changed = await patchStore(merchant.id, created.body.id, {
      phone: '400-820-8820',
      hoursText: null,
      latitude: 31.12345678,
      longitude: -0.5,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      ...created.body,
      phone: '400-820-8820',
      hoursText: null,
      latitude: 31.123457,
      longitude: -0.5,
    });
    const cleared = await patchStore(merchant.id, created.body.id, {
      latitude: null,
      longitude: null,
      opensAt: null,
      closesAt: null,
      name: '人民路旗舰店',
    });
    expect(cleared.body).toMatchObject({
      name: '人民路旗舰店',
      latitude: null,
      longitude: null,
      opensAt: null,
    });
    expect(cleared.body.address).toBe(place.address);

    const detail = (await t.api('GET', `/admin/merchants/${merchant.id}`, { token: admin })).body;
    expect(detail.stores.map((s: any) => s.name)).toEqual([merchant.name, '人民路旗舰店']);
    expect(detail.stores[1]).toEqual(cleared.body);
    const list = (await t.api('GET', '/admin/merchants', { token: admin })).body;
    expect(list.find((m: any) => m.id === merchant.id).stores[1]).toEqual(cleared.body);
  });

  it('refuses bad places with the 400 envelope naming the field, and leaves the store as it was', async () => {
    const merchant = await f.merchant();
    const store = (await addStore(merchant.id, { name: '店', ...place })).body;
    const bad: [unknown, string][] = [
      [{ latitude: 90.5, longitude: 0 }, 'latitude'],
      [{ latitude: -91, longitude: 0 }, 'latitude'],
      [{ latitude: 0, longitude: 180.01 }, 'longitude'],
      [{ latitude: 0, longitude: -181 }, 'longitude'],
      [{ latitude: '31.2', longitude: 121.4 }, 'latitude'],
      [{ latitude: null }, 'latitude'],
      [{ phone: '021 6328 1186' }, 'phone'],
      [{ phone: '电话021-63281186' }, 'phone'],
      [{ phone: '-0216328' }, 'phone'],
      [{ phone: '1234' }, 'phone'],
      [{ phone: '1'.repeat(21) }, 'phone'],
      [{ address: 'x'.repeat(129) }, 'address'],
      [{ address: '' }, 'address'],
      [{ hoursText: 'x'.repeat(65) }, 'hoursText'],
      [{ opensAt: '25:00', closesAt: '21:00' }, 'opensAt'],
      [{ opensAt: '8:00', closesAt: '21:00' }, 'opensAt'],
      [{ closesAt: null }, 'opensAt'],
      [{ opensAt: '09:00', closesAt: '09:00' }, 'closesAt'],
      [{ name: '' }, 'name'],
      [{ name: null }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ rating: 5 }, 'rating'],
    ];
    for (const [body, field] of bad) {
      const res = await patchStore(merchant.id, store.id, body);
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    // On a new store a lone coordinate or time has no partner to keep.
    const badNew: [unknown, string][] = [
      // (clearing what a new store does not have is no mistake)
      ...bad.filter(
        ([body, field]) => field !== 'name' && Object.values(body as object).some((v) => v !== null),
      ),
      [{ latitude: 31.2 }, 'latitude'],
      [{ longitude: 121.4 }, 'latitude'],
      [{ opensAt: '08:00' }, 'opensAt'],
    ];
    for (const [body, field] of badNew) {
      const res = await addStore(merchant.id, { name: '新店', ...(body as object) });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expectEnvelope(await addStore(merchant.id, { ...place }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await addStore(merchant.id, ['人民路店']), 400, 'VALIDATION_FAILED');
    const detail = (await t.api('GET', `/admin/merchants/${merchant.id}`, { token: admin })).body;
    expect(detail.stores).toEqual([expect.objectContaining({ name: merchant.name }), store]);
  });

  it('keeps stores to their alliance and merchant: anything else is 404, and only the alliance admin edits', async () => {
    const merchant = await f.merchant();
    const other = await f.merchant();
    const store = (await addStore(merchant.id, { name: '店', ...place })).body;
    // A merchant and store of another alliance, made in the database: no API makes a second alliance.
    const [{ id: otherAlliance }] = await t.dataSource.query(`SELECT MAX(id) + 1 AS id FROM alliances`);
    const now = '2026-01-01 00:00:00.000';
    await t.dataSource.query(
      `INSERT INTO merchants (alliance_id, name, created_at) VALUES (?, '外盟商户', ?)`,
      [otherAlliance, now],
    );
    const [{ id: foreignMerchant }] = await t.dataSource.query(
      `SELECT id FROM merchants WHERE alliance_id = ?`,
      [otherAlliance],
    );
    await t.dataSource.query(
      `INSERT INTO stores (alliance_id, merchant_id, name, created_at) VALUES (?, ?, '外盟门店', ?)`,
      [otherAlliance, foreignMerchant, now],
    );
    const [{ id: foreignStore }] = await t.dataSource.query(`SELECT id FROM stores WHERE alliance_id = ?`, [
      otherAlliance,
    ]);

    expectEnvelope(await addStore(String(foreignMerchant), { name: '入侵店' }), 404, 'NOT_FOUND');
    expectEnvelope(
      await patchStore(String(foreignMerchant), String(foreignStore), { phone: '110' + '12345' }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(
      await patchStore(merchant.id, String(foreignStore), { phone: '11012345' }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(await patchStore(other.id, store.id, { phone: '11012345' }), 404, 'NOT_FOUND');
    expectEnvelope(await patchStore(merchant.id, 'abc', { phone: '11012345' }), 404, 'NOT_FOUND');
    expectEnvelope(await addStore('99999999999999999999', { name: '店' }), 404, 'NOT_FOUND');
    const [untouched] = await t.dataSource.query(`SELECT name, phone FROM stores WHERE id = ?`, [
      foreignStore,
    ]);
    expect(untouched).toEqual({ name: '外盟门店', phone: null });
    expect(
      (await t.api('GET', '/merchants', { token: (await f.member()).token })).body.map((m: any) => m.name),
    ).not.toContain('外盟商户');

    const clerk = await f.staff(merchant.id, 'merchant_admin');
    expectEnvelope(
      await patchStore(merchant.id, store.id, { phone: '11012345' }, clerk.token),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(await addStore(merchant.id, { name: '店' }, (await f.member()).token), 403, 'FORBIDDEN');
    expectEnvelope(
      await t.api('POST', `/admin/merchants/${merchant.id}/stores`, { body: { name: '店' } }),
      401,
    );
  });

  it('tells a member, merchant by merchant, the stores and what the card gives there', async () => {
    await t.api('PUT', '/admin/points-policy', {
      token: admin,
      body: { earnFenPerPoint: 200, pointValueFen: 1, expiryMonths: 12 },
    });
    const tiers = {
      tiers: [
        {
          code: 'normal',
          name: '普通会员',
          minSpendFen: 0,
          discountPermille: 980,
          pointsMultiplierPermille: 1000,
        },
        {
          code: 'gold',
          name: '金卡',
          minSpendFen: 50_000,
          discountPermille: 900,
          pointsMultiplierPermille: 1500,
        },
      ],
    };
    expect((await t.api('PUT', '/admin/tiers', { token: admin, body: tiers })).status).toBe(200);
    const cafe = await f.merchant('咖啡馆');
    const books = await f.merchant('书店');
    const store = (await addStore(cafe.id, { name: '咖啡馆·人民路店', ...place })).body;
    const wide = await f.template({ title: '全盟无门槛5元', valueFen: 500 });
    const cafeBig = await f.template({
      title: '咖啡满100减20',
      kind: 'amount',
      valueFen: 2000,
      thresholdFen: 10_000,
      usableAt: 'merchant',
      merchantIds: [cafe.id],
    });
    const cafeHeld = await f.template({
      title: '咖啡无门槛8元',
      valueFen: 800,
      usableAt: 'merchant',
      merchantIds: [cafe.id],
    });
    const soldOut = await f.template({ title: '售罄券', valueFen: 9000, stock: 1 });
    await f.claim((await f.member()).token, soldOut.id);
    const m = await f.member();
    await f.claim(m.token, cafeHeld.id);

    // names only (what most pages ask for) cost nothing extra: no benefits unless asked
    const plain = await t.api('GET', '/merchants', { token: m.token });
    expect(plain.body.every((x: any) => x.cardBenefits === undefined)).toBe(true);
    const res = await t.api('GET', '/merchants?with=benefits', { token: m.token });
    expect(res.status).toBe(200);
    const byName = new Map(res.body.map((x: any) => [x.name, x]));
    const atCafe: any = byName.get('咖啡馆');
    expect(atCafe.stores).toEqual([expect.objectContaining({ name: '咖啡馆', address: null }), { ...store }]);
    expect(atCafe.cardBenefits).toEqual({
      // held: the ¥8; claimable: the ¥5 and the 满100减20 (the ¥8 is at its limit, the sold-out one is gone)
      coupons: {
        held: 1,
        claimable: 2,
        best: { id: cafeBig.id, title: '咖啡满100减20', text: '满100减20', held: false },
      },
      memberPrice: { tierName: '普通会员', discountPermille: 980, text: '普通会员9.8折' },
      points: { earnFenPerPoint: 200, multiplierPermille: 1000, text: '每消费¥2得1积分' },
    });
    const atBooks: any = byName.get('书店');
    expect(atBooks.cardBenefits.coupons).toEqual({
      held: 0,
      claimable: 1,
      best: { id: wide.id, title: '全盟无门槛5元', text: '无门槛减5元', held: false },
    });
    expect(atBooks.stores).toEqual([expect.objectContaining({ name: '书店' })]);

    // Claiming moves an offer from claimable to held; a gold member sees the gold price and rate.
    await f.claim(m.token, wide.id);
    const clerk = await f.staff(books.id);
    await f.purchase(clerk.token, m.token, 60_000);
    const after = (await t.api('GET', '/merchants?with=benefits', { token: m.token })).body.find(
      (x: any) => x.id === books.id,
    );
    expect(after.cardBenefits).toEqual({
      coupons: {
        held: 1,
        claimable: 0,
        best: { id: expect.any(String), title: '全盟无门槛5元', text: '无门槛减5元', held: true },
      },
      memberPrice: { tierName: '金卡', discountPermille: 900, text: '金卡9折' },
      points: { earnFenPerPoint: 200, multiplierPermille: 1500, text: '每消费¥2得1.5积分' },
    });

    // Staff read the same merchants and stores, without a member's benefits.
    const staffView = (await t.api('GET', '/merchants?with=benefits', { token: clerk.token })).body;
    expect(staffView.find((x: any) => x.id === cafe.id).stores).toEqual(atCafe.stores);
    expect(staffView.every((x: any) => x.cardBenefits === undefined)).toBe(true);
    expectEnvelope(await t.api('GET', '/merchants'), 401);
  });
});
