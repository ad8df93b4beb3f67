// A member claims a forwardable coupon in 领券中心 and forwards it (转赠好友); a friend opens the link in
// another browser, takes it with one tap (joining on the way) and finds it in 我的券. The friend's
// first purchase brings the sender the 拉新 reward, an issue-only coupon 领券中心 never shows, and the
// sender's card says it arrived.
import path from 'node:path';
import { agreeAndJoin, arrived, artifactsDir, assert, claimInCentre, PHONE, settle, shown } from '../lib.mjs';

export const name = 'forward-coupon';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

async function joinAsNewShopper(page, baseUrl, scene) {
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(scene)}`);
  await agreeAndJoin(page);
  await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
}

export async function run({ page, browser, baseUrl, api, screenshot }) {
  // The operator: a merchant with a QR code, and a forwardable alliance-wide coupon to claim.
  const admin = await api.asAdmin();
  const merchant = await api.createMerchant(`E2E 转赠面包房 ${Date.now().toString(36)}`);
  const qr = await api.createQrCode(merchant.id);
  const title = `好友同享券 ${Date.now().toString(36)}`;
  const { body: template } = await api.post(
    '/admin/coupon-templates',
    {
      title,
      kind: 'amount',
      valueFen: 2000,
      thresholdFen: 10000,
      stock: 20,
      perMemberLimit: 1,
      validDays: 30,
      usableAt: 'alliance',
      audience: 'all',
      firstOrderOnly: false,
      forwardable: true,
      joinGift: false,
      issuer: { type: 'alliance' },
    },
    { token: admin },
  );
  assert(template?.id, `template created: ${JSON.stringify(template)}`);
  const rewardTitle = `拉新奖励 ${Date.now().toString(36)}`;
  const { body: reward } = await api.post(
    '/admin/coupon-templates',
    {
      title: rewardTitle,
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      stock: 20,
      perMemberLimit: 5,
      validDays: 30,
      usableAt: 'alliance',
      audience: 'all',
      firstOrderOnly: false,
      forwardable: false,
      joinGift: false,
      channel: 'issue_only',
      issuer: { type: 'alliance' },
    },
    { token: admin },
  );
  const ruleBefore = (await api.get('/admin/referral-rule', { token: admin })).body;
  await api.request('PUT', '/admin/referral-rule', {
    token: admin,
    body: { rewardTemplateId: reward.id, rewardPoints: 50 },
  });
  const clerk = { username: `e2e_fwd_${Date.now().toString(36)}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });

  // Member A joins, then claims the coupon in 领券中心.
  await joinAsNewShopper(page, baseUrl, qr.scene);
  await claimInCentre(page, title);
  assert(
    (await shown(page, '.coupon-item', { hasText: rewardTitle }).count()) === 0,
    'the issue-only reward coupon is not offered in 领券中心',
  );
  await arrived(page, '.coupon-item', { hasText: title }).waitFor();
  await screenshot('1-offers-claimed');

  // 我的券 → the coupon → 转赠好友: the h5 build shows (and copies) the link for the friend.
  await shown(page, '.coupons__link', { hasText: '我的券' }).tap();
  const mine = shown(page, '.wallet__list--usable .coupon-item', { hasText: title });
  await arrived(page, '.wallet__list--usable .coupon-item', { hasText: title }).waitFor();
  await screenshot('2-wallet');
  await mine.tap();
  await shown(page, '.coupon-detail').waitFor();
  await shown(page, '.coupon-detail__forward').tap();
  // forwarding locks the coupon for the friend, so it is confirmed first
  const confirm = shown(page, '.coupon-detail__confirm');
  await confirm.waitFor();
  assert((await confirm.innerText()).includes('小时'), 'the confirm dialog says how long the coupon is held');
  await screenshot('3a-confirm');
  await confirm.getByText('确认转赠').tap();
  const linkText = shown(page, '.share-panel__link');
  await linkText.waitFor();
  const link = (await linkText.innerText()).trim();
  assert(
    link.startsWith(`${baseUrl}/#/pages/share/index?token=`),
    `the share link points at the share page of this server: ${link}`,
  );
  await arrived(page, '.coupon-detail__cancel').waitFor();
  await screenshot('3-sharing');

  // Friend B, a different WeChat user (own browser context), opens the link and takes the coupon.
  const friend = await browser.newContext(PHONE);
  try {
    friend.setDefaultTimeout(15_000);
    const pageB = await friend.newPage();
    const shotB = async (step) => {
      await settle(pageB);
      await pageB.screenshot({ path: path.join(artifactsDir, `${name}-B-${step}.png`), fullPage: true });
    };
    await pageB.goto(link);
    await arrived(pageB, '.share__coupon', { hasText: title }).waitFor();
    await shotB('1-preview');
    // the friend joins by taking it: the same unticked agreement as the join page comes first
    await shown(pageB, '.consent-check__tick').tap();
    await shown(pageB, 'text=一键领取').tap();
    // B lands on the new card (tab bar and all) with the gift shown as a friend's
    const welcome = arrived(pageB, '.card__welcome', { hasText: title });
    await welcome.waitFor();
    assert((await welcome.innerText()).includes('好友赠送'), "the welcome names the gift as a friend's");
    await shown(pageB, '.taro-tabbar__tabbar').waitFor();
    await shotB('2-welcome');
    await pageB.goto(`${baseUrl}/#/coupon/mine/index`);
    const received = arrived(pageB, '.wallet__list--usable .coupon-item', { hasText: title });
    await received.waitFor();
    assert(
      (await received.innerText()).includes('好友赠送'),
      'the received coupon is marked as a gift from a friend',
    );
    await shotB('3-wallet');

    // B's first purchase at the counter (the clerk, through the API) rewards A.
    await pageB.goto(`${baseUrl}/#/pages/card/index`);
    const digits = arrived(pageB, '.member-code__digits');
    await digits.waitFor();
    const memberCode = (await digits.innerText()).replace(/\s+/g, '');
    const staffToken = (await api.post('/staff/login', clerk)).body.token;
    await api.post('/staff/redemptions', { memberCode, amountFen: 3000 }, { token: staffToken });
  } finally {
    await friend.close();
  }

  // The coupon has exactly one owner: it left A's wallet.
  await page.goto(`${baseUrl}/#/coupon/mine/index`);
  await arrived(page, '.wallet__list--usable').first().waitFor();
  await arrived(page, '.wallet__list--usable :is(.page-state, .coupon-item)').first().waitFor();
  // the wallet A opened before may show its last list for a moment while it reloads
  await shown(page, '.wallet__list--usable .coupon-item', { hasText: title })
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => {
      throw new Error('assertion failed: A no longer holds the coupon');
    });
  await screenshot('4-sender-wallet');

  // A keeps a record under 已赠送, and opening the own link again says the friend took it.
  await shown(page, '.coupons__tabs .nut-tabs-titles-item', { hasText: '已赠送' }).tap();
  await arrived(page, '.wallet__list--sent .coupon-item', { hasText: title }).waitFor();
  await screenshot('4a-sender-sent');
  await page.goto(link);
  await arrived(page, '.share__outcome', { hasText: '好友已领取这张券' }).waitFor();
  await screenshot('4b-sender-own-link');

  // A's card tells that the reward arrived, the coupon and the points; 去看看 opens the coupon.
  try {
    await page.goto(`${baseUrl}/#/pages/card/index`);
    await page.reload();
    const told = arrived(page, '.card__reward');
    await told.waitFor();
    const toldText = await told.innerText();
    assert(
      toldText.includes('拉新奖励已到账') && toldText.includes(rewardTitle) && toldText.includes('+50 积分'),
      `the sender's card tells the reward: ${toldText}`,
    );
    await screenshot('5-sender-reward');
    await told.getByText('去看看').tap();
    await arrived(page, '.coupon-detail', { hasText: rewardTitle }).waitFor();
  } finally {
    await api.request('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: ruleBefore.rewardTemplateId, rewardPoints: ruleBefore.rewardPoints },
    });
  }
}
