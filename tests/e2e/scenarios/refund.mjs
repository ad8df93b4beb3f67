// Refunds at the counter: a member paid a merchant ¥50.00 through WeChat Pay (sandbox); the clerk
// refunds ¥20.00 of it on 订单, then the rest, and sees each refund settle. The member's order page then
// reads 已退款 (not ✓ 支付成功) with the points taken back and the number the clerk's list shows.
import { arrived, assert, PHONE, screenshotter, shown } from '../lib.mjs';

export const name = 'refund';

export async function run({ page, browser, api, baseUrl, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 退款小馆 ${tag}`);
  const clerk = { username: `e2e_refund_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });

  // A member pays ¥50.00 (API and sandbox, as the pay scenario does through the pages).
  const openid = `h5_e2e_refund_${tag}`;
  const { token } = await api.join(openid);
  const created = (
    await api.post(
      '/orders',
      { merchantId: merchant.id, amountFen: 5000 },
      { token, headers: { 'idempotency-key': `e2e-refund-${tag}` } },
    )
  ).body;
  const outTradeNo = created.order.outTradeNo;
  const confirmed = (await api.post(`/sandbox/wechat/pay/${outTradeNo}/confirm`)).body;
  assert(confirmed.delivered, `the sandbox delivered the notification: ${JSON.stringify(confirmed)}`);
  const no = outTradeNo.slice(-8);

  // The clerk opens 订单 and refunds ¥20.00 of it.
  await page.goto(`${baseUrl}/#/staff/login/index`);
  await shown(page, '.staff__input--username input').fill(clerk.username);
  await shown(page, '.staff__input--password input').fill(clerk.password);
  await shown(page, '.staff__submit').tap();
  await shown(page, '.staff-nav__item', { hasText: '订单' }).tap();
  const card = arrived(page, '.staff-order', { hasText: no });
  await card.waitFor();
  const before = await card.innerText();
  assert(before.includes('已支付') && before.includes('实收 ¥50.00'), `the paid order is listed: ${before}`);
  await screenshot('1-orders');

  await card.locator('.staff-order__refund').tap();
  const dialog = shown(page, '.staff-orders__dialog');
  await dialog.getByText('部分退款', { exact: true }).tap();
  await dialog.locator('.staff-orders__amount-input input').fill('20');
  await screenshot('2-partial');
  await dialog.getByText('确认退款', { exact: true }).tap();
  await card.getByText('退款处理中 ¥20.00').waitFor();
  await screenshot('3-processing');
  // WeChat settles the refund a moment later; the page looks again by itself.
  await card.getByText('部分退款', { exact: true }).waitFor();
  await card.getByText('已退款 ¥20.00').waitFor();
  await screenshot('4-partially-refunded');

  // Then the rest, in full.
  await card.locator('.staff-order__refund').tap();
  await dialog.getByText('全额 ¥30.00', { exact: true }).waitFor();
  await dialog.getByText('确认退款', { exact: true }).tap();
  await card.getByText('已退款 ¥50.00').waitFor();
  await card.locator('.staff-order__status', { hasText: '已退款' }).waitFor();
  assert((await card.locator('.staff-order__refund').count()) === 0, 'nothing is left to refund');
  await screenshot('5-refunded');

  const order = (await api.get(`/orders/${created.order.id}`, { token })).body;
  assert(
    order.status === 'refunded' && order.refundedFen === 5000,
    `the order is refunded: ${JSON.stringify(order)}`,
  );

  // The member opens the order: 已退款, the amount back, the points taken back, the same number.
  const shopper = await browser.newContext(PHONE);
  try {
    await shopper.addInitScript(
      ([id, t]) => {
        window.localStorage.setItem('allycard.h5.openid', id);
        window.localStorage.setItem('allycard.memberToken', JSON.stringify({ data: t }));
      },
      [openid, token],
    );
    const memberPage = await shopper.newPage();
    await memberPage.goto(`${baseUrl}/#/pages/pay/result?id=${created.order.id}`);
    const hero = arrived(memberPage, '.pay-result__hero');
    await hero.getByText('已退款', { exact: true }).waitFor();
    const text = await arrived(memberPage, '.pay-result').innerText();
    assert(!text.includes('支付成功'), `a refunded order no longer reads 支付成功: ${text}`);
    assert(text.includes('¥50.00 已原路退回') && text.includes(no), `refund and order number shown: ${text}`);
    await screenshotter(memberPage, `${name}-member`)('6-order');
  } finally {
    await shopper.close();
  }

  const invariants = (await api.get('/admin/invariants', { token: admin })).body;
  assert(invariants.ok, `invariants hold: ${JSON.stringify(invariants.checks?.filter((c) => !c.ok))}`);
}
