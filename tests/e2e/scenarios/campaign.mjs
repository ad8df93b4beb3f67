// A win-back campaign (issue 12): four shoppers last bought 70 days ago. The operator opens 会员分群,
// picks 沉睡 and saves the segment with its live count, creates a coupon campaign on it in 营销活动,
// sees the audience, launches it and watches the job give out the coupons. A targeted shopper finds
// the coupon in 我的券, uses it at the counter, and the report counts the conversion, spend and cost.
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  assert,
  consoleLogin,
  createApi,
  PHONE,
  root,
  screenshotter,
  seedDormantShoppers,
  settle,
  shown,
  sleep,
  startServer,
} from '../lib.mjs';

export const name = 'campaign';

const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const openDatabase = createRequire(path.join(root, 'apps/server/package.json'))('better-sqlite3');

export async function run({ browser }) {
  // jobs on: the campaign's batches are the scheduled job's (every 5 s)
  const server = await startServer({ env: { JOBS: 'on' } });
  const api = createApi(server.baseUrl);
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const screenshot = screenshotter(page, name);
  const phone = await browser.newContext(PHONE);
  try {
    const db = openDatabase(server.databaseFile);
    // four shoppers bought once, 70 days ago; one more joins and never buys
    const { admin, tag, clerkToken, title, shoppers } = await seedDormantShoppers(api, db, {
      prefix: 'e2e_campaign',
      merchantName: 'E2E 回访咖啡',
      title: '回归礼券',
      count: 4,
    });
    await api.join(`e2e_campaign_${tag}_never`);

    // 会员分群: 4 dormant; picking 沉睡 counts them, and the segment is saved
    await consoleLogin(page, server.baseUrl);
    await page.getByRole('menuitem', { name: /会员分群/ }).click();
    const count = page.getByTestId('segment-count');
    await count.getByText('符合条件 5 人').waitFor();
    const dormant = page.locator('.ant-statistic', { hasText: '沉睡' });
    await dormant.getByText('4').waitFor();
    await dormant.click();
    await count.getByText('符合条件 4 人').waitFor();
    await page.getByPlaceholder('分群名称，如：沉睡会员').fill('沉睡会员');
    await page.getByRole('button', { name: '保存分群' }).click();
    await page.getByText('已保存分群「沉睡会员」，当前 4 人').waitFor();
    await screenshot('1-segment');

    // 营销活动: a coupon campaign on it, 25 % holdout (⌊4 × 250 / 1000⌋ = 1 member)
    await page.getByRole('menuitem', { name: /营销活动/ }).click();
    await page.getByRole('button', { name: '新建活动' }).click();
    const modal = page.locator('.ant-modal-content', { hasText: '新建活动' });
    await modal.getByLabel('活动名称').fill('沉睡唤醒');
    await modal.getByLabel('目标分群').click();
    await page.locator('.ant-select-item-option', { hasText: '沉睡会员（4 人）' }).click();
    await modal.getByText('当前符合条件 4 人；名单在启动时锁定。').waitFor();
    await modal.getByRole('combobox', { name: /优惠券/ }).click();
    await page.locator('.ant-select-item-option', { hasText: title }).click();
    await modal.getByLabel('对照组比例（%）').fill('25');
    await screenshot('2-create');
    await modal.getByRole('button', { name: /创建草稿/ }).click();
    await modal.waitFor({ state: 'hidden' });
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: '沉睡唤醒' });
    await row.getByText('草稿').waitFor();
    await row.getByRole('button', { name: /启\s*动/ }).click();
    await page.locator('.ant-popconfirm').getByText('约 4 人').waitFor();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /启\s*动/ })
      .click();
    await row.getByText('已完成').waitFor({ timeout: 30_000 });
    await row.getByText('3/3').waitFor();
    await screenshot('3-launched');

    // a targeted shopper (not in the holdout) sees the coupon in 我的券
    const campaignId = String(db.prepare('SELECT MAX(id) AS id FROM campaigns').get().id);
    const held = new Set(
      db
        .prepare('SELECT member_id FROM campaign_targets WHERE campaign_id = ? AND holdout = 1')
        .all(campaignId)
        .map((r) => String(r.member_id)),
    );
    assert(held.size === 1, `one member held out: ${held.size}`);
    const shopper = shoppers.find((s) => !held.has(String(s.id)));
    const heldOut = shoppers.find((s) => held.has(String(s.id)));
    const heldCoupons = (await api.get('/me/coupons', { token: heldOut.token })).body;
    assert(!heldCoupons.some((c) => c.title === title), 'the holdout got no coupon');
    await phone.addInitScript(
      (openid) => window.localStorage.setItem('allycard.h5.openid', openid),
      shopper.openid,
    );
    const shopperPage = await phone.newPage();
    await shopperPage.goto(`${server.baseUrl}/#/coupon/mine/index`);
    await shown(shopperPage, 'text=' + title)
      .first()
      .waitFor();
    await settle(shopperPage);
    await shopperPage.screenshot({
      path: path.join(root, `tests/e2e/artifacts/${name}-4-wallet.png`),
      fullPage: true,
    });

    // ... and uses it on a ¥30 counter purchase
    const coupon = (await api.get('/me/coupons', { token: shopper.token })).body.find(
      (c) => c.title === title,
    );
    const code = (await api.get('/me/member-code', { token: shopper.token })).body.code;
    await api.post(
      '/staff/redemptions',
      { memberCode: code, couponId: coupon.id, amountFen: 3_000 },
      { token: clerkToken },
    );
    await sleep(200);

    // the report: 1 of 3 converted, ¥30 spend, ¥8 cost; the holdout none
    await row.getByRole('button', { name: /报\s*告/ }).click();
    const drawer = page.locator('.ant-drawer-content', { hasText: '活动报告' });
    await drawer.locator('.ant-statistic', { hasText: '转化人数' }).getByText('1').waitFor();
    const text = await drawer.innerText();
    for (const want of ['目标人数', '3', '¥30.00', '¥8.00', '33.3%', '对照组（1 人，未发放）', '1 : 3.75'])
      assert(text.includes(want), `the report shows ${want}: ${text}`);
    await screenshot('5-report');
    const report = (await api.get(`/admin/campaigns/${campaignId}/report`, { token: admin })).body;
    assert(
      JSON.stringify(report) ===
        JSON.stringify({
          targeted: 3,
          holdout: 1,
          issued: 3,
          messaged: 0,
          converted: 1,
          holdoutConverted: 0,
          spendFen: 3_000,
          holdoutSpendFen: 0,
          costFen: 800,
        }),
      `the report: ${JSON.stringify(report)}`,
    );
    db.close();
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } catch (e) {
    await screenshot('failure-console').catch(() => {});
    throw e;
  } finally {
    await phone.close();
    await context.close();
    await server.stop();
  }
}
