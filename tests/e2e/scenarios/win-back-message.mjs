// The win-back journey with a message (issue 12): three shoppers last bought 70 days ago and allowed
// the alliance's 活动优惠 message. The operator builds the 沉睡 segment in 会员分群, creates a coupon
// campaign on it with a subscribe message in 营销活动 and launches it; the job gives out the coupons
// and queues the messages. The shopper's WeChat inbox (the sandbox's) shows the message; the shopper
// opens its page (我的券) in the h5 app, pays a merchant with the coupon, and the campaign's report
// in the console counts the conversion, the spend and the cost.
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
  arrived,
  sleep,
  startServer,
} from '../lib.mjs';

export const name = 'win-back-message';

const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
/** The alliance's 活动优惠 message on the sandbox's template (apps/server/src/messages/sandbox-templates.ts). */
const SANDBOX_CAMPAIGN_OFFER = {
  kind: 'campaign_offer',
  templateId: 'sandbox-campaign-offer',
  fields: { thing1: 'campaignName', thing2: 'couponTitle', thing3: 'tip' },
};
const openDatabase = createRequire(path.join(root, 'apps/server/package.json'))('better-sqlite3');

/** Waits until the first shown `selector` reads `text` (trimmed). */
const readsExactly = (page, selector, text) =>
  page.waitForFunction(
    ([sel, want]) =>
      [...document.querySelectorAll(sel)].some(
        (el) => el.offsetParent !== null && el.textContent.trim() === want,
      ),
    [selector, text],
  );

