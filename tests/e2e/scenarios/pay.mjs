// 买单 end to end: a shopper scans a merchant's QR code, joins with one tap and gets a first-order
// ¥10 coupon, pays that merchant ¥128 in the mini-program (coupon preselected, ¥118.00 to pay),
// confirms in the WeChat Pay sandbox's cashier, and the payment notification credits 118 points.
import { agreeAndJoin, arrived, assert, shown } from '../lib.mjs';

export const name = 'pay';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

/** Waits until the first shown `selector` reads `text` (trimmed). */
async function readsExactly(page, selector, text) {
  await page.waitForFunction(
    ([sel, want]) =>
      [...document.querySelectorAll(sel)].some(
        (el) => el.offsetParent !== null && el.textContent.trim() === want,
      ),
    [selector, text],
  );
}

export async function run({ page, baseUrl, api, screenshot }) {
  // The operator: a merchant, its QR code, and a first-order ¥10 coupon every new member gets on joining.
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 买单咖啡 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  // one point per full yuan paid (the contract's example policy)
  await api.request('PUT', '/admin/points-policy', {
    token: admin,
    body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
  });
  const couponTitle = `首单立减10元 ${tag}`;
  await api.post(
    '/admin/coupon-templates',
    {
      title: couponTitle,
      kind: 'no_threshold',
      valueFen: 1000,
      thresholdFen: 0,
      stock: 100,
      perMemberLimit: 1,
      validDays: 30,
      usableAt: 'merchant',
      merchantIds: [merchant.id],
      audience: 'new_members',
      firstOrderOnly: true,
      forwardable: false,
      joinGift: true,
      issuer: { type: 'merchant', merchantId: merchant.id },
    },
    { token: admin },
  );

  // The shopper scans the QR code and joins with one tap: the card shows the gift.
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  await shown(page, '.join__merchant', { hasText: merchant.name }).waitFor();
  await screenshot('1-join');
  await agreeAndJoin(page);
  await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
  const gift = shown(page, '.card__welcome');
  await gift.getByText(couponTitle).waitFor();
  assert((await gift.innerText()).includes('首单专享'), 'the gift is a first-order coupon');
  await arrived(page, '.member-code__digits').waitFor();
  await screenshot('2-card-gift');

  // 买单: pick the merchant, type ¥128; the first-order coupon is preselected and ¥118.00 is to pay.
  await shown(page, '.card__pay').tap();
  await arrived(page, '.pay__merchant').waitFor();
  await shown(page, '.pay__merchant-main').tap();
  const merchants = shown(page, '.pay-picker--merchants .pay-picker__list');
  await merchants.waitFor();
  await screenshot('3-pick-merchant');
  await merchants.getByText(merchant.name, { exact: true }).tap();
  await shown(page, '.pay__merchant-name', { hasText: merchant.name }).waitFor();
  await shown(page, '.pay__amount-input input').fill('128');
  await readsExactly(page, '.pay__payable', '¥118.00');
  const coupon = shown(page, '.pay__row--coupon');
  assert(
    (await coupon.innerText()).includes(couponTitle),
    `the coupon is preselected: ${await coupon.innerText()}`,
  );
  assert((await coupon.innerText()).includes('-¥10.00'), 'the coupon takes ¥10.00 off');
  const earn = await shown(page, '.pay__earn').innerText();
  assert(earn.includes('预计获得 118 积分'), `the preview promises 118 points: ${earn}`);
  await shown(page, '.pay__submit', { hasText: '确认支付 ¥118.00' }).waitFor();
  await screenshot('4-preview');

  // The coupon picker offers the gift (selected) and 不使用优惠券; keeping the gift keeps ¥118.00.
  await coupon.tap();
  const coupons = shown(page, '.pay-picker--coupons .pay-picker__list');
  await coupons.waitFor();
  const picked = coupons.locator('.pay-picker__coupon--selected');
  assert((await picked.innerText()).includes(couponTitle), 'the gift is the selected coupon');
  assert((await picked.innerText()).includes('省¥10.00'), 'the picker says what the gift saves');
  await screenshot('5-coupons');
  await picked.tap();
  await coupons.waitFor({ state: 'hidden' });
  await readsExactly(page, '.pay__payable', '¥118.00');

  // 确认支付: the order is created and the sandbox's cashier asks the payer.
  await shown(page, '.pay__submit').tap();
  const sheet = shown(page, '.pay-sheet__body');
  await sheet.waitFor();
  const sheetText = await sheet.innerText();
  assert(
    sheetText.includes('微信支付') && sheetText.includes(merchant.name) && sheetText.includes('¥118.00'),
    `the cashier names the payee and the amount: ${sheetText}`,
  );
  await screenshot('6-cashier');
  await shown(page, '.pay-sheet__confirm').tap();

  // 支付结果: paid after the notification; 118 points earned and on the card.
  const result = arrived(page, '.pay-result--paid');
  await result.waitFor();
  const earned = await shown(page, '.pay-result__row--earned .pay-result__value').innerText();
  assert(earned.trim() === '+118 积分', `the result shows +118 积分: ${earned}`);
  const balance = await shown(page, '.pay-result__row--balance .pay-result__value').innerText();
  assert(balance.trim() === '118 积分', `the card now holds 118 points: ${balance}`);
  assert((await result.innerText()).includes('¥118.00'), 'the result shows the paid amount');
  await screenshot('7-result');

  await shown(page, '.pay-result__done').tap();
  await readsExactly(page, '.member-card__points', '118');
  await arrived(page, '.member-card').waitFor();
  // the used gift has left the card's 入会礼 block
  assert((await shown(page, '.card__welcome').count()) === 0, 'the used join gift is no longer offered');
  await screenshot('8-card-points');

  // The server agrees: the order is paid, the coupon used, and every invariant holds.
  const invariants = (await api.get('/admin/invariants', { token: admin })).body;
  assert(invariants.ok, `invariants hold: ${JSON.stringify(invariants.checks?.filter((c) => !c.ok))}`);

  // 我的 → 我的订单 lists the payment.
  await shown(page, '.weui-tabbar__label', { hasText: '我的' }).tap();
  await shown(page, '.me__row--orders').tap();
  const row = arrived(page, '.pay-order', { hasText: merchant.name });
  await row.waitFor();
  const rowText = await row.innerText();
  assert(
    rowText.includes('已支付') && rowText.includes('¥118.00'),
    `the order is listed as paid: ${rowText}`,
  );
  await screenshot('9-orders');
}
