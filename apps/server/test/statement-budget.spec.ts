import { startTestApp, TestApp } from './harness';
import { factories } from './factories';
import { notificationCrafter, payKeys, postNotification } from './pay-helpers';

/**
 * How many SQL statements the hot requests send (counted at TypeORM's logger, so both databases):
 * a claim, a claim with an Idempotency-Key, creating an order and a WeChat Pay notification. Each
 * statement is a round trip and TypeORM's work on the server (pnpm bench payments / flash-claim
 * measure what they cost); a change that adds one shows up here, on purpose.
 */
let t: TestApp;
const statements: string[] = [];
let counting = false;

beforeAll(async () => {
  t = await startTestApp();
  const record = (query: string) => {
    if (counting) statements.push(query.replace(/\s+/g, ' '));
  };
  const quiet = () => undefined;
  Object.assign(t.dataSource, {
    logger: {
      logQuery: record,
      logQueryError: quiet,
      logQuerySlow: quiet,
      logSchemaBuild: quiet,
      logMigration: quiet,
      log: quiet,
    },
  });
});
afterAll(() => t.close());

async function statementsOf(action: () => Promise<unknown>): Promise<string[]> {
  statements.length = 0;
  counting = true;
  try {
    await action();
  } finally {
    counting = false;
  }
  return [...statements];
}

const isTransactionControl = (q: string) => /^(START TRANSACTION|BEGIN|COMMIT|SET TRANSACTION)/i.test(q);

it('keeps the hot requests to their statement budget', async () => {
  const f = factories(t);
  const merchant = await f.merchant();
  const template = await f.template({ stock: 1000 });
  const other = await f.template({ stock: 1000 });
  const warm = await f.member();
  const member = await f.member();
  await f.claim(warm.token, template.id);

  // the guard's member row serves the handler; no tier ladder for a template without a minimum tier
  const claim = await statementsOf(() => f.claim(member.token, template.id));
  expect(claim.filter((q) => /FROM .members./.test(q))).toHaveLength(1);
  expect(claim.some((q) => /FROM .tiers./.test(q))).toBe(false);
  expect(claim.length).toBeLessThanOrEqual(8);

  // the key is read and its answer stored without a transaction of their own
  const keyed = await statementsOf(async () => {
    const res = await t.api('POST', `/offers/${other.id}/claim`, {
      token: member.token,
      headers: { 'idempotency-key': `budget-${f.unique()}` },
    });
    expect(res.status).toBe(201);
  });
  expect(keyed.filter(isTransactionControl)).toHaveLength(2);
  expect(keyed.length).toBeLessThanOrEqual(12);

  // one read of the member and of the merchant, no read-back after the insert, prepay's stored alone
  let order: { outTradeNo: string; payableFen: number } | undefined;
  const created = await statementsOf(async () => {
    const res = await t.api('POST', '/orders', {
      token: member.token,
      body: { merchantId: merchant.id, amountFen: 10000 },
    });
    expect(res.status).toBe(201);
    order = res.body.order;
  });
  expect(created.filter((q) => /FROM .members./.test(q))).toHaveLength(1);
  expect(created.filter((q) => /FROM .merchants./.test(q))).toHaveLength(1);
  expect(created.some((q) => /^SELECT .* FROM .orders./.test(q))).toBe(false);
  expect(created.filter(isTransactionControl).length).toBeLessThanOrEqual(3);
  expect(created.length).toBeLessThanOrEqual(11);

  // the paying transaction reads the member, the tier ladder and the points policy once each
  const craft = notificationCrafter(await payKeys(t));
  const notice = craft.build(craft.transaction(order!.outTradeNo, order!.payableFen));
  const paid = await statementsOf(async () => {
    const res = await postNotification(t, notice);
    expect([200, 204]).toContain(res.status);
  });
  // (after its COMMIT the reports' refresh locks the member on MySQL: not the paying transaction's)
  const commitAt = paid.findIndex((q) => /^COMMIT/i.test(q));
  expect(commitAt).toBeGreaterThan(0);
  const paying = paid.slice(0, commitAt);
  expect(paying.filter((q) => /FROM .tiers./.test(q))).toHaveLength(1);
  expect(paying.filter((q) => /FROM .members./.test(q))).toHaveLength(1);
  expect(paying.filter((q) => /FROM .points_policies./.test(q))).toHaveLength(1);
  expect(paying.filter((q) => /FROM .spend_get_rules./.test(q))).toHaveLength(1);

  const duplicate = await statementsOf(() => postNotification(t, notice));
  expect(duplicate.length).toBeLessThanOrEqual(2);
});
