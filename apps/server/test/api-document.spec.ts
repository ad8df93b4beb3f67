import SwaggerParser from '@apidevtools/swagger-parser';
import { OPERATIONS } from '../src/openapi/operations';
import { checkAgainstDocument, takeMismatches } from './api-document-check';
import { startTestApp, TestApp } from './harness';

/**
 * The published document is valid OpenAPI and describes every operation the server has, with no
 * leftover description of one it no longer has. That every answer matches it is checked on every
 * request of the whole server suite (api-document-check.ts).
 */
describe('the API document (/api/docs-json)', () => {
  let t: TestApp;
  let document: any;
  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http('GET', '/api/docs-json')).body;
  });
  afterAll(() => t.close());

  const operationsOf = (doc: any) =>
    Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`),
    );

  it('is valid OpenAPI 3.1, every $ref resolving', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
  });

  it('documents the responses of every operation, and only of operations that exist', () => {
    const published = operationsOf(document);
    expect(published.filter((op) => !OPERATIONS[op])).toEqual([]);
    expect(Object.keys(OPERATIONS).filter((op) => !published.includes(op))).toEqual([]);
    for (const op of published) {
      const [method, path] = op.split(' ');
      const responses = document.paths[`/api/v1${path}`][method.toLowerCase()].responses;
      const statuses = Object.keys(responses).map(Number);
      expect(statuses.some((s) => s < 300)).toBe(true);
      for (const s of statuses.filter((s) => s >= 400)) {
        expect(responses[s].content['application/json'].schema).toEqual({
          $ref: '#/components/schemas/ApiError',
        });
      }
    }
  });

  it('groups operations by role and says which need a token', () => {
    const tags = document.tags.map((tag: { name: string }) => tag.name);
    expect(tags).toEqual(['member', 'staff', 'admin', 'payments', 'operations']);
    const op = (method: string, path: string) => document.paths[`/api/v1${path}`][method];
    expect(op('post', '/join')).toMatchObject({ tags: ['member'], security: [] });
    expect(op('get', '/me/coupons')).toMatchObject({ tags: ['member'], security: [{ bearer: [] }] });
    expect(op('post', '/staff/redemptions').tags).toEqual(['staff']);
    expect(op('get', '/admin/members').tags).toEqual(['admin']);
    expect(op('post', '/payments/wechat/notify').tags).toEqual(['payments']);
    const claim = op('post', '/offers/{templateId}/claim');
    expect(claim.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
    );
    expect(claim.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WalletCoupon',
    });
  });

  it('the suite-wide check refuses an undocumented status, a wrong body and a wrong media type', async () => {
    const me = (await t.api('GET', '/me', { token: 'not-a-token' })).status;
    expect(me).toBe(401);
    const json = 'application/json; charset=utf-8';
    await checkAgainstDocument(t.baseUrl, 'GET', '/api/v1/me', 418, {}, json);
    await checkAgainstDocument(t.baseUrl, 'GET', '/api/v1/me', 200, { id: 1 }, json);
    await checkAgainstDocument(t.baseUrl, 'GET', '/api/v1/me', 401, { message: 'no envelope' }, json);
    await checkAgainstDocument(t.baseUrl, 'GET', '/api/v1/admin/members.csv', 200, 'a,b', 'text/html');
    await checkAgainstDocument(t.baseUrl, 'GET', '/api/v1/tiers', 200, [], json);
    const found = takeMismatches();
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/GET \/me answered 418/);
    expect(found[1]).toMatch(/GET \/me 200: .*required/);
    expect(found[2]).toMatch(/GET \/me 401: .*required/);
    expect(found[3]).toMatch(/text\/html, documented text\/csv/);
  });
});
