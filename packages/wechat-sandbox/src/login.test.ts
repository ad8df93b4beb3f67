import express from 'express';
import request from 'supertest';
import { createWechatSandbox } from './index';
import { APPID, MINUTE, PUBLIC_URL, SECRET, sandboxApp } from './test-support';

function jscode2session(app: express.Express, query: Record<string, string>) {
  return request(app)
    .get('/sandbox/sns/jscode2session')
    .query({ appid: APPID, secret: SECRET, grant_type: 'authorization_code', ...query });
}

async function loginCode(app: express.Express, openid: string): Promise<string> {
  const res = await request(app).post('/sandbox/wechat/login-code').send({ openid });
  expect(res.status).toBe(200);
  return res.body.code as string;
}

describe('POST /sandbox/wechat/login-code', () => {
  it('gives a fresh url-safe code of at least 96 bits each time', async () => {
    const { app } = sandboxApp();
    const first = await loginCode(app, 'o_alice');
    const second = await loginCode(app, 'o_alice');
    expect(first).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(second).not.toBe(first);
  });

  it('accepts an openid of 64 characters', async () => {
    const { app } = sandboxApp();
    await request(app)
      .post('/sandbox/wechat/login-code')
      .send({ openid: 'a'.repeat(64) })
      .expect(200);
  });

  it.each([
    ['a missing openid', {}, 'openid'],
    ['an empty openid', { openid: '' }, 'openid'],
    ['an openid of 65 characters', { openid: 'a'.repeat(65) }, 'openid'],
    ['an openid with other characters', { openid: 'o alice!' }, 'openid'],
    ['a number', { openid: 12345 }, 'openid'],
    ['an unknown field', { openid: 'o_alice', nickname: 'Alice' }, 'nickname'],
  ])('refuses %s with VALIDATION_FAILED', async (_case, body, field) => {
    const { app } = sandboxApp();
    const res = await request(app).post('/sandbox/wechat/login-code').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.details).toContainEqual({ field, message: expect.any(String) });
  });

  it('refuses a body that is not a JSON object', async () => {
    const { app } = sandboxApp();
    const res = await request(app).post('/sandbox/wechat/login-code').send(['o_alice']);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body' }] });
  });

  it('refuses malformed JSON', async () => {
    const { app } = sandboxApp();
    const res = await request(app)
      .post('/sandbox/wechat/login-code')
      .set('content-type', 'application/json')
      .send('{"openid": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body' }] });
  });

  it('refuses a body over 16kb', async () => {
    const { app } = sandboxApp();
    const res = await request(app)
      .post('/sandbox/wechat/login-code')
      .send({ openid: 'o_alice', padding: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('GET /sandbox/sns/jscode2session', () => {
  it('exchanges a code for the openid and a session_key', async () => {
    const { app } = sandboxApp();
    const res = await jscode2session(app, { js_code: await loginCode(app, 'o_alice') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ openid: 'o_alice', session_key: expect.any(String) });
    // WeChat's session_key is 16 bytes in base64.
    expect(Buffer.from(res.body.session_key, 'base64')).toHaveLength(16);
  });

  it('keeps the session_key of a user stable and different from other users', async () => {
    const { app } = sandboxApp();
    const key = async (openid: string) =>
      (await jscode2session(app, { js_code: await loginCode(app, openid) })).body.session_key;
    const alice = await key('o_alice');
    expect(await key('o_alice')).toBe(alice);
    expect(await key('o_bob')).not.toBe(alice);
  });

  it('answers 40163 when the code is used a second time', async () => {
    const { app } = sandboxApp();
    const code = await loginCode(app, 'o_alice');
    await jscode2session(app, { js_code: code }).expect(200);
    const res = await jscode2session(app, { js_code: code });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode: 40163, errmsg: 'code been used' });
  });

  it('answers 40029 for a code it never issued', async () => {
    const { app } = sandboxApp();
    const res = await jscode2session(app, { js_code: 'not-a-code' });
    expect(res.body).toEqual({ errcode: 40029, errmsg: 'invalid code' });
  });

  it('accepts a code until 5 minutes have passed, then answers 40029', async () => {
    const { app, clock } = sandboxApp();
    const early = await loginCode(app, 'o_alice');
    const late = await loginCode(app, 'o_alice');
    clock.advance(5 * MINUTE - 1);
    expect((await jscode2session(app, { js_code: early })).body.openid).toBe('o_alice');
    clock.advance(1);
    expect((await jscode2session(app, { js_code: late })).body).toEqual({
      errcode: 40029,
      errmsg: 'invalid code',
    });
  });

  it.each([
    ['a wrong appid', { appid: 'wx_other' }, 40013],
    ['a wrong secret', { secret: 'wrong' }, 40125],
    ['a missing appid', { appid: '' }, 41002],
    ['a missing secret', { secret: '' }, 41004],
    ['a wrong grant_type', { grant_type: 'client_credential' }, 40002],
    ['a missing js_code', { js_code: '' }, 41008],
  ])('answers WeChat errcode for %s and keeps the code usable', async (_case, query, errcode) => {
    const { app } = sandboxApp();
    const code = await loginCode(app, 'o_alice');
    const res = await jscode2session(app, { js_code: code, ...query });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode, errmsg: expect.any(String) });
    expect((await jscode2session(app, { js_code: code })).body.openid).toBe('o_alice');
  });

  it('also redeems codes issued in process', async () => {
    const { app, sandbox } = sandboxApp();
    const res = await jscode2session(app, { js_code: sandbox.issueLoginCode('o_carol') });
    expect(res.body.openid).toBe('o_carol');
  });

  it('works behind a server that parsed the body before the sandbox', async () => {
    const sandbox = createWechatSandbox({ appid: APPID, secret: SECRET, publicUrl: PUBLIC_URL });
    const app = express();
    app.use(express.json());
    app.use('/sandbox', sandbox.router);
    const code = await loginCode(app, 'o_dave');
    expect((await jscode2session(app, { js_code: code })).body.openid).toBe('o_dave');
  });
});
