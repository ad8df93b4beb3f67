import { addBusinessDays, businessDate } from '@allycard/domain';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/**
 * The alliance's calendar is Asia/Shanghai whatever zone the server runs in. The server runs in this
 * process, so setting TZ moves its zone.
 */
describe(`the Shanghai calendar on a server in another zone (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  const zone = process.env.TZ;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  afterAll(() => t.close());

  // Far west of Shanghai the server's date is most of the day behind, far east it is ahead some hours
  // of it: between them, every hour of the day one of the two disagrees with Shanghai.
  it("takes today's Shanghai date as a birthday, and not tomorrow's", async () => {
    const m = await f.member();
    const patch = (birthday: string) => t.api('PATCH', '/me', { token: m.token, body: { birthday } });
    process.env.TZ = 'Etc/GMT+12';
    const today = businessDate(new Date());
    const accepted = await patch(today);
    expect(accepted.status).toBe(200);
    expect(accepted.body.birthday).toBe(today);
    process.env.TZ = 'Etc/GMT-14';
    expectEnvelope(await patch(addBusinessDays(businessDate(new Date()), 1)), 400, 'VALIDATION_FAILED');
  });

  it('refuses coupon validity times without an offset, which would be read in the server zone', async () => {
    const body = (validFrom: string, validUntil: string) => ({ validDays: undefined, validFrom, validUntil });
    await expect(f.template(body('2099-12-01T00:00:00', '2099-12-31T23:59:59'))).rejects.toThrow(/400/);
    await expect(f.template(body('2099-12-01', '2099-12-31'))).rejects.toThrow(/400/);
    const made = await f.template(body('2099-12-01T00:00:00+08:00', '2099-12-31T23:59:59+08:00'));
    expect([made.validFrom, made.validUntil]).toEqual([
      '2099-11-30T16:00:00.000Z',
      '2099-12-31T15:59:59.000Z',
    ]);
  });
});
