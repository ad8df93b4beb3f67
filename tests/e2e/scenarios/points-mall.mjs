// Points end to end: a clerk records a ¥120 counter purchase for a member (120 points), the member
// redeems a pickup gift of 100 points in the points mall, and the clerk hands it over on 提货核销.
import path from 'node:path';
import { agreeAndJoin, arrived, artifactsDir, assert, PHONE, settle, shown } from '../lib.mjs';

export const name = 'points-mall';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

export async function run({ page, browser, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 积分咖啡 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  const clerk = { username: `e2e_clerk_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });
  // one point per full yuan paid (the contract's example policy)
  await api.request('PUT', '/admin/points-policy', {
    token: admin,
    body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
  });

  // Member A joins and shows the member code.
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  await agreeAndJoin(page);
  await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
  const digits = shown(page, '.member-code__digits');
  await digits.waitFor();
  const memberCode = (await digits.innerText()).replace(/\s+/g, '');
  assert(/^\d{15,40}$/.test(memberCode), `the card shows the member code digits: ${memberCode}`);

  // Clerk B signs in, verifies the code and records a ¥120 purchase without a coupon.
  const counter = await browser.newContext(PHONE);
  try {
    counter.setDefaultTimeout(15_000);
    const pageB = await counter.newPage();
    const shotB = async (step) => {
      await settle(pageB);
      await pageB.screenshot({ path: path.join(artifactsDir, `${name}-B-${step}.png`), fullPage: true });
    };
    await pageB.goto(`${baseUrl}/#/staff/login/index`);
    await shown(pageB, '.staff__input--username input').fill(clerk.username);
    await shown(pageB, '.staff__input--password input').fill(clerk.password);
    await shown(pageB, '.staff__submit').tap();
    await shown(pageB, '.verify__input input').fill(memberCode);
    await shown(pageB, '.verify__submit').tap();
    await shown(pageB, '.verify__amount-input input').fill('120');
    await shotB('1-verified');
    await shown(pageB, '.verify__record').tap();
    await shown(pageB, '.verify__dialog').getByText('确认', { exact: true }).tap();
    const result = shown(pageB, '.verify__done');
    await result.waitFor();
    const resultText = await result.innerText();
    assert(resultText.includes('已记录消费'), `the clerk sees the purchase recorded: ${resultText}`);
    assert(
      resultText.includes('¥120.00') && resultText.includes('+120'),
      `¥120.00 paid earns +120: ${resultText}`,
    );
    await shotB('2-recorded');

    // A sees the 120 points on the card and on the points page.
    await page.reload();
    const points = shown(page, '.member-card__points');
    await points.waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.member-card__points')].some((el) => el.textContent.trim() === '120'),
    );
    await shown(page, '.card__entry', { hasText: '积分' }).first().tap();
    const balance = arrived(page, '.points__balance');
    await balance.waitFor();
    assert(
      (await balance.innerText()).trim() === '120',
      `the points page shows 120: ${await balance.innerText()}`,
    );
    await shown(page, '.points__history', { hasText: '到店消费' }).waitFor();
    await screenshot('1-points');

    // The operator puts a 100-point pickup gift of this merchant in the mall; A redeems it.
    const giftTitle = `E2E 手冲咖啡 ${tag}`;
    await api.post(
      '/admin/mall/items',
      {
        title: giftTitle,
        pointsPrice: 100,
        cashFen: 0,
        stock: 5,
        perMemberLimit: 1,
        fulfilment: 'pickup',
        merchantId: merchant.id,
      },
      { token: admin },
    );
    await shown(page, '.points__hero-link', { hasText: '积分商城' }).tap();
    await shown(page, '.mall__item', { hasText: giftTitle }).tap();
    await shown(page, 'text=立即兑换 · 100 积分').tap();
    const dialog = shown(page, '.mall-item__dialog');
    await dialog.getByText('积分 120 → 20').waitFor();
    await arrived(page, '.mall-item__hero').waitFor();
    await screenshot('2-confirm');
    await dialog.getByText('确认', { exact: true }).tap();
    const code = arrived(page, '.order--fresh .pickup-code__digits');
    await code.waitFor();
    const pickupCode = (await code.innerText()).replace(/\s+/g, '');
    assert(/^\d{10}$/.test(pickupCode), `a 10-digit pickup code: ${pickupCode}`);
    await screenshot('3-pickup-code');

    // B hands the gift over on 提货核销.
    await shown(pageB, '.verify__next').tap();
    await shown(pageB, '.staff-nav__item', { hasText: '提货核销' }).tap();
    await shown(pageB, '.pickup__input input').fill(pickupCode);
    await shown(pageB, '.pickup__submit').tap();
    const done = arrived(pageB, '.pickup__done');
    await done.waitFor();
    assert((await done.innerText()).includes(giftTitle), 'the clerk sees which gift to hand over');
    await shotB('3-picked-up');

    // A's order now reads 已提货.
    await page.reload();
    await arrived(page, '.order', { hasText: giftTitle }).getByText('已提货', { exact: true }).waitFor();
    await screenshot('4-fulfilled');
  } finally {
    await counter.close();
  }
}
