import express from 'express';
import request from 'supertest';
import { APPID, MINUTE, fetchAccessToken, sandboxApp } from './test-support';

async function phoneCode(app: express.Express, phone: string): Promise<string> {
  const res = await request(app).post('/sandbox/wechat/phone-code').send({ phone });
  expect(res.status).toBe(200);
  return res.body.code as string;
}

function getUserPhoneNumber(app: express.Express, accessToken: string, body: object) {
  return request(app)
    .post('/sandbox/wxa/business/getuserphonenumber')
    .query({ access_token: accessToken })
    .send(body);
}

describe('POST /sandbox/wechat/phone-code', () => {
  it('gives a fresh url-safe code', async () => {
    const { app } = sandboxApp();
    const code = await phoneCode(app, '13812345678');
    expect(code).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(await phoneCode(app, '13812345678')).not.toBe(code);
  });

  it.each([
    ['a missing phone', {}, 'phone'],
    ['4 digits', { phone: '1234' }, 'phone'],
    ['21 digits', { phone: '1'.repeat(21) }, 'phone'],
    ['a + prefix', { phone: '+8613812345678' }, 'phone'],
    ['letters', { phone: '1381234abcd' }, 'phone'],
    ['a number instead of a string', { phone: 13812345678 }, 'phone'],
    ['an unknown field', { phone: '13812345678', countryCode: '86' }, 'countryCode'],
  ])('refuses %s with VALIDATION_FAILED', async (_case, body, field) => {
    const { app } = sandboxApp();
    const res = await request(app).post('/sandbox/wechat/phone-code').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual({ field, message: expect.any(String) });
  });

  it('accepts 5 and 20 digits', async () => {
    const { app } = sandboxApp();
    await phoneCode(app, '12345');
    await phoneCode(app, '1'.repeat(20));
  });
});

describe('POST /sandbox/wxa/business/getuserphonenumber', () => {
  it('exchanges a code for the phone number, watermarked with the time and appid', async () => {
    const { app, clock } = sandboxApp();
    const token = await fetchAccessToken(app);
    const res = await getUserPhoneNumber(app, token, { code: await phoneCode(app, '13812345678') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13812345678',
        purePhoneNumber: '13812345678',
        countryCode: '86',
        watermark: { timestamp: Math.floor(clock.now() / 1000), appid: APPID },
      },
    });
  });

  it('answers 40029 for a used, unknown or expired code', async () => {
    const { app, clock } = sandboxApp();
    const token = await fetchAccessToken(app);
    const used = await phoneCode(app, '13812345678');
    await getUserPhoneNumber(app, token, { code: used }).expect(200);
    const invalid = { errcode: 40029, errmsg: 'invalid code' };
    expect((await getUserPhoneNumber(app, token, { code: used })).body).toEqual(invalid);
    expect((await getUserPhoneNumber(app, token, { code: 'never-issued' })).body).toEqual(invalid);

    const expiring = await phoneCode(app, '13812345678');
    clock.advance(5 * MINUTE);
    expect((await getUserPhoneNumber(app, token, { code: expiring })).body).toEqual(invalid);
  });

  it('answers 41008 without a code', async () => {
    const { app } = sandboxApp();
    const res = await getUserPhoneNumber(app, await fetchAccessToken(app), {});
    expect(res.body).toEqual({ errcode: 41008, errmsg: 'missing code' });
  });

  it('answers 47001 for a body that is not JSON', async () => {
    const { app } = sandboxApp();
    const res = await request(app)
      .post('/sandbox/wxa/business/getuserphonenumber')
      .query({ access_token: await fetchAccessToken(app) })
      .set('content-type', 'text/plain')
      .send('code=abc');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode: 47001, errmsg: 'data format error' });
  });

  it('reads a JSON body sent without a JSON content-type, as WeChat does', async () => {
    const { app } = sandboxApp();
    const code = await phoneCode(app, '13812345678');
    const res = await request(app)
      .post('/sandbox/wxa/business/getuserphonenumber')
      .query({ access_token: await fetchAccessToken(app) })
      .set('content-type', 'text/plain')
      .send(JSON.stringify({ code }));
    expect(res.body.phone_info.purePhoneNumber).toBe('13812345678');
  });

  it('refuses a missing, unknown or expired access token and keeps the code usable', async () => {
    const { app, clock, sandbox } = sandboxApp();
    const token = await fetchAccessToken(app);
    const code = await phoneCode(app, '13812345678');
    const missing = await request(app).post('/sandbox/wxa/business/getuserphonenumber').send({ code });
    expect(missing.body).toEqual({ errcode: 41001, errmsg: 'access_token missing' });
    expect((await getUserPhoneNumber(app, 'forged', { code })).body).toMatchObject({ errcode: 40001 });
    expect((await getUserPhoneNumber(app, token, { code })).body.errcode).toBe(0);

    clock.advance(7200 * 1000);
    const late = sandbox.issuePhoneCode('13812345678');
    expect((await getUserPhoneNumber(app, token, { code: late })).body).toEqual({
      errcode: 42001,
      errmsg: 'access_token expired',
    });
  });
});
