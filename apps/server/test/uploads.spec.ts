import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe(`shelf images: uploads and mall photos (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-uploads-spec-'));

  beforeAll(async () => {
    t = await startTestApp({ UPLOAD_DIR: uploadDir });
    f = factories(t);
    admin = await f.adminToken();
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  async function upload(bytes: Buffer, options: { token?: string; type?: string; field?: string } = {}) {
    const form = new FormData();
    form.append(
      options.field ?? 'file',
      new Blob([bytes], { type: options.type ?? 'image/png' }),
      'photo.png',
    );
    const res = await fetch(`${t.baseUrl}/api/v1/admin/uploads`, {
      method: 'POST',
      headers: options.token === '' ? {} : { authorization: `Bearer ${options.token ?? admin}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('keeps an uploaded image under its content hash and serves it cached, with its real type', async () => {
    const res = await upload(PNG, { type: 'application/octet-stream' });
    expect(res.status).toBe(201);
    const name = `${createHash('sha256').update(PNG).digest('hex')}.png`;
    expect(res.body).toEqual({ url: `/api/v1/uploads/${name}`, bytes: PNG.length });
    expect(fs.readFileSync(path.join(uploadDir, name)).equals(PNG)).toBe(true);
    // the same photo twice is one file
    expect((await upload(PNG)).body.url).toBe(res.body.url);
    expect(fs.readdirSync(uploadDir)).toEqual([name]);

    const served = await fetch(`${t.baseUrl}${res.body.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('refuses what is not an image, too big, missing, or not from an admin, writing nothing', async () => {
    const before = fs.readdirSync(uploadDir).length;
    // the client's word for the type counts for nothing: the bytes decide
    const html = await upload(Buffer.from('<script>alert(1)</script>'), { type: 'image/png' });
    expectEnvelope(html, 400, 'VALIDATION_FAILED');
    expect(html.body.error.message).toBe('只支持 PNG、JPG、WebP 图片');
    const big = await upload(Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]));
    expectEnvelope(big, 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await upload(PNG, { field: 'photo' }), 400);
    expectEnvelope(await upload(PNG, { token: '' }), 401, 'UNAUTHENTICATED');
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    expectEnvelope(await upload(PNG, { token: clerk.token }), 403, 'FORBIDDEN');
    const m = await f.member();
    expectEnvelope(await upload(PNG, { token: m.token }), 403, 'FORBIDDEN');
    expect(fs.readdirSync(uploadDir).length).toBe(before);
  });

  it('serves only names it gave out: no other file of the server', async () => {
    for (const name of [
      '..%2F..%2Fpackage.json',
      'package.json',
      `${'0'.repeat(64)}.png`,
      `${'a'.repeat(64)}.svg`,
    ])
      expectEnvelope(await t.api('GET', `/uploads/${name}`), 404, 'NOT_FOUND');
  });

  it('puts a photo on a mall item, shown to members, and only a photo of this server', async () => {
    const { url } = (await upload(PNG)).body;
    const merchant = await f.merchant();
    const item = await f.mallItem({ merchantId: merchant.id, imageUrl: url });
    expect(item.imageUrl).toBe(url);
    const m = await f.member();
    const shown = (await t.api('GET', '/mall/items', { token: m.token })).body.find(
      (i: any) => i.id === item.id,
    );
    expect(shown.imageUrl).toBe(url);

    const plain = await f.mallItem({ merchantId: merchant.id });
    expect(plain.imageUrl).toBeNull();
    const set = await t.api('PUT', `/admin/mall/items/${plain.id}/image`, {
      token: admin,
      body: { imageUrl: url },
    });
    expect(set.status).toBe(200);
    expect(set.body.imageUrl).toBe(url);
    const removed = await t.api('PUT', `/admin/mall/items/${plain.id}/image`, {
      token: admin,
      body: { imageUrl: null },
    });
    expect(removed.body.imageUrl).toBeNull();

    for (const imageUrl of [
      'https://evil.example/x.png',
      '/api/v1/uploads/../../etc/passwd',
      42,
      `${url}?x`,
    ]) {
      expectEnvelope(
        await t.api('PUT', `/admin/mall/items/${plain.id}/image`, { token: admin, body: { imageUrl } }),
        400,
        'VALIDATION_FAILED',
      );
      expectEnvelope(
        await t.api('POST', '/admin/mall/items', {
          token: admin,
          body: {
            title: 'x',
            pointsPrice: 1,
            cashFen: 0,
            stock: 1,
            perMemberLimit: 1,
            fulfilment: 'pickup',
            merchantId: merchant.id,
            imageUrl,
          },
        }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectEnvelope(
      await t.api('PUT', '/admin/mall/items/999999/image', { token: admin, body: { imageUrl: url } }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(
      await t.api('PUT', `/admin/mall/items/${plain.id}/image`, { token: m.token, body: { imageUrl: url } }),
      403,
      'FORBIDDEN',
    );
    expect(
      (await t.api('GET', '/mall/items', { token: m.token })).body.find((i: any) => i.id === plain.id)
        .imageUrl,
    ).toBeNull();
  });

  it('gives a merchant a logo that members see, only an image of this server, only by the alliance admin', async () => {
    const { url } = (await upload(PNG)).body;
    const merchant = await f.merchant();
    const set = await t.api('PUT', `/admin/merchants/${merchant.id}/logo`, {
      token: admin,
      body: { logoUrl: url },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: merchant.id, logoUrl: url });
    const m = await f.member();
    const seen = (await t.api('GET', '/merchants', { token: m.token })).body.find(
      (x: any) => x.id === merchant.id,
    );
    expect(seen.logoUrl).toBe(url);

    for (const logoUrl of ['https://evil.example/x.png', `${url}?x`, 42, '']) {
      expectEnvelope(
        await t.api('PUT', `/admin/merchants/${merchant.id}/logo`, { token: admin, body: { logoUrl } }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectEnvelope(
      await t.api('PUT', `/admin/merchants/${merchant.id}/logo`, { token: m.token, body: { logoUrl: url } }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await t.api('PUT', '/admin/merchants/999999/logo', { token: admin, body: { logoUrl: url } }),
      404,
      'NOT_FOUND',
    );
    const removed = await t.api('PUT', `/admin/merchants/${merchant.id}/logo`, {
      token: admin,
      body: { logoUrl: null },
    });
    expect(removed.body.logoUrl).toBeNull();
  });
});
