// The alliance admin works with the member database on the demo alliance: finds the demo shopper 小林
// by phone on 会员, opens the profile and its timeline, reveals the full number with a reason, grants
// a tier and adjusts points, exports the filtered list as CSV, finds each action in 审计日志, pages
// through a longer list; then a merchant admin sees only its own members and figures, and no actions.
import { readFileSync } from 'node:fs';
import { assert, consoleLogin, createApi, screenshotter, startServer } from '../lib.mjs';

export const name = 'console-members';

const DESKTOP = {
  viewport: { width: 1440, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  acceptDownloads: true,
};
// The demo seed gives 小林 this number (apps/server/src/seed/demo-seed.service.ts).
const PHONE = '13800138000';

export async function run({ browser }) {
  // The runner's server starts empty; this journey needs the demo alliance's shoppers.
  const server = await startServer({ env: { SEED_DEMO: 'true' } });
  const api = createApi(server.baseUrl);
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const screenshot = screenshotter(page, name);
  try {
    await consoleLogin(page, server.baseUrl);
    await page.getByTestId('identity').getByText('联盟管理员').waitFor();

    // 会员: the three demo shoppers, newest first.
    await page.getByRole('menuitem', { name: /(^|\s)会员$/ }).click();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await page.getByRole('cell', { name: '老周' }).waitFor();
    assert((await rows.count()) === 3, `three demo shoppers listed: ${await rows.count()}`);
    await screenshot('1-list');

    // Search by the full phone number: only 小林, masked.
    await page.getByPlaceholder('卡号 / 昵称 / 手机号').fill(PHONE);
    await page.getByPlaceholder('卡号 / 昵称 / 手机号').press('Enter');
    await page.getByRole('cell', { name: '老周' }).waitFor({ state: 'detached' });
    assert((await rows.count()) === 1, `one member found by phone: ${await rows.count()}`);
    const row = await rows.first().innerText();
    assert(row.includes('小林') && row.includes('138****8000'), `小林 with a masked phone: ${row}`);
    assert(row.includes('¥197.00'), `小林's spend in yuan (¥68 + ¥129): ${row}`);
    await screenshot('2-search-phone');

    // The drawer: profile, spend per merchant and the timeline.
    await rows.first().click();
    const drawer = page.locator('.ant-drawer-content');
    const timeline = drawer.getByTestId('member-timeline');
    await timeline.getByText('入会', { exact: true }).waitFor();
    const events = await timeline.innerText();
    for (const text of ['消费', '街角咖啡', '知行书店', '¥68.00', '积分'])
      assert(events.includes(text), `the timeline shows ${text}: ${events}`);
    await screenshot('3-drawer');

    // 查看完整号码 asks why, then shows the number.
    await drawer.getByRole('button', { name: '查看完整号码' }).click();
    const reveal = page.locator('.ant-modal-content', { hasText: '查看原因' });
    await reveal.getByLabel('查看原因').fill('核实到店预约');
    await reveal.getByRole('button', { name: /查\s*看/ }).click();
    await drawer.getByTestId('member-phone').getByText(PHONE).waitFor();

    // 授予等级: the top tier through a day next year.
    const tiers = (await api.get('/tiers', { token: await api.asAdmin() })).body;
    const top = tiers[tiers.length - 1];
    const until = `${new Date().getFullYear() + 1}-06-30`;
    await drawer.getByRole('button', { name: /授予等级/ }).click();
    const grant = page.locator('.ant-modal-content', { hasText: '有效至' });
    await grant.getByLabel('等级').click();
    await page.locator('.ant-select-item-option', { hasText: top.name }).click();
    await grant.getByLabel('有效至（含当天）').fill(until);
    await grant.getByLabel('有效至（含当天）').press('Enter');
    await grant.getByLabel('原因').fill('甄选 SVIP：年度大客户');
    await screenshot('4-grant-form');
    await grant.getByRole('button', { name: /授\s*予/ }).click();
    await grant.waitFor({ state: 'hidden' });
    await drawer.getByText(new RegExp(`运营授予 ${top.name}，有效至 ${until}`)).waitFor();
    await timeline.getByText('等级变动').first().waitFor();

    // 调整积分: +100 with a reason.
    const memberId = (await api.get(`/admin/members?q=${PHONE}`, { token: await api.asAdmin() })).body
      .items[0].id;
    const before = (await api.get(`/admin/members/${memberId}`, { token: await api.asAdmin() })).body;
    assert(before.tier.code === top.code, `the grant lifted the tier: ${JSON.stringify(before.tier)}`);
    await drawer.getByRole('button', { name: /调整积分/ }).click();
    const adjust = page.locator('.ant-modal-content', { hasText: '正数增加' });
    await adjust.getByLabel('积分（正数增加，负数扣减）').fill('100');
    await adjust.getByLabel('原因').fill('客诉补偿');
    await adjust.getByRole('button', { name: /调\s*整/ }).click();
    await adjust.waitFor({ state: 'hidden' });
    await page.getByText(`积分已调整，当前 ${before.points + 100} 分`).waitFor();
    await timeline.scrollIntoViewIfNeeded();
    await screenshot('5-after-actions');
    await page.locator('.ant-drawer-close').click();

    // CSV 导出 of the filtered list: the header and 小林's row.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /导出 CSV/ }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    assert(lines[0].startsWith('会员ID,卡号,昵称,手机号,等级'), `the CSV header: ${lines[0]}`);
    assert(lines.length === 2, `one member exported: ${lines.length - 1}`);
    assert(
      lines[1].includes(before.cardNo) && lines[1].includes('138****8000') && lines[1].includes('197.00'),
      `小林's row: ${lines[1]}`,
    );

    // 审计日志: every action above, newest first, with who and why.
    await page.getByRole('menuitem', { name: /审计日志/ }).click();
    await page.getByRole('cell', { name: '导出会员 CSV' }).waitFor();
    const audit = await page.locator('.ant-table-tbody').innerText();
    for (const text of [
      '导出会员 CSV',
      '调整积分',
      '客诉补偿',
      '授予等级',
      '甄选 SVIP：年度大客户',
      '查看完整号码',
      '核实到店预约',
      'admin',
    ])
      assert(audit.includes(text), `the audit log shows ${text}: ${audit}`);
    const actions = await page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(3)').allInnerTexts();
    assert(
      actions.join('|') === '导出会员 CSV|调整积分|授予等级|查看完整号码',
      `newest first: ${actions.join('|')}`,
    );
    await screenshot('6-audit-log');

    // 22 more members: the list shows 20, 加载更多 brings the other 5; a search without hits says so.
    for (let i = 0; i < 22; i++)
      await api.post('/join', { code: await api.loginCode(`e2e_members_page_${Date.now()}_${i}`) });
    await page.getByRole('menuitem', { name: /(^|\s)会员$/ }).click();
    await page.getByRole('button', { name: /加载更多/ }).waitFor();
    assert((await rows.count()) === 20, `a first page of 20: ${await rows.count()}`);
    await page.getByRole('button', { name: /加载更多/ }).click();
    await page.getByText('已显示全部 25 位会员').waitFor();
    assert((await rows.count()) === 25, `all 25 after 加载更多: ${await rows.count()}`);
    await page.getByPlaceholder('卡号 / 昵称 / 手机号').fill('没有这个人');
    await page.getByPlaceholder('卡号 / 昵称 / 手机号').press('Enter');
    await page.getByText('没有符合条件的会员').waitFor();
    await screenshot('7-empty-search');

    // A merchant admin of 街角咖啡 sees who joined or bought there, its own figures, and no actions.
    const admin = await api.asAdmin();
    const coffee = (await api.get('/admin/merchants', { token: admin })).body.find(
      (m) => m.name === '街角咖啡',
    );
    const boss = `coffee_boss_${Date.now().toString(36)}`;
    await api.post(
      `/admin/merchants/${coffee.id}/staff`,
      { username: boss, password: 'password123', role: 'merchant_admin' },
      { token: admin },
    );
    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.getByRole('tab', { name: '商户管理员' }).click();
    const login = page.locator('form#login');
    await login.getByLabel('用户名').fill(boss);
    await login.getByLabel('密码').fill('password123');
    await login.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('menuitem', { name: /(^|\s)会员$/ }).click();
    await page.getByRole('cell', { name: '阿芳' }).waitFor();
    const names = await page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(2)').allInnerTexts();
    assert(names.join('|') === '阿芳|小林', `the coffee shop's members only: ${names.join('|')}`);
    assert(!(await page.getByRole('menuitem', { name: /审计日志/ }).count()), 'no 审计日志 for a merchant');
    await page.getByRole('cell', { name: '小林' }).click();
    await drawer.getByTestId('member-timeline').getByText('入会', { exact: true }).waitFor();
    const profile = await drawer.innerText();
    assert(profile.includes('¥68.00') && !profile.includes('知行书店'), `only its own spend: ${profile}`);
    for (const action of ['授予等级', '调整积分', '查看完整号码'])
      assert(!(await drawer.getByRole('button', { name: action }).count()), `no ${action} for a merchant`);
    await screenshot('8-merchant-admin');
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } catch (e) {
    // The runner's failure shot is of its own (blank) page: take this context's.
    await screenshot('failure-console').catch(() => {});
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
}
