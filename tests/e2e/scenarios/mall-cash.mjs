// A points + cash gift: the member redeems "200 积分 + ¥39.00", pays the cash part in the WeChat Pay
// sandbox's cashier (the same flow as 买单), and gets the pickup code once the payment is notified.
import { arrived, assert, shown } from '../lib.mjs';

export const name = 'mall-cash';

export async function run({ page, api, baseUrl, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 豆子铺 ${tag}`);
  const clerk = { username: `e2e_cash_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });
  await api.request('PUT', '/admin/points-policy', {
    token: admin,
    body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
  });

  // A member with 300 points from a ¥300 counter purchase; the browser is that member's WeChat.
  const openid = `h5_e2ecash${tag}`;
  const { token } = await api.join(openid);
  const memberCode = (await api.get('/me/member-code', { token })).body.code;
  const staff = (await api.post('/staff/login', clerk)).body.token;
  await api.post(
    '/staff/redemptions',
    { memberCode, amountFen: 30000 },
    { token: staff, headers: { 'idempotency-key': `e2e-cash-${tag}` } },
  );
  const title = `E2E 咖啡豆 ${tag}`;
  const item = (
    await api.post(
      '/admin/mall/items',
      {
        title,
        pointsPrice: 200,
        cashFen: 3900,
        stock: 5,
        perMemberLimit: 1,
        fulfilment: 'pickup',
        merchantId: merchant.id,
      },
      { token: admin },
    )
  ).body;
  await page.addInitScript((id) => window.localStorage.setItem('allycard.h5.openid', id), openid);

  await page.goto(`${baseUrl}/#/points/item/index?id=${encodeURIComponent(item.id)}`);
  await arrived(page, '.mall-item__price', { hasText: '200 积分 + ¥39.00' }).waitFor();
  await screenshot('1-item');
  await shown(page, 'text=立即兑换 · 200 积分 + ¥39.00').tap();
  const dialog = shown(page, '.mall-item__dialog');
  await dialog.getByText('另需微信支付 ¥39.00').waitFor();
  await dialog.getByText('积分 300 → 100').waitFor();
  await screenshot('2-confirm');
  await dialog.getByText('确认', { exact: true }).tap();

  const sheet = shown(page, '.pay-sheet__body');
  await sheet.waitFor();
  const sheetText = await sheet.innerText();
  assert(sheetText.includes(merchant.name) && sheetText.includes('¥39.00'), `the cashier: ${sheetText}`);
  await screenshot('3-cashier');
  await shown(page, '.pay-sheet__confirm').tap();

  const fresh = arrived(page, '.order--fresh', { hasText: title });
  await fresh.waitFor();
  const code = (await fresh.locator('.pickup-code__digits').innerText()).replace(/\s+/g, '');
  assert(/^\d{10}$/.test(code), `a 10-digit pickup code once paid: ${code}`);
  assert((await fresh.innerText()).includes('消耗 200 积分 + ¥39.00'), 'the exchange shows points and cash');
  await screenshot('4-pickup');
}
