import express from 'express';
import request from 'supertest';
import { AccessTokens } from './token';
import { APPID, FakeClock, MINUTE, SECRET, fetchAccessToken, sandboxApp } from './test-support';

const HOUR = 60 * MINUTE;

function getToken(app: express.Express, query: Record<string, string> = {}) {
  return request(app)
    .get('/sandbox/cgi-bin/token')
    .query({ grant_type: 'client_credential', appid: APPID, secret: SECRET, ...query });
}

function stableToken(app: express.Express, body: Record<string, unknown> = {}) {
  return request(app)
    .post('/sandbox/cgi-bin/stable_token')
    .send({ grant_type: 'client_credential', appid: APPID, secret: SECRET, ...body });
}

describe('GET /sandbox/cgi-bin/token', () => {
  it('issues a new random token valid for 7200 seconds on every call', async () => {
    const { app } = sandboxApp();
    const first = await getToken(app);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{64,}$/),
      expires_in: 7200,
    });
    expect((await getToken(app)).body.access_token).not.toBe(first.body.access_token);
  });

  it.each([
    ['a wrong appid', { appid: 'wx_other' }, 40013],
    ['a wrong secret', { secret: 'wrong' }, 40125],
    ['a missing appid', { appid: '' }, 41002],
    ['a missing secret', { secret: '' }, 41004],
    ['a wrong grant_type', { grant_type: 'authorization_code' }, 40002],
  ])('answers WeChat errcode for %s', async (_case, query, errcode) => {
    const { app } = sandboxApp();
    const res = await getToken(app, query);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode, errmsg: expect.any(String) });
  });
});

describe('POST /sandbox/cgi-bin/stable_token', () => {
  it('returns the same token while it is valid, with the time it has left', async () => {
    const { app, clock } = sandboxApp();
    const first = await stableToken(app);
    expect(first.body).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    clock.advance(10 * MINUTE);
    const again = await stableToken(app);
    expect(again.body).toEqual({ access_token: first.body.access_token, expires_in: 7200 - 600 });
  });

  it('issues a new token after the old one expired', async () => {
    const { app, clock } = sandboxApp();
    const first = await stableToken(app);
    clock.advance(2 * HOUR);
    const next = await stableToken(app);
    expect(next.body).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(next.body.access_token).not.toBe(first.body.access_token);
  });

  it('replaces the token at once with force_refresh', async () => {
    const { app } = sandboxApp();
    const first = await stableToken(app);
    const forced = await stableToken(app, { force_refresh: true });
    expect(forced.body.access_token).not.toBe(first.body.access_token);
    expect(forced.body.expires_in).toBe(7200);
  });

  it.each([
    ['a wrong appid', { appid: 'wx_other' }, 40013],
    ['a wrong secret', { secret: 'wrong' }, 40125],
    ['a missing secret', { secret: undefined }, 41004],
    ['a wrong grant_type', { grant_type: 'password' }, 40002],
    ['a force_refresh that is not a boolean', { force_refresh: 'yes' }, 40097],
  ])('answers WeChat errcode for %s', async (_case, body, errcode) => {
    const { app } = sandboxApp();
    const res = await stableToken(app, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode, errmsg: expect.any(String) });
  });

  it('answers 47001 for malformed JSON', async () => {
    const { app } = sandboxApp();
    const res = await request(app)
      .post('/sandbox/cgi-bin/stable_token')
      .set('content-type', 'application/json')
      .send('{"grant_type":');
    expect(res.body).toEqual({ errcode: 47001, errmsg: 'data format error' });
  });

  it('gives tokens the WeChat APIs accept', async () => {
    const { app } = sandboxApp();
    const token = (await stableToken(app)).body.access_token as string;
    const res = await request(app)
      .post('/sandbox/wxa/getwxacodeunlimit')
      .query({ access_token: token })
      .send({ scene: 'm=1' });
    expect(res.headers['content-type']).toMatch(/^image\/png/);
  });
});

describe('AccessTokens', () => {
  function make() {
    const clock = new FakeClock();
    return { clock, tokens: new AccessTokens(clock.now) };
  }
  const notLatest = { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };

  it('accepts a token until 7200 seconds have passed, then answers 42001', () => {
    const { clock, tokens } = make();
    const { accessToken } = tokens.issuePlain();
    clock.advance(2 * HOUR - 1);
    expect(tokens.check(accessToken)).toBeNull();
    clock.advance(1);
    expect(tokens.check(accessToken)).toEqual({ errcode: 42001, errmsg: 'access_token expired' });
  });

  it('answers 40001 for a token it never issued and 41001 for none', () => {
    const { tokens } = make();
    expect(tokens.check('forged')).toEqual(notLatest);
    expect(tokens.check(undefined)).toEqual({ errcode: 41001, errmsg: 'access_token missing' });
  });

  it('keeps the previous plain token valid for 5 minutes after a new one', () => {
    const { clock, tokens } = make();
    const old = tokens.issuePlain().accessToken;
    const current = tokens.issuePlain().accessToken;
    clock.advance(5 * MINUTE - 1);
    expect(tokens.check(old)).toBeNull();
    clock.advance(1);
    expect(tokens.check(old)).toEqual(notLatest);
    expect(tokens.check(current)).toBeNull();
  });

  it('invalidates the stable token at once on force refresh, and leaves plain tokens alone', () => {
    const { tokens } = make();
    const plain = tokens.issuePlain().accessToken;
    const stable = tokens.issueStable(false).accessToken;
    const refreshed = tokens.issueStable(true).accessToken;
    expect(tokens.check(stable)).toEqual(notLatest);
    expect(tokens.check(refreshed)).toBeNull();
    expect(tokens.check(plain)).toBeNull();
  });

  it('forgets dead tokens, so memory stays bounded', () => {
    const { clock, tokens } = make();
    for (let i = 0; i < 100; i++) tokens.issuePlain();
    expect(tokens.size).toBe(100);
    clock.advance(4 * HOUR);
    tokens.issuePlain();
    expect(tokens.size).toBe(1);
  });
});

it('fetchAccessToken helper gets a usable token', async () => {
  const { app } = sandboxApp();
  expect(await fetchAccessToken(app)).toMatch(/^[A-Za-z0-9_-]+$/);
});
