// A member-day payment end to end, on today's real date: the operator makes today the member day at
// one merchant with 积分双倍 and 10% off on top. The shopper opens 买单 there and types ¥100: the page
// says 今天会员日 with ¥10 off and the doubled points (¥90 × 2 = 180) before paying; the sandbox
// cashier charges ¥90 and the result shows the same 180 points. At that merchant's counter the clerk
// sees the member day after 验卡 and 「今天会员日 再减 ¥10.00，应收 ¥90.00」 before confirming ¥100.
import { arrived, assert, clerkLogin, PHONE, shown } from '../lib.mjs';

export const name = 'member-day-pay';

/** Today's ISO weekday in Asia/Shanghai. */
function shanghaiWeekday() {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCDay() || 7;
}

/** Waits until a shown `selector` contains `text`. */
async function reads(page, selector, text) {
  await page.waitForFunction(
    ([sel, want]) =>
      [...document.querySelectorAll(sel)].some(
        (el) => el.offsetParent !== null && el.textContent.includes(want),
      ),
    [selector, text],
  );
}

export async function run({ page, browser, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const storeName = `E2E 会员日面馆 ${tag}`;
  const merchant = await api.createMerchant(storeName);
  const qr = await api.createQrCode(merchant.id);
  const clerk = { username: `e2e_mday_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });
  await api.request('PUT', '/admin/points-policy', {
    token: admin,
    body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
  });
  const set = await api.request('PUT', '/admin/benefits', {
    token: admin,
    body: {
      birthday: null,
      memberDay: {
        weekday: shanghaiWeekday(),
        pointsMultiplierPermille: 2000,
        discountPermille: 100,
        merchantIds: [merchant.id],
      },
      tasks: { profilePoints: 0, phonePoints: 0 },
    },
  });
  assert(set.status === 200, `the member day is set: ${JSON.stringify(set.body)}`);
  const counter = await browser.newContext(PHONE);
  try {
    const openid = `e2e_mday_${tag}`;
    await api.join(openid, { scene: qr.scene });
    await page.addInitScript((id) => window.localStorage.setItem('allycard.h5.openid', id), openid);

    // The card's banner on the day.
    await page.goto(`${baseUrl}/#/pages/card/index`);
    await arrived(page, '.card__benefit', { hasText: '今天会员日 积分双倍' }).waitFor();
    await arrived(page, '.member-code__digits').waitFor();
    const memberCode = (await arrived(page, '.member-code__digits').innerText()).replace(/\s+/g, '');
    await screenshot('1-card-member-day');

    // 买单 ¥100: ¥10 off, ¥90 to pay, 180 points promised.
    await page.goto(`${baseUrl}/#/pages/pay/index?merchantId=${encodeURIComponent(merchant.id)}`);
    await shown(page, '.pay__merchant-name', { hasText: storeName }).waitFor();
    await shown(page, '.pay__amount-input input').fill('100');
    await reads(page, '.pay__earn', '预计获得 180 积分');
    const line = await shown(page, '.pay__member-day').innerText();
    assert(
      line.includes('今天会员日') && line.includes('-¥10.00') && line.includes('双倍'),
      `the pay page says the member day's discount and doubled points: ${line}`,
    );
    await reads(page, '.pay__payable', '¥90.00');
    await shown(page, '.pay__submit', { hasText: '确认支付 ¥90.00' }).waitFor();
    await screenshot('2-pay-preview');

    // The sandbox's cashier charges ¥90; the result shows the same 180 points.
    await shown(page, '.pay__submit').tap();
    const sheet = shown(page, '.pay-sheet__body');
    await sheet.waitFor();
    assert(
      (await sheet.innerText()).includes('¥90.00'),
      `the cashier asks ¥90.00: ${await sheet.innerText()}`,
    );
    await shown(page, '.pay-sheet__confirm').tap();
    const result = arrived(page, '.pay-result--paid');
    await result.waitFor();
    const earned = await shown(page, '.pay-result__row--earned .pay-result__value').innerText();
    assert(earned.trim() === '+180 积分', `the result shows +180 积分, as previewed: ${earned}`);
    assert((await result.innerText()).includes('¥90.00'), 'the result shows the ¥90.00 paid');
    await screenshot('3-pay-result');

    // At the counter of the same merchant: the clerk sees the member day before confirming.
    const { clerkPage, clerkShot } = await clerkLogin(counter, baseUrl, clerk, name);
    await shown(clerkPage, '.verify__input input').fill(memberCode);
    await shown(clerkPage, '.verify__submit').tap();
    await shown(clerkPage, '.verify__member-day', { hasText: '今天会员日 再享 9 折' }).waitFor();
    await clerkShot('1-member-day');
    await shown(clerkPage, '.verify__amount-input input').fill('100');
    await shown(clerkPage, '.verify__record').tap();
    const dialog = shown(clerkPage, '.verify__dialog');
    await dialog.getByText('今天会员日 再减 ¥10.00，应收 ¥90.00').waitFor();
    await clerkShot('2-confirm');
    await dialog.getByText('确认', { exact: true }).tap();
    const done = shown(clerkPage, '.verify__done');
    await done.waitFor();
    const doneText = await done.innerText();
    assert(
      doneText.includes('-¥10.00') && doneText.includes('¥90.00') && doneText.includes('+180'),
      `the record: ¥10 off, ¥90 paid, 180 points: ${doneText}`,
    );
    await clerkShot('3-recorded');
  } finally {
    await counter.close();
    // the other scenarios share this server: no member day for them
    await api.request('PUT', '/admin/benefits', { token: admin, body: { birthday: null, memberDay: null } });
  }
}
