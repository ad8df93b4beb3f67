// The first-order gift at the counter (issue 14 item 1): a member who joined with 新人首单立减10元
// makes the first purchase at the counter. 仅记录消费 offers the gift first, applied by default; the
// clerk can decline it with one tap and is told it will lapse. Declined, the gift leaves the member's
// usable coupons (card count, wallet 已失效 with the reason); accepted, the member pays ¥10 less.
import { agreeAndJoin, arrived, assert, clerkLogin, PHONE, shown } from '../lib.mjs';

export const name = 'first-order-gift';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

/** A new member joins on `page` through the merchant's QR code; the member code's digits. */
async function joinAndShowCode(page, baseUrl, scene) {
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(scene)}`);
  await agreeAndJoin(page);
  await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
  const digits = arrived(page, '.member-code__digits');
  await digits.waitFor();
  return (await digits.innerText()).replace(/\s+/g, '');
}

export async function run({ page, browser, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 首单咖啡 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  const clerk = { username: `e2e_first_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });
  const giftTitle = `新人首单立减10元 ${tag}`;
  const gift = await api.post(
    '/admin/coupon-templates',
    {
      title: giftTitle,
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

  const counter = await browser.newContext(PHONE);
  const friendContext = await browser.newContext(PHONE);
  try {
    const { clerkPage, clerkShot } = await clerkLogin(counter, baseUrl, clerk, name);
    await shown(clerkPage, '.verify__input').waitFor();

    /** The clerk verifies `memberCode`, types the amount and taps 仅记录消费: the dialog's text. */
    const recordOnly = async (memberCode, yuan) => {
      await shown(clerkPage, '.verify__input input').fill(memberCode);
      await shown(clerkPage, '.verify__submit').tap();
      await shown(clerkPage, '.verify__amount-input input').fill(yuan);
      await shown(clerkPage, '.verify__record').tap();
      const dialog = shown(clerkPage, '.verify__dialog');
      await dialog.getByText('顾客首单', { exact: false }).first().waitFor();
      return dialog;
    };

    // Member A joins with the gift; the clerk records ¥50: the gift is offered, the clerk declines it.
    const codeA = await joinAndShowCode(page, baseUrl, qr.scene);
    await shown(page, '.card__welcome', { hasText: giftTitle }).waitFor();
    const countBefore = Number(await shown(page, '.card__entry-value').first().innerText());
    const offered = await recordOnly(codeA, '50');
    const offeredText = await offered.innerText();
    assert(
      offeredText.includes(`已选用首单券「${giftTitle}」`) && offeredText.includes('实付 ¥40.00'),
      `the first-order gift is applied by default: ${offeredText}`,
    );
    await clerkShot('1-gift-offered');
    await offered.getByText('不用此券，仅记录消费').tap();
    await offered.getByText('记录后将失效', { exact: false }).waitFor();
    await clerkShot('2-gift-declined');
    await offered.getByText('确认', { exact: true }).tap();
    const doneA = shown(clerkPage, '.verify__done');
    await doneA.waitFor();
    const doneAText = await doneA.innerText();
    assert(
      doneAText.includes('已记录消费') && doneAText.includes('首单') && doneAText.includes('¥50.00'),
      `recorded as the first purchase, without the coupon: ${doneAText}`,
    );
    await shown(clerkPage, '.verify__next').tap();

    // The member's card counts one coupon less; the wallet shows the gift under 已失效, with why.
    await page.reload();
    const count = arrived(page, '.card__entry-value').first();
    await count.waitFor();
    const countAfter = Number(await count.innerText());
    assert(countAfter === countBefore - 1, `the card counts ${countBefore} then ${countAfter} coupons`);
    await screenshot('2-card-after');
    await page.goto(`${baseUrl}/#/coupon/mine/index?tab=expired`);
    const lapsed = arrived(page, '.wallet__list--expired .coupon-item', { hasText: giftTitle });
    await lapsed.waitFor();
    assert((await lapsed.innerText()).includes('已失效'), 'the gift is stamped 已失效');
    const usable = await page.locator('.wallet__list--usable .coupon-item', { hasText: giftTitle }).count();
    assert(usable === 0, 'the gift is no longer among the usable coupons');
    await screenshot('3-wallet-lapsed');
    await lapsed.tap();
    await arrived(page, '.coupon-detail__facts').getByText('首单已完成', { exact: false }).waitFor();
    await screenshot('4-detail-why');

    // Friend B joins the same way; the clerk keeps the offered gift: ¥10 off the first purchase.
    const friend = await friendContext.newPage();
    const codeB = await joinAndShowCode(friend, baseUrl, qr.scene);
    const offeredB = await recordOnly(codeB, '50');
    await offeredB.getByText('确认', { exact: true }).tap();
    const doneB = shown(clerkPage, '.verify__done');
    await doneB.waitFor();
    const doneBText = await doneB.innerText();
    assert(
      doneBText.includes('核销成功') && doneBText.includes('-¥10.00') && doneBText.includes('¥40.00'),
      `the gift paid ¥10 of the first purchase: ${doneBText}`,
    );
    await clerkShot('3-gift-used');
  } finally {
    await counter.close();
    await friendContext.close();
    // later scenarios' members must not receive this join gift
    await api.post(`/admin/coupon-templates/${gift.body.id}/pause`, undefined, { token: admin });
  }
}
