// 领券中心 before joining (issue 14 item 8): a shopper scans a merchant's code, sees on the join page what
// joining gives, looks at 领券中心 without joining, and the first 立即领取 joins (after the unticked
// agreement) and claims in one sheet; the claimed offer then says 去使用, which opens the coupon.
import { arrived, assert, shown } from '../lib.mjs';

export const name = 'browse-before-join';

export async function run({ page, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 逛逛书店 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  // a coupon template of this merchant, created by the operator
  const template = async (terms) => {
    const { body } = await api.post(
      '/admin/coupon-templates',
      {
        stock: 20,
        perMemberLimit: 1,
        validDays: 30,
        usableAt: 'merchant',
        merchantIds: [merchant.id],
        audience: 'all',
        firstOrderOnly: false,
        forwardable: false,
        joinGift: false,
        issuer: { type: 'merchant', merchantId: merchant.id },
        ...terms,
      },
      { token: admin },
    );
    assert(body?.id, `template created: ${JSON.stringify(body)}`);
    return body;
  };
  const title = `书店满50减8 ${tag}`;
  await template({ title, kind: 'amount', valueFen: 800, thresholdFen: 5000 });
  // a join gift, paused again at the end so later scenarios' joins do not get it
  const giftTitle = `逛逛书店入会礼 ${tag}`;
  const joinGift = await template({
    title: giftTitle,
    kind: 'no_threshold',
    valueFen: 500,
    thresholdFen: 0,
    joinGift: true,
  });
  try {
    await joinBrowseClaim({ page, baseUrl, api, screenshot, qr, title, giftTitle });
  } finally {
    await api.post(`/admin/coupon-templates/${joinGift.id}/pause`, {}, { token: admin });
  }
}

async function joinBrowseClaim({ page, baseUrl, api, screenshot, qr, title, giftTitle }) {
  // The join page names what joining gives (the alliance's join gifts, from GET /join-gifts).
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  const gifts = (await api.get(`/join-gifts?scene=${encodeURIComponent(qr.scene)}`)).body;
  const gift = arrived(page, '.join__benefit--gift', { hasText: '入会即送' });
  await gift.waitFor();
  const giftText = await gift.innerText();
  assert(
    gifts.length === 1 ? giftText.includes(`¥5「${giftTitle}」`) : giftText.includes(`${gifts.length} 张券`),
    `the join page names the gift: ${giftText}`,
  );
  await screenshot('1-join');

  // 先逛逛领券中心: the offers, without joining.
  await shown(page, '.join__browse').tap();
  const offer = arrived(page, '.coupon-item', { hasText: title });
  await offer.waitFor();
  assert(
    (await offer.innerText()).includes('¥8') && (await offer.innerText()).includes('满50可用'),
    'shelf amounts',
  );
  await shown(page, '.coupons__lead--guest').waitFor();
  await screenshot('2-browse');

  // The first claim joins: the sheet asks for the agreement first.
  await offer.getByText('立即领取').tap();
  const sheet = shown(page, '.offers__join');
  await sheet.waitFor();
  await sheet.locator('.consent-check__tick').waitFor();
  await screenshot('3-join-sheet');
  await sheet.getByText('入会并领取').tap();
  assert((await shown(page, '.offers__join').count()) === 1, 'unticked, the sheet stays open');
  await sheet.locator('.consent-check__tick').tap();
  await sheet.getByText('入会并领取').tap();
  await offer.getByText('去使用').waitFor();
  // now a member: the page reloaded as the member's 领券中心
  await shown(page, '.coupons__link', { hasText: '我的券' }).waitFor();
  await screenshot('4-claimed');

  // 去使用 opens the coupon just claimed.
  await offer.getByText('去使用').tap();
  await arrived(page, '.coupon-detail', { hasText: title }).waitFor();
  await screenshot('5-coupon');
}
