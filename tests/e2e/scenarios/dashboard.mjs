// The operator's morning on the demo alliance: logs in and lands on 经营看板, reads the KPI cards
// (the figures of the demo seed's three shoppers and five counter purchases, by hand), switches the
// period and the merchant, exports the report CSV; then on 会员 finds 小林 by phone, opens the
// timeline, grants a tier and exports the member CSV; both exports are in 审计日志.
import { readFileSync } from 'node:fs';
import { assert, consoleLogin, createApi, screenshotter, startServer } from '../lib.mjs';

export const name = 'dashboard';

const DESKTOP = {
  viewport: { width: 1440, height: 1000 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  acceptDownloads: true,
  // the charts then draw at once, without animating (as for anyone who asks for less motion)
  reducedMotion: 'reduce',
};
// The demo seed gives 小林 this number (apps/server/src/seed/demo-seed.service.ts).
const PHONE = '13800138000';

export async function run({ browser }) {
  const server = await startServer({ env: { SEED_DEMO: 'true' } });
  const api = createApi(server.baseUrl);
  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const screenshot = screenshotter(page, name);
  const card = (key) => page.getByTestId(`kpi-${key}`);
  const download = async (button) => {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return readFileSync(await file.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
  };
  try {
    await consoleLogin(page, server.baseUrl);

    // 经营看板 is the first page. The demo: 小林 ¥68 + ¥129, 阿芳 ¥42 + ¥36, 老周 ¥256, all today.
    await page.getByRole('heading', { name: '经营看板' }).waitFor();
    await card('spend').waitFor();
    const expected = {
      totalMembers: '3',
      newMembers: '3',
      activeMembers: '3',
      activation: '100.0%',
      spend: '¥531.00',
      purchases: '5',
      averageTicket: '¥106.20',
      repeat: '66.6%', // 小林 and 阿芳 bought twice: 2 × 1000 / 3 = 666 ‰
      // 小林's ¥129 and 阿芳's ¥36 were not their first: 16 500 × 1000 / 53 100 = 310 ‰
      secondShare: '31.0%',
    };
    for (const [key, value] of Object.entries(expected)) {
      const text = await card(key).innerText();
      assert(text.includes(value), `the ${key} card shows ${value}: ${text}`);
    }
    // the previous 30 days had nothing: every count is new
    assert(
      (await card('totalMembers').innerText()).includes('较上期 新增'),
      'compared with the period before',
    );
    for (const chart of ['会员增长', '活跃会员', '会员消费', '等级分布', '拉新漏斗'])
      assert(await page.getByLabel(chart).locator('svg').count(), `the ${chart} chart is drawn`);
    await screenshot('1-dashboard');

    // 近 7 天 and one merchant: 街角咖啡 had 小林's ¥68 and 阿芳's ¥36.
    await page.getByText('近 7 天', { exact: true }).click();
    await page.getByRole('combobox', { name: '商户筛选' }).click();
    await page.locator('.ant-select-item-option', { hasText: '街角咖啡' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="kpi-spend"]')?.textContent?.includes('¥104.00'),
    );
    assert((await card('activeMembers').innerText()).includes('2'), 'two shoppers bought at the coffee shop');
    await screenshot('2-coffee-7-days');
    const report = await download(page.getByRole('button', { name: /导出 CSV/ }));
    assert(report[0] === '日期,新增会员,活跃会员,消费金额(元)', `the report CSV header: ${report[0]}`);
    assert(report.length === 8, `seven days: ${report.length - 1}`);
    assert(/,2,2,104\.00$/.test(report[7]), `today at the coffee shop: ${report[7]}`);

    // 会员: 小林 by phone, the timeline, a tier grant, the member CSV.
    await page.getByRole('menuitem', { name: /(^|\s)会员$/ }).click();
    const search = page.getByPlaceholder('卡号 / 昵称 / 手机号');
    await search.fill(PHONE);
    await search.press('Enter');
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await page.getByRole('cell', { name: '老周' }).waitFor({ state: 'detached' });
    assert((await rows.count()) === 1, `one member found by phone: ${await rows.count()}`);
    assert((await rows.first().innerText()).includes('138****8000'), 'masked phone');
    await rows.first().click();
    const drawer = page.locator('.ant-drawer-content');
    const timeline = drawer.getByTestId('member-timeline');
    await timeline.getByText('入会', { exact: true }).waitFor();
    const events = await timeline.innerText();
    for (const text of ['消费', '街角咖啡', '¥68.00'])
      assert(events.includes(text), `the timeline shows ${text}: ${events}`);
    await screenshot('3-timeline');

    const tiers = (await api.get('/tiers', { token: await api.asAdmin() })).body;
    const top = tiers[tiers.length - 1];
    const until = `${new Date().getFullYear() + 1}-06-30`;
    await drawer.getByRole('button', { name: /授予等级/ }).click();
    const grant = page.locator('.ant-modal-content', { hasText: '有效至' });
    await grant.getByLabel('等级').click();
    await page.locator('.ant-select-item-option', { hasText: top.name }).click();
    await grant.getByLabel('有效至（含当天）').fill(until);
    await grant.getByLabel('有效至（含当天）').press('Enter');
    await grant.getByLabel('原因').fill('年度大客户');
    await grant.getByRole('button', { name: /授\s*予/ }).click();
    await grant.waitFor({ state: 'hidden' });
    await drawer.getByText(new RegExp(`运营授予 ${top.name}，有效至 ${until}`)).waitFor();
    await screenshot('4-granted');
    await page.locator('.ant-drawer-close').click();
    const members = await download(page.getByRole('button', { name: /导出 CSV/ }));
    assert(
      members.length === 2 && members[1].includes('138****8000'),
      `小林 exported: ${members.join(' / ')}`,
    );

    // 经营看板 shows the grant in the tier distribution; 审计日志 has both exports and the grant.
    await page.getByRole('menuitem', { name: /审计日志/ }).click();
    await page.getByRole('cell', { name: '导出经营报表 CSV' }).waitFor();
    const actions = await page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(3)').allInnerTexts();
    assert(
      actions.join('|') === '导出会员 CSV|授予等级|导出经营报表 CSV',
      `newest first: ${actions.join('|')}`,
    );
    await screenshot('5-audit-log');
    assert(!problems.length, `no browser errors:\n${problems.join('\n')}`);
  } catch (e) {
    await screenshot('failure-dashboard').catch(() => {});
    throw e;
  } finally {
    await context.close();
    await server.stop();
  }
}
