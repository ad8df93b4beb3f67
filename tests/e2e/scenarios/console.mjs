// The alliance admin signs in to the web console, creates a coupon template through the form (amounts
// typed in yuan), finds it in the list, opens the settlement report, which balances, and the health
// check, in Chinese and in the invariants' order.
import { assert, screenshotter } from '../lib.mjs';

export const name = 'console';

const DESKTOP = {
  viewport: { width: 1440, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

export async function run({ browser, baseUrl, api }) {
  // The console is a desktop back office: its own context instead of the runner's phone.
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const screenshot = screenshotter(page, name);
  try {
    await page.goto(`${baseUrl}/console/`);
    const login = page.locator('form#login');
    await login.getByLabel('用户名').fill('admin');
    await login.getByLabel('密码').fill('admin123');
    await screenshot('1-login');
    await login.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('identity').getByText('联盟管理员').waitFor();

    // A 满减 coupon: spend ¥58.80, get ¥12.30 off.
    await page.getByRole('menuitem', { name: /优惠券/ }).click();
    await page.getByRole('button', { name: /新建优惠券/ }).click();
    const form = page.locator('form#coupon-create');
    const title = `E2E 满58.8减12.3 ${Date.now().toString(36)}`;
    await form.getByLabel('券名称').fill(title);
    await form.getByLabel('满（消费门槛）').fill('58.8');
    await form.getByLabel('减（金额）').fill('12.3');
    await form.getByLabel('库存（总发放量）').fill('200');
    await form.getByText('可转赠好友').click();
    await page.getByTestId('coupon-preview').getByText('满¥58.80减¥12.30').waitFor();
    await screenshot('2-coupon-form');
    await page
      .locator('.ant-drawer')
      .getByRole('button', { name: /创\s*建/ })
      .click();

    const row = page.getByRole('row', { name: new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await row.waitFor();
    const text = await row.innerText();
    assert(text.includes('满¥58.80减¥12.30'), `the list shows the terms in yuan: ${text}`);
    assert(/0\s*\/\s*200/.test(text), `the list shows issued / stock: ${text}`);
    assert(text.includes('发放中'), `the new template is active: ${text}`);
    await screenshot('3-coupon-listed');

    // What the server stored is integer fen.
    const { body: templates } = await api.get('/admin/coupon-templates', { token: await api.asAdmin() });
    const stored = templates.find((t) => t.title === title);
    assert(stored, `the template was stored: ${JSON.stringify(templates.map((t) => t.title))}`);
    assert(
      stored.thresholdFen === 5880 && stored.valueFen === 1230 && stored.kind === 'amount',
      `yuan became fen: ${JSON.stringify(stored)}`,
    );
    assert(
      stored.stock === 200 && stored.forwardable === true && stored.validDays === 30,
      'form values kept',
    );

    // Settlement of this month balances.
    await page.getByRole('menuitem', { name: /结算/ }).click();
    const badge = page.getByTestId('balanced');
    await badge.waitFor();
    assert((await badge.innerText()).includes('平衡'), `settlement shows 平衡: ${await badge.innerText()}`);
    await page.getByText('合计', { exact: true }).waitFor();
    await screenshot('4-settlement');

    // 健康检查: every check titled in Chinese, in the order of design.md's invariants.
    await page.getByRole('menuitem', { name: /健康检查/ }).click();
    await page.getByText(/全部 \d+ 项检查通过/).waitFor();
    const rows = await page
      .locator('.ant-list-item-meta-title > .ant-space > .ant-space-item:first-child')
      .allInnerTexts();
    assert(
      rows.length >= 6 && rows.every((t) => !/[a-z]{3}/i.test(t)),
      `check titles in Chinese: ${rows.join(' | ')}`,
    );
    const numbers = await page
      .locator('.ant-list-item-meta-title [title]')
      .evaluateAll((els) =>
        els.map((el) => Number(/^(\d+)\./.exec(el.getAttribute('title'))?.[1] ?? Infinity)),
      );
    assert(
      numbers.every((n, i) => i === 0 || numbers[i - 1] <= n),
      `checks in invariant order: ${numbers.join(', ')}`,
    );
    await screenshot('5-health');
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}
