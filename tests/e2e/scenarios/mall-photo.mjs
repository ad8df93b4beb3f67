// Photos on the mall's shelf (issue 14 item 8): the operator uploads a photo for a mall item in the
// console (积分商城 → 图片), the server keeps it under its content hash and serves it cached, and a
// member sees it in the points mall and on the item's page.
import { agreeAndJoin, arrived, assert, consoleLogin, screenshotter } from '../lib.mjs';

export const name = 'mall-photo';

const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

export async function run({ page, browser, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 照片花店 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  const title = `一束向日葵 ${tag}`;
  const { body: item } = await api.post(
    '/admin/mall/items',
    {
      title,
      pointsPrice: 100,
      cashFen: 0,
      stock: 5,
      perMemberLimit: 1,
      fulfilment: 'pickup',
      merchantId: merchant.id,
    },
    { token: admin },
  );
  assert(item?.id, `mall item created: ${JSON.stringify(item)}`);

  const context = await browser.newContext(DESKTOP);
  context.setDefaultTimeout(15_000);
  const consolePage = await context.newPage();
  const consoleShot = screenshotter(consolePage, `${name}-console`);
  try {
    // a real photo-like PNG: a rendered, coloured square
    await consolePage.setContent(
      '<div id="p" style="width:240px;height:240px;background:radial-gradient(circle,#ffd54a 35%,#e07b00 36%,#3f8f3f 70%)"></div>',
    );
    const photo = await consolePage.locator('#p').screenshot();

    await consoleLogin(consolePage, baseUrl);
    await consolePage.getByTestId('identity').getByText('联盟管理员').waitFor();
    await consolePage.getByRole('menuitem', { name: /积分商城/ }).click();
    const row = consolePage.locator('tr', { hasText: title });
    await row.waitFor();
    await row
      .locator('input[type=file]')
      .setInputFiles({ name: 'sunflower.png', mimeType: 'image/png', buffer: photo });
    await consolePage.getByText(`「${title}」的图片已更新`).waitFor();
    await row.locator('img[alt="商品图片"]').waitFor();
    await consoleShot('1-uploaded');
  } finally {
    await context.close();
  }

  const listed = (await api.get('/admin/mall/items', { token: admin })).body.find((i) => i.id === item.id);
  assert(
    /^\/api\/v1\/uploads\/[0-9a-f]{64}\.png$/.test(listed.imageUrl),
    `the item has the photo: ${listed.imageUrl}`,
  );

  // A member sees it on the shelf and on the item's page.
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  await agreeAndJoin(page);
  await arrived(page, '.member-code__digits').waitFor();
  await page.goto(`${baseUrl}/#/points/mall/index`);
  const shelf = arrived(page, '.mall__item', { hasText: title });
  await shelf.waitFor();
  const img = shelf.locator('.mall__photo img, img.mall__photo').first();
  await img.waitFor();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  await screenshot('2-shelf');
  await shelf.tap();
  const hero = arrived(page, '.mall-item__hero', { hasText: title });
  await hero.waitFor();
  await hero.locator('img').first().waitFor();
  await screenshot('3-item');
}
