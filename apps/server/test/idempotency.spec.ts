import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { ConfigError, loadConfig } from '../src/common/config';
import { IDEMPOTENCY_TTL_MS, IdempotencyKey } from '../src/common/idempotency';
import { IdempotencyJobs } from '../src/common/idempotency.jobs';

/** Idempotency-Key rows commit with the action they guard; a retry replays the first answer. */
describe(`Idempotency-Key (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let clerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    clerk = await f.staff((await f.merchant()).id);
  });
  afterAll(() => t.close());

  const keys = () => t.dataSource.getRepository(IdempotencyKey);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.dataSource.query(sql, params))[0].n);
  const post = (path: string, token: string, key: string, body?: unknown) =>
    t.api('POST', path, { token, body, headers: { 'idempotency-key': key } });
  /** What a process that died right after the action's commit leaves: the row, without the answer. */
  const loseAnswer = (idemKey: string) =>
    keys().update({ idemKey }, { state: 'pending', responseStatus: null, responseBody: null });

  /** Sends once, loses the stored answer, sends again: the retry must replay the same thing. */
  async function retryAfterLostAnswer(path: string, token: string, body?: unknown) {
    const key = `k-${f.unique()}`;
    const first = await post(path, token, key, body);
    await loseAnswer(key);
    const retry = await post(path, token, key, body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    return { key, first, retry };
  }

  it('stores the key in the claim’s own transaction, naming the coupon it created', async () => {
    const tpl = await f.template();
    const m = await f.member();
    const key = `k-${f.unique()}`;
    const res = await post(`/offers/${tpl.id}/claim`, m.token, key);
    expect(res.status).toBe(201);
    expect(await keys().findOneByOrFail({ idemKey: key })).toMatchObject({
      scope: `member:${m.member.id}`,
      state: 'done',
      responseStatus: 201,
      resultKind: 'claim',
      resultId: res.body.id,
    });
  });

  it('replays a claim whose answer was never stored, from the coupon its transaction remembered', async () => {
    const tpl = await f.template({ perMemberLimit: 3 });
    const m = await f.member();
    const { first, retry } = await retryAfterLostAnswer(`/offers/${tpl.id}/claim`, m.token);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(1);
  });

  it('replays an order, a mall exchange and a counter redemption the same way', async () => {
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 30_000);
    const merchant = await f.merchant();

    const order = await retryAfterLostAnswer('/orders', m.token, {
      merchantId: merchant.id,
      amountFen: 1_200,
    });
    expect([order.first.status, order.retry.status]).toEqual([201, 201]);
    expect(order.retry.body).toEqual(order.first.body);
    expect(await count('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.member.id])).toBe(1);

    const item = await f.mallItem({ merchantId: merchant.id, perMemberLimit: 5 });
    const mall = await retryAfterLostAnswer(`/mall/items/${item.id}/redeem`, m.token, { quantity: 1 });
    expect([mall.first.status, mall.retry.status]).toEqual([201, 201]);
    expect(mall.retry.body).toEqual(mall.first.body);
    expect(await count('SELECT COUNT(*) AS n FROM mall_orders WHERE member_id = ?', [m.member.id])).toBe(1);

    const before = await count('SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ?', [m.member.id]);
    const visit = await retryAfterLostAnswer('/staff/redemptions', clerk.token, {
      memberCode: await f.memberCode(m.token),
      amountFen: 800,
    });
    expect([visit.first.status, visit.retry.status]).toEqual([201, 201]);
    expect(visit.retry.body).toEqual(visit.first.body);
    expect(await count('SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ?', [m.member.id])).toBe(
      before + 1,
    );
  });

  describe('refunds', () => {
    /** A paid zero-payable order (a coupon covers it): refunds settle at once, without WeChat. */
    async function paidOrder() {
      const m = await f.member();
      const coupon = await f.claim(m.token, (await f.template({ valueFen: 1_000 })).id);
      const merchant = await f.merchant();
      const staff = await f.staff(merchant.id);
      const res = await t.api('POST', '/orders', {
        token: m.token,
        body: { merchantId: merchant.id, amountFen: 800, couponId: coupon.id },
      });
      expect(res.body.order).toMatchObject({ status: 'paid', payableFen: 0 });
      return { orderId: res.body.order.id as string, staff };
    }
    const refunds = (orderId: string) =>
      count('SELECT COUNT(*) AS n FROM refunds WHERE order_id = ?', [orderId]);

    it('replays a refund with 200, the status the first answer had, and refunds once', async () => {
      const { orderId, staff } = await paidOrder();
      const key = `k-${f.unique()}`;
      const first = await post(`/staff/orders/${orderId}/refund`, staff.token, key, {});
      const replay = await post(`/staff/orders/${orderId}/refund`, staff.token, key, {});
      expect([first.status, replay.status]).toEqual([200, 200]);
      expect(replay.body).toEqual(first.body);
      expect(await refunds(orderId)).toBe(1);
    });

    it('replays a refund whose answer was never stored', async () => {
      const { orderId, staff } = await paidOrder();
      const { first, retry } = await retryAfterLostAnswer(`/staff/orders/${orderId}/refund`, staff.token, {});
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(retry.body.refund).toEqual(first.body.refund);
      expect(await refunds(orderId)).toBe(1);
    });
  });

  it('answers every one of 10 parallel claims with one key with the one coupon', async () => {
    const tpl = await f.template({ perMemberLimit: 10 });
    const m = await f.member();
    const key = `k-${f.unique()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => post(`/offers/${tpl.id}/claim`, m.token, key)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(1);
    expect(await keys().countBy({ idemKey: key })).toBe(1);
  });

  it('stores a refusal from inside the transaction (which rolled its row back) and replays it', async () => {
    const tpl = await f.template({ stock: 1 });
    await f.claim((await f.member()).token, tpl.id);
    const m = await f.member();
    const key = `k-${f.unique()}`;
    const first = await post(`/offers/${tpl.id}/claim`, m.token, key);
    expectEnvelope(first, 409, 'OUT_OF_STOCK');
    const replay = await post(`/offers/${tpl.id}/claim`, m.token, key);
    expect(replay.status).toBe(409);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await keys().findOneByOrFail({ idemKey: key })).toMatchObject({
      state: 'done',
      responseStatus: 409,
      resultKind: null,
    });
  });

  it('forgets a key past its day: the same key claims again', async () => {
    const tpl = await f.template({ perMemberLimit: 2 });
    const m = await f.member();
    const key = `k-${f.unique()}`;
    const first = await post(`/offers/${tpl.id}/claim`, m.token, key);
    await keys().update({ idemKey: key }, { createdAt: new Date(Date.now() - IDEMPOTENCY_TTL_MS - 1000) });
    const again = await post(`/offers/${tpl.id}/claim`, m.token, key);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('purges keys past their day in batches, and only those', async () => {
    const tpl = await f.template({ perMemberLimit: 5 });
    const m = await f.member();
    for (let i = 0; i < 5; i++) await post(`/offers/${tpl.id}/claim`, m.token, `purge-${i}-${f.unique()}`);
    const stored = await keys().count();
    expect(stored).toBeGreaterThanOrEqual(5);
    const jobs = t.app.get(IdempotencyJobs);
    // A chosen clock: a minute before the newest key's day ends nothing is due; a minute after, all is.
    expect(await jobs.purgeExpired(new Date(Date.now() + IDEMPOTENCY_TTL_MS - 60_000), 2)).toBe(0);
    expect(await keys().count()).toBe(stored);
    expect(await jobs.purgeExpired(new Date(Date.now() + IDEMPOTENCY_TTL_MS + 60_000), 2)).toBe(stored);
    expect(await keys().count()).toBe(0);
  });

  it('accepts the crash switch FAULT_INJECT only in test mode', () => {
    const env = { DATABASE_URL: 'sqlite::memory:', FAULT_INJECT: 'after-commit:claim' };
    expect(loadConfig({ ...env, NODE_ENV: 'test' }).faultInject).toBe('after-commit:claim');
    expect(() => loadConfig({ ...env, NODE_ENV: 'development' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(/FAULT_INJECT/);
  });
});
