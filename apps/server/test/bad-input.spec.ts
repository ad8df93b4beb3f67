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
