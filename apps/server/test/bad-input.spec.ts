import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/** Bad input gets a clear 4xx in the contract's envelope and changes nothing; never a 5xx. */
describe(`bad input and access control (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let memberToken: string;
  let clerkToken: string;

  const memberCount = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM members'))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    memberToken = (await f.member()).token;
    clerkToken = (await f.staff((await f.merchant()).id)).token;
  });
  afterAll(() => t.close());

  it('answers malformed JSON with VALIDATION_FAILED and creates nothing', async () => {
    const before = await memberCount();
    const res = await t.api('POST', '/join', { raw: '{"code": "abc",' });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(await memberCount()).toBe(before);
  });

  it('rejects unknown fields, listing them', async () => {
    const res = await t.api('POST', '/join', { body: { code: 'x', isAdmin: true } });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'isAdmin' })]),
    );
  });

  it.each([
    ['a number for a string', { code: 12345 }],
    ['null', { code: null }],
    ['an object', { code: { $gt: '' } }],
    ['a missing field', {}],
    ['an empty string', { code: '' }],
    ['a huge string', { code: 'x'.repeat(10_000) }],
  ])('rejects %s with field details', async (_, body) => {
    const res = await t.api('POST', '/join', { body });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'code' })]),
    );
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"code"'],
    ['a number', '42'],
  ])('rejects a body that is %s', async (_, raw) => {
    expectEnvelope(await t.api('POST', '/join', { raw }), 400, 'VALIDATION_FAILED');
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.api('POST', '/join', { body: { code: 'x'.repeat(200_000) } });
    expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers unknown routes with 404 NOT_FOUND in the envelope', async () => {
    expectEnvelope(await t.api('GET', '/no/such/route'), 404, 'NOT_FOUND');
    expectEnvelope(await t.api('DELETE', '/join'), 404, 'NOT_FOUND');
  });

  it('requires a token, and a genuine one', async () => {
    expectEnvelope(await t.api('GET', '/me'), 401, 'UNAUTHENTICATED');
    expectEnvelope(await t.api('GET', '/me', { token: 'not-a-jwt' }), 401, 'UNAUTHENTICATED');
    expectEnvelope(
      await t.api('GET', '/me', { headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHENTICATED',
    );
    // A token signed with another key, claiming to be an alliance admin.
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: '1', role: 'alliance_admin', aid: '1', iss: 'allycard' }),
    ).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', 'guessed-secret').update(`${header}.${payload}`).digest('base64url');
    expectEnvelope(
      await t.api('POST', '/admin/merchants', { token: `${header}.${payload}.${sig}`, body: { name: 'x' } }),
      401,
      'UNAUTHENTICATED',
    );
    // alg "none" is never accepted.
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectEnvelope(
      await t.api('GET', '/admin/merchants', { token: `${none}.${payload}.` }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('keeps roles apart: members cannot use staff or admin routes, staff cannot use member or admin routes', async () => {
    expectEnvelope(
      await t.api('POST', '/staff/members/lookup', {
        token: memberToken,
        body: { memberCode: '1'.repeat(20) },
      }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await t.api('POST', '/admin/merchants', { token: memberToken, body: { name: 'x' } }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await t.api('POST', '/admin/qrcodes', { token: clerkToken, body: { merchantId: '1' } }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(await t.api('GET', '/me', { token: clerkToken }), 403, 'FORBIDDEN');
  });

  it('validates ids and lookups', async () => {
    const admin = await f.adminToken();
    expectEnvelope(
      await t.api('POST', '/admin/qrcodes', { token: admin, body: { merchantId: 'abc' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await t.api('POST', '/admin/qrcodes', { token: admin, body: { merchantId: '99999' } }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(
      await t.api('POST', '/staff/members/lookup', { token: clerkToken, body: { memberCode: 'abc' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await t.api('POST', '/staff/members/lookup', {
        token: clerkToken,
        body: { memberCode: '12345678901234567' },
      }),
      422,
      'CODE_INVALID',
    );
    expectEnvelope(await t.api('GET', '/scenes/nope'), 404, 'NOT_FOUND');
    expectEnvelope(await t.api('GET', `/scenes/${'x'.repeat(40)}`), 404, 'NOT_FOUND');
  });

  describe('nesting, nested objects and null', () => {
    /** Every detail names the field (each failed rule of it is listed). */
    const expectOnlyField = (details: { field: string }[], field: string) => {
      expect(details.length).toBeGreaterThan(0);
      expect(details.map((d) => d.field)).toEqual(details.map(() => field));
    };
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const count = async (table: string) =>
      Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

    it('caps JSON nesting: 2,000 nested arrays are a 400 on a public route and an idempotent one', async () => {
      const members = await memberCount();
      const orders = await count('orders');
      for (const raw of [deep(2000), `{"code": ${deep(2000)}}`]) {
        const join = await t.api('POST', '/join', { raw });
        expectEnvelope(join, 400, 'VALIDATION_FAILED');
        expect(join.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
      }
      const order = await t.api('POST', '/orders', {
        token: memberToken,
        raw: `{"merchantId": "1", "amountFen": ${deep(2000)}}`,
        headers: { 'idempotency-key': `deep-${f.unique()}` },
      });
      expectEnvelope(order, 400, 'VALIDATION_FAILED');
      expect(order.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
      expect(await memberCount()).toBe(members);
      expect(await count('orders')).toBe(orders);
    });

    it('takes 32 levels of nesting to validation and refuses 33 at the parser', async () => {
      // The body object is the first level.
      const at32 = await t.api('POST', '/join', { raw: `{"code": ${deep(31)}}` });
      expectEnvelope(at32, 400, 'VALIDATION_FAILED');
      expectOnlyField(at32.body.error.details, 'code');
      const at33 = await t.api('POST', '/join', { raw: `{"code": ${deep(32)}}` });
      expectEnvelope(at33, 400, 'VALIDATION_FAILED');
      expect(at33.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
      // Brackets inside strings are text, not nesting.
      const text = await t.api('POST', '/join', { body: { code: deep(100) } });
      expectEnvelope(text, 400, 'VALIDATION_FAILED');
      expectOnlyField(text.body.error.details, 'code');
    });

    it('still takes ordinary nesting (a tier list, a coupon issuer)', async () => {
      const tpl = await f.template();
      expect(tpl.issuer).toEqual(expect.objectContaining({ type: 'alliance' }));
    });

    it.each([
      ['missing', undefined],
      ['an array', []],
      ['a string', 'alliance'],
      ['null', null],
      ['an array of objects', [{ type: 'alliance' }]],
    ])('rejects a coupon template whose issuer is %s, naming issuer', async (_, issuer) => {
      const before = await count('coupon_templates');
      const body = { ...f.templateBody(), issuer };
      if (issuer === undefined) delete (body as Record<string, unknown>).issuer;
      const res = await t.api('POST', '/admin/coupon-templates', { token: await f.adminToken(), body });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/^issuer/) })]),
      );
      expect(await count('coupon_templates')).toBe(before);
    });

    it.each([
      ['an array', [[]]],
      ['a number', [1]],
      ['null', [null]],
      ['a string', ['gold']],
    ])('rejects a tier that is %s and keeps the tiers', async (_, tiers) => {
      const admin = await f.adminToken();
      const before = (await t.api('GET', '/tiers', { token: admin })).body;
      // Beside a valid base tier, so that only the element's shape can fail.
      const base = {
        code: 'base',
        name: '普通',
        minSpendFen: 0,
        discountPermille: 1000,
        pointsMultiplierPermille: 1000,
      };
      const res = await t.api('PUT', '/admin/tiers', { token: admin, body: { tiers: [base, ...tiers] } });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'tiers.1' })]);
      expect((await t.api('GET', '/tiers', { token: admin })).body).toEqual(before);
    });

    it.each([
      ['title', { title: null }],
      ['status', { status: null }],
      ['description', { description: null }],
      ['stock', { stock: null }],
    ])('rejects null %s on PATCH /admin/coupon-templates/:id and changes nothing', async (field, body) => {
      const admin = await f.adminToken();
      const tpl = await f.template({ description: '说明' });
      const res = await t.api('PATCH', `/admin/coupon-templates/${tpl.id}`, { token: admin, body });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expectOnlyField(res.body.error.details, field);
      const [row] = await t.dataSource.query(
        'SELECT title, status, description, stock FROM coupon_templates WHERE id = ?',
        [tpl.id],
      );
      // BIGINT columns come back as strings from MySQL
      expect({ ...row, stock: Number(row.stock) }).toEqual({
        title: tpl.title,
        status: 'active',
        description: '说明',
        stock: 100,
      });
    });

    it.each([
      ['nickname', { nickname: null }],
      ['birthday', { birthday: null }],
    ])('rejects null %s on PATCH /me and changes nothing', async (field, body) => {
      const m = await f.member();
      await t.api('PATCH', '/me', { token: m.token, body: { nickname: '小王', birthday: '1990-05-20' } });
      const res = await t.api('PATCH', '/me', { token: m.token, body });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expectOnlyField(res.body.error.details, field);
      const me = (await t.api('GET', '/me', { token: m.token })).body;
      expect({ nickname: me.nickname, birthday: me.birthday }).toEqual({
        nickname: '小王',
        birthday: '1990-05-20',
      });
    });

    it('rejects null on the optional fields of every other body, naming the field', async () => {
      const admin = await f.adminToken();
      const merchantId = (await f.merchant()).id;
      const template = f.templateBody();
      const mallItem = {
        title: '咖啡',
        pointsPrice: 100,
        cashFen: 0,
        stock: 5,
        perMemberLimit: 1,
        fulfilment: 'pickup',
        merchantId,
      };
      const cases: [string, string, string, Record<string, unknown>, string][] = [
        ['POST', '/join', '', { code: 'x' }, 'scene'],
        ['POST', '/join', '', { code: 'x' }, 'shareToken'],
        ['POST', '/orders/preview', memberToken, { merchantId, amountFen: 100 }, 'couponId'],
        ['POST', '/orders/preview', memberToken, { merchantId, amountFen: 100 }, 'points'],
        ['POST', '/staff/orders/1/refund', clerkToken, {}, 'amountFen'],
        ['POST', '/staff/redemptions', clerkToken, { memberCode: '1'.repeat(20) }, 'couponId'],
        ['POST', '/staff/redemptions', clerkToken, { memberCode: '1'.repeat(20) }, 'amountFen'],
        ['POST', '/admin/qrcodes', admin, { merchantId }, 'storeId'],
        ['POST', '/admin/qrcodes', admin, { merchantId }, 'campaign'],
        ['POST', '/admin/merchants', admin, { name: '店' }, 'description'],
        ['POST', '/admin/merchants', admin, { name: '店' }, 'stores'],
        ['POST', '/admin/mall/items', admin, mallItem, 'description'],
        ['POST', '/admin/mall/items', admin, mallItem, 'couponTemplateId'],
        ['PUT', '/admin/referral-rule', admin, {}, 'rewardPoints'],
        ...[
          'description',
          'valueFen',
          'validDays',
          'validFrom',
          'merchantIds',
          'audience',
          'minTierCode',
          'joinGift',
        ].map((field): [string, string, string, Record<string, unknown>, string] => [
          'POST',
          '/admin/coupon-templates',
          admin,
          template,
          field,
        ]),
      ];
      const tables = ['qrcodes', 'merchants', 'mall_items', 'coupon_templates', 'members', 'orders'];
      const before = await Promise.all(tables.map(count));
      for (const [method, path, token, body, field] of cases) {
        const res = await t.api(method, path, {
          token: token || undefined,
          body: { ...body, [field]: null },
          headers: { 'idempotency-key': `null-${f.unique()}` },
        });
        expect([method, path, field, res.status]).toEqual([method, path, field, 400]);
        expectOnlyField(res.body.error.details, field);
      }
      expect(await Promise.all(tables.map(count))).toEqual(before);
    });

    it('keeps null where it means "turn off": the referral rule without a reward template', async () => {
      const res = await t.api('PUT', '/admin/referral-rule', {
        token: await f.adminToken(),
        body: { rewardTemplateId: null },
      });
      expect(res.status).toBe(200);
    });
  });

  it('validates the sandbox test endpoints too', async () => {
    const res = await t.http('POST', '/sandbox/wechat/login-code', { body: { openid: 42 } });
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
  });

  it('limits failed password logins strictly (429 RATE_LIMITED) without locking out other accounts', async () => {
    const merchant = await f.merchant();
    const victim = await f.staff(merchant.id);
    const other = await f.staff(merchant.id);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await t.api('POST', '/staff/login', { body: { username: victim.username, password: `wrong-${i}` } }))
          .status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const blocked = await t.api('POST', '/staff/login', {
      body: { username: victim.username, password: victim.password },
    });
    expectEnvelope(blocked, 429, 'RATE_LIMITED');
    expect(
      (await t.api('POST', '/staff/login', { body: { username: other.username, password: other.password } }))
        .status,
    ).toBe(200);
  });
});
