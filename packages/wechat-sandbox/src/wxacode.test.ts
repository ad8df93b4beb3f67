import express from 'express';
import request from 'supertest';
import { buildJoinLink, isValidScene, renderWxacode } from './wxacode';
import { PUBLIC_URL, fetchAccessToken, sandboxApp } from './test-support';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function getWxacode(app: express.Express, accessToken: string, body: object) {
  return request(app)
    .post('/sandbox/wxa/getwxacodeunlimit')
    .query({ access_token: accessToken })
    .send(body)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

function json(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8'));
}

describe('buildJoinLink', () => {
  it('opens the join page of the H5 build with the scene', () => {
    expect(buildJoinLink('https://card.example.com', 'm7Kx2')).toBe(
      'https://card.example.com/#/pages/join/index?scene=m7Kx2',
    );
  });

  it('opens the given page', () => {
    expect(buildJoinLink('https://card.example.com', 'a', 'pages/shop/index')).toBe(
      'https://card.example.com/#/pages/shop/index?scene=a',
    );
  });

  it('URI-encodes the scene and ignores a trailing slash on the public URL', () => {
    expect(buildJoinLink('http://127.0.0.1:3000/', 'm=1&s=2/x?y')).toBe(
      'http://127.0.0.1:3000/#/pages/join/index?scene=m%3D1%26s%3D2%2Fx%3Fy',
    );
  });
});

describe('isValidScene', () => {
  it.each(['a', 'x'.repeat(32), "09AZaz!#$&'()*+,/:;=?@-._~"])('accepts %s', (scene) => {
    expect(isValidScene(scene)).toBe(true);
  });

  it.each(['', 'x'.repeat(33), 'has space', '中文', 'a%b', 'a"b', 'a<b'])('refuses %s', (scene) => {
    expect(isValidScene(scene)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isValidScene(42)).toBe(false);
    expect(isValidScene(undefined)).toBe(false);
  });
});

describe('POST /sandbox/wxa/getwxacodeunlimit', () => {
  it('answers a PNG QR code of the join link', async () => {
    const { app } = sandboxApp();
    const res = await getWxacode(app, await fetchAccessToken(app), { scene: 'm=1&s=2' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/png/);
    const png = res.body as Buffer;
    expect(png.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(png.length).toBeGreaterThan(500);
    expect(png.length).toBeLessThan(100_000);
    expect(png.equals(await renderWxacode(buildJoinLink(PUBLIC_URL, 'm=1&s=2')))).toBe(true);
  });

  it('encodes the requested page and honours the width within WeChat limits', async () => {
    const { app } = sandboxApp();
    const token = await fetchAccessToken(app);
    const res = await getWxacode(app, token, {
      scene: 'abc',
      page: 'pages/shop/index',
      check_path: false,
      env_version: 'trial',
      width: 5000,
    });
    const expected = await renderWxacode(buildJoinLink(PUBLIC_URL, 'abc', 'pages/shop/index'), 1280);
    expect((res.body as Buffer).equals(expected)).toBe(true);
  });

  it.each([
    ['a scene of 33 characters', { scene: 'x'.repeat(33) }],
    ['a scene with a space', { scene: 'a b' }],
    ['a scene with Chinese', { scene: '门店1' }],
    ['no scene', {}],
    ['a numeric scene', { scene: 12 }],
  ])('answers 40169 for %s', async (_case, body) => {
    const { app } = sandboxApp();
    const res = await getWxacode(app, await fetchAccessToken(app), body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(json(res.body)).toEqual({ errcode: 40169, errmsg: 'invalid scene' });
  });

  it.each([
    ['a page with a leading slash', { page: '/pages/join/index' }, 41030],
    ['a page with a query', { page: 'pages/join/index?x=1' }, 41030],
    ['an unknown env_version', { env_version: 'beta' }, 40097],
  ])('answers WeChat errcode for %s', async (_case, body, errcode) => {
    const { app } = sandboxApp();
    const res = await getWxacode(app, await fetchAccessToken(app), { scene: 'abc', ...body });
    expect(json(res.body)).toEqual({ errcode, errmsg: expect.any(String) });
  });

  it('answers 40001 for a bad token and 41001 for none', async () => {
    const { app } = sandboxApp();
    expect(json((await getWxacode(app, 'forged', { scene: 'abc' })).body)).toMatchObject({ errcode: 40001 });
    const res = await request(app).post('/sandbox/wxa/getwxacodeunlimit').send({ scene: 'abc' });
    expect(res.body).toEqual({ errcode: 41001, errmsg: 'access_token missing' });
  });
});
