import express from 'express';
import request from 'supertest';
import { fetchAccessToken, sandboxApp } from './test-support';

const TEMPLATE = 'sandbox-coupon-expiring';
const goodData = {
  thing1: { value: '满50减10' },
  time2: { value: '2026-12-10 23:59' },
  thing3: { value: '记得在到期前使用哦' },
};

function send(app: express.Express, token: string, body: object) {
  return request(app)
    .post('/sandbox/cgi-bin/message/subscribe/send')
    .query({ access_token: token })
    .send(body);
}
function subscribe(app: express.Express, openid: string, results: Record<string, string>) {
  return request(app).post('/sandbox/wechat/subscriptions').send({ openid, results });
}
const inbox = async (app: express.Express, openid: string) =>
  (await request(app).get('/sandbox/wechat/messages').query({ openid })).body.items;

describe('subscribe messages', () => {
  it('delivers one message per accepted consent, then answers 43101', async () => {
    const { app } = sandboxApp();
    const token = await fetchAccessToken(app);
    const message = { touser: 'o_alice', template_id: TEMPLATE, page: 'coupon/mine/index', data: goodData };
    expect((await send(app, token, message)).body).toEqual({ errcode: 43101, errmsg: expect.any(String) });

    const answered = await subscribe(app, 'o_alice', {
      [TEMPLATE]: 'accept',
      'sandbox-tier-upgraded': 'reject',
    });
    expect(answered.body.items).toEqual([
      { templateId: TEMPLATE, remaining: 1 },
      { templateId: 'sandbox-tier-upgraded', remaining: 0 },
    ]);
    expect((await send(app, token, message)).body).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await send(app, token, message)).body.errcode).toBe(43101);
    expect(await inbox(app, 'o_alice')).toEqual([
      {
        openid: 'o_alice',
        templateId: TEMPLATE,
        page: 'coupon/mine/index',
        data: goodData,
        sentAt: expect.any(String),
      },
    ]);
    expect(await inbox(app, 'o_bob')).toEqual([]);
  });

  it('refuses an unknown template (40037) and bad data (47003) without using the consent', async () => {
    const { app } = sandboxApp();
    const token = await fetchAccessToken(app);
    await subscribe(app, 'o_carol', { [TEMPLATE]: 'accept' });
    const base = { touser: 'o_carol', template_id: TEMPLATE };
    expect((await send(app, token, { ...base, template_id: 'nope', data: goodData })).body.errcode).toBe(
      40037,
    );
    for (const data of [
      { ...goodData, thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } }, // 21 characters
      { ...goodData, time2: { value: '明天' } },
      { thing1: goodData.thing1, time2: goodData.time2 }, // a keyword missing
      { ...goodData, thing9: { value: 'x' } }, // not in the template
      'text',
    ])
      expect((await send(app, token, { ...base, data })).body.errcode).toBe(47003);
    expect((await send(app, token, { ...base, data: goodData })).body.errcode).toBe(0);
  });

  it('needs a valid access token', async () => {
    const { app } = sandboxApp();
    expect(
      (await send(app, 'bad', { touser: 'o_x', template_id: TEMPLATE, data: goodData })).body.errcode,
    ).toBe(40001);
  });

  it('validates what the dialog answered', async () => {
    const { app } = sandboxApp();
    const res = await request(app)
      .post('/sandbox/wechat/subscriptions')
      .send({ openid: 'o_x', results: { [TEMPLATE]: 'maybe' }, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      `results.${TEMPLATE}`,
    ]);
  });
});
