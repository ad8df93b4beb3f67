// The card's first screen on a small phone (375 × 667, an iPhone SE): a new member who just joined
// sees the member code at once, above the fold, its digits grouped like the card number; the join
// gift opens on the first view only and is one folded line when the member comes back.
import { agreeAndJoin, assert, screenshotter, shown } from '../lib.mjs';

export const name = 'card-first-screen';

const SMALL_PHONE = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/** The visible box of `selector` and the height left above Taro's tab bar. */
async function box(page, selector) {
  return page.evaluate((sel) => {
    const el = [...document.querySelectorAll(sel)].find((e) => e.offsetParent !== null);
    const tabBar = document.querySelector('.taro-tabbar__tabbar, .weui-tabbar');
    const r = el.getBoundingClientRect();
    return {
      top: r.top,
      bottom: r.bottom,
      fold: tabBar ? tabBar.getBoundingClientRect().top : window.innerHeight,
    };
  }, selector);
}

export async function run({ browser, baseUrl, api }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 小屏咖啡 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  const giftTitle = `新人礼 5 元 ${tag}`;
  const gift = await api.post(
    '/admin/coupon-templates',
    {
      title: giftTitle,
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      stock: 10,
      perMemberLimit: 1,
      validDays: 30,
      usableAt: 'alliance',
      audience: 'new_members',
      firstOrderOnly: false,
      forwardable: false,
      joinGift: true,
      issuer: { type: 'alliance' },
    },
    { token: admin },
  );

  const context = await browser.newContext(SMALL_PHONE);
  try {
    const page = await context.newPage();
    const screenshot = screenshotter(page, name);
    await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
    await agreeAndJoin(page);

    // First view: the QR code and its digits above the fold, the gift open below them.
    const digits = shown(page, '.member-code__digits');
    await digits.waitFor();
    await shown(page, '.member-code__qr img').waitFor();
    await shown(page, '.card__welcome').getByText(giftTitle).waitFor();
    const text = (await digits.innerText()).trim();
    assert(/^\d{4}( \d{4})* ?\d{0,3}$/.test(text) && text.includes(' '), `digits in fours: "${text}"`);
    const qrBox = await box(page, '.member-code__qr');
    const digitsBox = await box(page, '.member-code__digits');
    assert(
      qrBox.top >= 0 && digitsBox.bottom <= digitsBox.fold,
      `code above the fold: ${JSON.stringify([qrBox, digitsBox])}`,
    );
    const giftBox = await box(page, '.card__welcome');
    assert(giftBox.top > digitsBox.bottom, 'the gift comes after the code');
    await screenshot('1-first-view');

    // Coming back to the card: the gift is one folded line, and opens again on a tap.
    await page.reload();
    await shown(page, '.member-code__qr img').waitFor();
    const folded = shown(page, '.card__welcome--folded');
    await folded.waitFor();
    assert(!(await folded.innerText()).includes(giftTitle), 'the folded gift lists no coupon');
    await screenshot('2-back-folded');
    await folded.tap();
    await shown(page, '.card__welcome').getByText(giftTitle).waitFor();
  } finally {
    await context.close();
    // every later join on this server would get the gift too: the other scenarios count coupons
    await api.post(`/admin/coupon-templates/${gift.body.id}/pause`, undefined, { token: admin });
  }
}