export async function run({ browser }) {
  // jobs on: the campaign's batches and the outbox that sends its messages are scheduled jobs
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
  phone.setDefaultTimeout(20_000);
  const db = openDatabase(server.databaseFile);
  try {
    const admin = await api.asAdmin();
    await api.request('PUT', '/admin/message-templates', {
      token: admin,
      body: { templates: [SANDBOX_CAMPAIGN_OFFER] },
    });
    // three shoppers bought once, 70 days ago, and allowed the campaign message (as the opt-in sheet reports it)
    const { merchant, title, shoppers } = await seedDormantShoppers(api, db, {
      prefix: 'e2e_journey',
      merchantName: 'E2E 回访面包',
      title: '回归礼券',
      count: 3,
      async eachShopper(joined) {
        const allowed = await api.post(
          '/me/subscriptions',
          { results: { [SANDBOX_CAMPAIGN_OFFER.templateId]: 'accept' } },
          { token: joined.token },
        );
        assert(allowed.status === 200, `the subscription is kept: ${JSON.stringify(allowed.body)}`);
      },
    });

    // 会员分群: the operator picks 沉睡 and saves the segment with its count
    await consoleLogin(page, server.baseUrl);
    await page.getByRole('menuitem', { name: /会员分群/ }).click();
    const dormant = page.locator('.ant-statistic', { hasText: '沉睡' });
    await dormant.getByText('3').waitFor();
    await dormant.click();
    await page.getByTestId('segment-count').getByText('符合条件 3 人').waitFor();
    await page.getByPlaceholder('分群名称，如：沉睡会员').fill('沉睡会员');
    await page.getByRole('button', { name: '保存分群' }).click();
    await page.getByText('已保存分群「沉睡会员」，当前 3 人').waitFor();
    await screenshot('1-segment');

    // 营销活动: a coupon campaign on it with the subscribe message, no holdout
    await page.getByRole('menuitem', { name: /营销活动/ }).click();
    await page.getByRole('button', { name: '新建活动' }).click();
    const modal = page.locator('.ant-modal-content', { hasText: '新建活动' });
    await modal.getByLabel('活动名称').fill('沉睡唤醒');
    await modal.getByLabel('目标分群').click();
    await page.locator('.ant-select-item-option', { hasText: '沉睡会员（3 人）' }).click();
    await modal.getByRole('combobox', { name: /优惠券/ }).click();
    await page.locator('.ant-select-item-option', { hasText: title }).click();
    await modal.getByLabel('对照组比例（%）').fill('0');
    await modal.getByLabel('发送订阅消息').click();
    // the page and the tip come prefilled from the alliance's 营销活动 template; the operator edits the tip
    await modal.getByText(`用「营销活动」模板 ${SANDBOX_CAMPAIGN_OFFER.templateId}`).waitFor();
    assert(
      (await modal.getByLabel('点击后打开的页面').inputValue()) === 'coupon/mine/index',
      'the message opens 我的券 by default',
    );
    await modal.getByLabel('温馨提示').fill('你有一张回归礼券待使用');
    await screenshot('2-create');
    await modal.getByRole('button', { name: /创建草稿/ }).click();
    await modal.waitFor({ state: 'hidden' });
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: '沉睡唤醒' });
    await row.getByRole('button', { name: /启\s*动/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /启\s*动/ })
      .click();
    await row.getByText('已完成').waitFor({ timeout: 30_000 });
    await row.getByText('3/3').waitFor();
    await screenshot('3-launched');

    // the shopper's WeChat inbox: the campaign's message, opening 我的券
    const shopper = shoppers[0];
    let inbox = [];
    for (let i = 0; i < 40 && !inbox.length; i++) {
      inbox = (await api.get(`/sandbox/wechat/messages?openid=${encodeURIComponent(shopper.openid)}`)).body
        .items;
      if (!inbox.length) await sleep(500);
    }
    assert(
      inbox.length === 1,
      `one message in the sandbox inbox: ${JSON.stringify(inbox)}; sent: ${JSON.stringify(db.prepare('SELECT status, errcode, member_id, template_id FROM sent_messages').all())}`,
    );
    const [message] = inbox;
    assert(
      message.templateId === SANDBOX_CAMPAIGN_OFFER.templateId &&
        message.data.thing1.value === '沉睡唤醒' &&
        message.data.thing2.value === title &&
        message.data.thing3.value === '你有一张回归礼券待使用' &&
        message.page === 'coupon/mine/index',
      `the campaign's message, opening 我的券: ${JSON.stringify(message)}`,
    );

    // the shopper taps it: 我的券 with the coupon
    await phone.addInitScript(
      (openid) => window.localStorage.setItem('allycard.h5.openid', openid),
      shopper.openid,
    );
    const shopperPage = await phone.newPage();
    const phoneShot = (step) =>
      shopperPage.screenshot({
        path: path.join(root, `tests/e2e/artifacts/${name}-${step}.png`),
        fullPage: true,
      });
    await shopperPage.goto(`${server.baseUrl}/#/${message.page}`);
    await shown(shopperPage, 'text=' + title)
      .first()
      .waitFor();
    await settle(shopperPage);
    await phoneShot('4-opened-from-message');

    // 买单 at the merchant: ¥30 with the ¥8 coupon preselected, ¥22.00 to pay, confirmed in the cashier
    await shopperPage.goto(`${server.baseUrl}/#/pages/pay/index`);
    await arrived(shopperPage, '.pay__merchant').waitFor();
    await shown(shopperPage, '.pay__merchant-main').tap();
    const merchants = shown(shopperPage, '.pay-picker--merchants .pay-picker__list');
    await merchants.waitFor();
    await merchants.getByText(merchant.name, { exact: true }).tap();
    await shown(shopperPage, '.pay__merchant-name', { hasText: merchant.name }).waitFor();
    await shown(shopperPage, '.pay__amount-input input').fill('30');
    await readsExactly(shopperPage, '.pay__payable', '¥22.00');
    const coupon = await shown(shopperPage, '.pay__row--coupon').innerText();
    assert(coupon.includes(title), `the campaign's coupon is preselected: ${coupon}`);
    await phoneShot('5-pay');
    await shown(shopperPage, '.pay__submit').tap();
    await shown(shopperPage, '.pay-sheet__body').waitFor();
    await shown(shopperPage, '.pay-sheet__confirm').tap();
    await arrived(shopperPage, '.pay-result--paid').waitFor();
    await phoneShot('6-paid');

    // the report in the console: 3 messaged, 1 converted, ¥22 spend, ¥8 cost
    await row.getByRole('button', { name: /报\s*告/ }).click();
    const drawer = page.locator('.ant-drawer-content', { hasText: '活动报告' });
    await drawer.locator('.ant-statistic', { hasText: '转化人数' }).getByText('1').waitFor();
    const text = await drawer.innerText();
    for (const want of ['¥22.00', '¥8.00', '33.3%'])
      assert(text.includes(want), `the report shows ${want}: ${text}`);
    await drawer.locator('.ant-statistic', { hasText: '已通知' }).getByText('3').waitFor();
    await screenshot('7-report');
    const campaignId = String(db.prepare('SELECT MAX(id) AS id FROM campaigns').get().id);
    const report = (await api.get(`/admin/campaigns/${campaignId}/report`, { token: admin })).body;
    assert(
      report.messaged === 3 && report.converted === 1 && report.spendFen === 2_200 && report.costFen === 800,
      `the report: ${JSON.stringify(report)}`,
    );
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } catch (e) {
    await screenshot('failure-console').catch(() => {});
    throw e;
  } finally {
    db.close();
    await phone.close();
    await context.close();
    await server.stop();
  }
}
