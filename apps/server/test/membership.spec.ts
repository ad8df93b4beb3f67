import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

describe(`membership (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('reports health with the database kind', async () => {
    const res = await t.api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: TEST_DB, outbox: { pending: 0, dead: 0 } });
  });

  it('publishes the OpenAPI document', async () => {
    const res = await t.http('GET', '/api/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/join', '/api/v1/me/member-code', '/api/v1/staff/members/lookup']),
    );
  });

  it('joins through a merchant QR code, recording the source, then answers 200 on a repeat join', async () => {
    const merchant = await f.merchant('街角咖啡');
    const qr = await f.qrcode(merchant.id, { storeId: merchant.stores[0].id, campaign: 'opening' });
    expect(qr.path).toBe(`pages/join/index?scene=${qr.scene}`);
    expect(Buffer.from(qr.imagePngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');

    const scene = await t.api('GET', `/scenes/${qr.scene}`);
    expect(scene.body).toMatchObject({
      scene: qr.scene,
      merchant: { id: merchant.id, name: '街角咖啡' },
      campaign: 'opening',
    });

    const openid = `o_join_${f.unique()}`;
    const first = await t.api('POST', '/join', {
      body: { code: await f.loginCode(openid), scene: qr.scene },
    });
    expect(first.status).toBe(201);
    expect(first.body.newlyJoined).toBe(true);
    expect(first.body.coupons).toEqual([]);
    expect(first.body.member).toMatchObject({
      tier: { code: 'normal', name: '普通会员' },
      points: 0,
      nickname: null,
      phoneMasked: null,
    });
    expect(first.body.member.cardNo).toMatch(/^\d{16}$/);

    const [row] = await t.dataSource.query(
      'SELECT join_source, join_merchant_id, join_store_id, join_campaign FROM members WHERE id = ?',
      [first.body.member.id],
    );
    expect(row).toEqual({
      join_source: 'qrcode',
      join_merchant_id: expect.anything(),
      join_store_id: expect.anything(),
      join_campaign: 'opening',
    });
    expect(String(row.join_merchant_id)).toBe(merchant.id);
    expect(String(row.join_store_id)).toBe(merchant.stores[0].id);

    const again = await t.api('POST', '/join', {
      body: { code: await f.loginCode(openid), scene: qr.scene },
    });
    expect(again.status).toBe(200);
    expect(again.body.newlyJoined).toBe(false);
    expect(again.body.member.id).toBe(first.body.member.id);
  });

  it('joins without a scene as a direct member, and ignores an unknown scene', async () => {
    const direct = await f.member();
    const [row] = await t.dataSource.query('SELECT join_source FROM members WHERE id = ?', [
      direct.member.id,
    ]);
    expect(row.join_source).toBe('direct');
    const unknown = await t.api('POST', '/join', {
      body: { code: await f.loginCode(`o_${f.unique()}`), scene: 'nosuchscene' },
    });
    expect(unknown.status).toBe(201);
  });

  it('rejects a used or unknown WeChat login code', async () => {
    const code = await f.loginCode(`o_${f.unique()}`);
    expect((await t.api('POST', '/join', { body: { code } })).status).toBe(201);
    expectEnvelope(await t.api('POST', '/join', { body: { code } }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await t.api('POST', '/join', { body: { code: 'made-up' } }), 401, 'UNAUTHENTICATED');
  });

  it('logs a returning member in, and tells a stranger to join', async () => {
    const m = await f.member();
    const login = await t.api('POST', '/auth/login', { body: { code: await f.loginCode(m.openid) } });
    expect(login.status).toBe(200);
    expect(login.body.member.id).toBe(m.member.id);
    const stranger = await t.api('POST', '/auth/login', {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    expectEnvelope(stranger, 404, 'NOT_A_MEMBER');
  });

  it('shows and updates the profile', async () => {
    const m = await f.member();
    const me = await t.api('GET', '/me', { token: m.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: m.member.id,
      couponCount: 0,
      tierProgress: {
        current: { code: 'normal' },
        next: { code: 'silver' },
        text: '再消费 ¥1000.00 升级银卡',
      },
    });

    const patched = await t.api('PATCH', '/me', {
      token: m.token,
      body: { nickname: ' 小王 ', birthday: '1990-05-20' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ nickname: '小王', birthday: '1990-05-20' });
    expect((await t.api('GET', '/me', { token: m.token })).body.nickname).toBe('小王');

    for (const birthday of ['1990-02-30', '2999-01-01', '1990/05/20', '']) {
      expectEnvelope(
        await t.api('PATCH', '/me', { token: m.token, body: { birthday } }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectEnvelope(
      await t.api('PATCH', '/me', { token: m.token, body: { nickname: '   ' } }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('binds a phone number encrypted at rest and answers it masked', async () => {
    const m = await f.member();
    const res = await t.api('POST', '/me/phone', {
      token: m.token,
      body: { code: await f.phoneCode('13812345678') },
    });
    expect(res.status).toBe(200);
    expect(res.body.phoneMasked).toBe('138****5678');
    const [row] = await t.dataSource.query('SELECT phone_enc, phone_hash FROM members WHERE id = ?', [
      m.member.id,
    ]);
    expect(row.phone_enc).not.toContain('13812345678');
    expect(row.phone_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.api('GET', '/me', { token: m.token })).body.phoneMasked).toBe('138****5678');
    expectEnvelope(
      await t.api('POST', '/me/phone', { token: m.token, body: { code: 'bogus' } }),
      422,
      'WECHAT_CODE_INVALID',
    );
  });

  it('lets staff look a member up by the rotating code, and only fresh genuine codes of the alliance', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    const code = await t.api('GET', '/me/member-code', { token: m.token });
    expect(code.status).toBe(200);
    const lifetime = Date.parse(code.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    const found = await t.api('POST', '/staff/members/lookup', {
      token: clerk.token,
      body: { memberCode: code.body.code },
    });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      member: expect.objectContaining({ id: m.member.id, cardNo: m.member.cardNo }),
      coupons: [],
      memberDayDiscount: null,
    });

    // Another member's id spliced into a genuine code: the MAC no longer matches.
    const other = await f.member();
    const forged = code.body.code.slice(0, 14) + other.member.id;
    expectEnvelope(
      await t.api('POST', '/staff/members/lookup', { token: clerk.token, body: { memberCode: forged } }),
      422,
      'CODE_INVALID',
    );
  });

  it('rejects a stale member code as CODE_EXPIRED', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    const { MemberCodeKey } = await import('../src/common/crypto');
    const { issueMemberCode } = await import('@allycard/domain');
    const key = t.app.get(MemberCodeKey);
    const [row] = await t.dataSource.query('SELECT alliance_id FROM members WHERE id = ?', [m.member.id]);
    const stale = issueMemberCode(
      key.mac,
      String(row.alliance_id),
      m.member.id,
      new Date(Date.now() - 90_000),
    );
    const res = await t.api('POST', '/staff/members/lookup', {
      token: clerk.token,
      body: { memberCode: stale.code },
    });
    expectEnvelope(res, 422, 'CODE_EXPIRED');
  });

  it('creates staff only for existing merchants of the alliance, with unique usernames', async () => {
    const token = await f.adminToken();
    const merchant = await f.merchant();
    const body = { username: `dup_${f.unique()}`, password: 'password123', role: 'clerk' };
    expect((await t.api('POST', `/admin/merchants/${merchant.id}/staff`, { token, body })).status).toBe(201);
    expectEnvelope(
      await t.api('POST', `/admin/merchants/${merchant.id}/staff`, { token, body }),
      409,
      'CONFLICT',
    );
    expectEnvelope(
      await t.api('POST', `/admin/merchants/999999/staff`, {
        token,
        body: { ...body, username: `x_${f.unique()}` },
      }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(
      await t.api('POST', `/admin/merchants/${merchant.id}/staff`, {
        token,
        body: { ...body, role: 'alliance_admin' },
      }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('logs staff in with their merchant and role, and refuses wrong passwords alike for unknown users', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id, 'merchant_admin');
    const ok = await t.api('POST', '/staff/login', {
      body: { username: clerk.username, password: clerk.password },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.staff).toEqual({ id: clerk.id, merchantId: merchant.id, role: 'merchant_admin' });
    const wrong = await t.api('POST', '/staff/login', {
      body: { username: clerk.username, password: 'nope-nope' },
    });
    const unknown = await t.api('POST', '/staff/login', {
      body: { username: 'nobody_here', password: 'nope-nope' },
    });
    expectEnvelope(wrong, 401, 'UNAUTHENTICATED');
    expect(unknown.body).toEqual(wrong.body);
    // Staff accounts cannot log in as alliance admin, nor the admin as staff.
    expectEnvelope(
      await t.api('POST', '/admin/login', { body: { username: clerk.username, password: clerk.password } }),
      401,
    );
    expectEnvelope(
      await t.api('POST', '/staff/login', { body: { username: 'admin', password: 'admin123' } }),
      401,
    );
  });

  it('lists the alliance merchants to members', async () => {
    const m = await f.member();
    const merchant = await f.merchant('麦香烘焙');
    const res = await t.api('GET', '/merchants', { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: merchant.id, name: '麦香烘焙' })]),
    );
  });
});
