import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/** Bad input the OpenAPI fuzzer (fuzz.spec.ts) found answered outside the contract. */
describe(`bad input found by the fuzzer (${TEST_DB})`, () => {
  let t: TestApp;
  let memberToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    memberToken = (await factories(t).member()).token;
  });
  afterAll(() => t.close());

  it.each([
    ['GET', '/me/coupons/%E0%A4%A'],
    ['POST', '/me/coupons/%E0%A4%A/share'],
    ['GET', '/shares/%ZZ'],
  ])(
    'answers a path with broken percent-encoding (%s %s) with VALIDATION_FAILED naming the path',
    async (method, path) => {
      const res = await t.api(method, path, { token: memberToken });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ field: 'path', message: 'malformed percent-encoding' }]);
    },
  );
});
