// A merchant admin signs in to the web console, works past the end of its 30-minute access token (the
// console renews it with the refresh token), stops a clerk who left (the clerk's token dies at once)
// and gives another clerk a new password.
import { assert, screenshotter } from '../lib.mjs';

export const name = 'console-staff';

const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const SESSION_KEY = 'allycard.console.session';

export async function run({ browser, baseUrl, api }) {
  const admin = await api.asAdmin();
  const merchant = await api.createMerchant();
  const suffix = Date.now().toString(36);
  const account = async (username, role) =>
    (
      await api.post(
        `/admin/merchants/${merchant.id}/staff`,
        { username, password: 'password123', role },
        { token: admin },
      )
    ).body;
  await account(`boss_${suffix}`, 'merchant_admin');
  const leaver = await account(`leaver_${suffix}`, 'clerk');
  const forgetful = await account(`forgot_${suffix}`, 'clerk');
  const leaverToken = (await api.post('/staff/login', { username: leaver.username, password: 'password123' }))
    .body.token;

  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const refreshes = [];
  page.on('request', (r) => r.url().endsWith('/api/v1/staff/refresh') && refreshes.push(r.url()));
  const screenshot = screenshotter(page, name);
  try {
    await page.goto(`${baseUrl}/console/`);
    await page.getByRole('tab', { name: '商户管理员' }).click();
    const login = page.locator('form#login');
    // Any case of the username is the same account.
    await login.getByLabel('用户名').fill(`BOSS_${suffix.toUpperCase()}`);
    await login.getByLabel('密码').fill('password123');
    await login.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('menuitem', { name: /员工账号/ }).waitFor();

    // The access token is about to expire: the next request renews it first.
    await page.evaluate((key) => {
      const session = JSON.parse(localStorage.getItem(key));
      localStorage.setItem(key, JSON.stringify({ ...session, expiresAt: Date.now() + 30_000 }));
    }, SESSION_KEY);
    const before = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), SESSION_KEY);
    await page.getByRole('menuitem', { name: /员工账号/ }).click();
    const leaverRow = page.getByRole('row', { name: new RegExp(leaver.username) });
    await leaverRow.waitFor();
    const after = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)), SESSION_KEY);
    assert(refreshes.length === 1, `one refresh before the list: ${refreshes.length}`);
    // (The access token itself may come out the same within one second: same claims, same iat.)
    assert(after.refreshToken !== before.refreshToken, 'the refresh token was rotated');
    assert(after.expiresAt > Date.now() + 25 * 60_000, `the new token lives ~30 minutes: ${after.expiresAt}`);
    await screenshot('1-staff');

    // 停用: the clerk's token stops working on its next request.
    await leaverRow.getByRole('button', { name: /停\s*用/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /停\s*用/ })
      .click();
    await leaverRow.getByText('已停用').waitFor();
    const refused = await api.request('GET', '/staff/orders', { token: leaverToken, expect: 401 });
    assert(
      refused.body.error.code === 'UNAUTHENTICATED',
      `the stopped clerk's token is refused: ${refused.status}`,
    );
    await api.request('POST', '/staff/login', {
      body: { username: leaver.username, password: 'password123' },
      expect: 401,
    });

    // 重置密码: the old password no longer works, the new one does.
    const forgetfulRow = page.getByRole('row', { name: new RegExp(forgetful.username) });
    await forgetfulRow.getByRole('button', { name: /重置密码/ }).click();
    const modal = page.locator('.ant-modal');
    await modal.getByLabel('新密码').fill('a-new-password');
    await screenshot('2-reset-password');
    await modal.getByRole('button', { name: /设置新密码/ }).click();
    await modal.waitFor({ state: 'hidden' });
    await api.request('POST', '/staff/login', {
      body: { username: forgetful.username, password: 'password123' },
      expect: 401,
    });
    await api.post('/staff/login', { username: forgetful.username, password: 'a-new-password' });
    await screenshot('3-done');
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } finally {
    await context.close();
  }
}
