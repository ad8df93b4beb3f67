// A typo at the counter, corrected (issue 14 item 4): the clerk, whose page names the store and the
// account, records ¥3680 for a ¥368 purchase; the member's card shows 3680 points. In 今日记录 the
// clerk voids it with a reason: the row reads 已撤销 with the reason, the member's points are back to
// what they were, and the right amount is recorded.
import { agreeAndJoin, arrived, assert, clerkLogin, PHONE, shown } from '../lib.mjs';

export const name = 'counter-void';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

export async function run({ page, browser, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const storeName = `E2E 撤销面包 ${tag}`;
  const merchant = await api.createMerchant(storeName);
  const qr = await api.createQrCode(merchant.id);
  const clerk = { username: `e2e_void_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });

  // The member joins through the store's QR code; the card shows its points and the member code.
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  await agreeAndJoin(page);
  await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
  const cardPoints = async () => {
    const value = arrived(page, '.card__entry-points');
    await value.waitFor();
    return Number(await value.innerText());
  };
  const memberCode = async () => {
    await page.reload();
    const digits = arrived(page, '.member-code__digits');
    await digits.waitFor();
    return (await digits.innerText()).replace(/\s+/g, '');
  };
  const tierName = async () => arrived(page, '.member-card__tier').innerText();
  const pointsBefore = await cardPoints();
  const tierBefore = await tierName();

  const counter = await browser.newContext(PHONE);
  try {
    const { clerkPage, clerkShot } = await clerkLogin(counter, baseUrl, clerk, name);
    await shown(clerkPage, '.verify__input').waitFor();
    // the staff page names the store and the account signed in
    await shown(clerkPage, '.staff-who__store', { hasText: storeName }).waitFor();
    const account = await shown(clerkPage, '.staff-who__account').innerText();
    assert(account.includes(clerk.username) && account.includes('店员'), `the account is named: ${account}`);

    /** The clerk verifies the member's code and records `yuan` with 仅记录消费. */
    const record = async (yuan) => {
      await shown(clerkPage, '.verify__input input').fill(await memberCode());
      await shown(clerkPage, '.verify__submit').tap();
      await shown(clerkPage, '.verify__amount-input input').fill(yuan);
      await shown(clerkPage, '.verify__record').tap();
      const dialog = shown(clerkPage, '.verify__dialog');
      await dialog.getByText('确认', { exact: true }).tap();
      const done = shown(clerkPage, '.verify__done');
      await done.waitFor();
      return done.innerText();
    };

    // The typo: ¥3680 for ¥368.
    const typoText = await record('3680');
    assert(typoText.includes('已记录消费') && typoText.includes('¥3680.00'), `recorded: ${typoText}`);
    await clerkShot('1-typo-recorded');
    await page.reload();
    const pointsAfterTypo = await cardPoints();
    assert(pointsAfterTypo === pointsBefore + 3680, `the typo earned 3680 points: ${pointsAfterTypo}`);
    assert((await tierName()) === '金卡', "the typo's spend made the member 金卡");
    await screenshot('1-card-typo-points');

    // 今日记录: the record, with 撤销.
    await shown(clerkPage, '.verify__next').tap();
    await shown(clerkPage, '.staff-nav__item', { hasText: '今日记录' }).tap();
    const row = shown(clerkPage, '.staff-record', { hasText: '¥3680.00' });
    await row.waitFor();
    const rowText = await row.innerText();
    assert(rowText.includes('积分 +3680') && /\d{4} \*{4} \*{4} \d{4}/.test(rowText), `the row: ${rowText}`);
    await shown(clerkPage, '.staff-who__store', { hasText: storeName }).waitFor();
    await clerkShot('2-today-records');

    await row.getByText('撤销', { exact: true }).tap();
    const dialog = shown(clerkPage, '.staff-records__dialog');
    await dialog.getByText('撤销这条记录？').waitFor();
    await dialog.locator('.staff-records__reason input').fill('金额输错，应为 ¥368');
    await clerkShot('3-void-dialog');
    await dialog.getByText('确认撤销').tap();
    await row.getByText('已撤销', { exact: true }).waitFor();
    const voidedText = await row.innerText();
    assert(
      voidedText.includes('撤销原因：金额输错，应为 ¥368') && voidedText.includes('扣回积分 3680'),
      `the row reads voided, with the reason: ${voidedText}`,
    );
    assert((await row.getByText('撤销', { exact: true }).count()) === 0, 'no 撤销 on a voided record');
    await clerkShot('4-voided');

    // The member's points are back.
    await page.reload();
    const pointsAfterVoid = await cardPoints();
    assert(pointsAfterVoid === pointsBefore, `points back to ${pointsBefore}: ${pointsAfterVoid}`);
    const tierAfterVoid = await tierName();
    assert(tierAfterVoid === tierBefore, `the tier is back to ${tierBefore}: ${tierAfterVoid}`);
    await screenshot('2-card-points-back');

    // The right amount.
    await shown(clerkPage, '.staff-nav__item', { hasText: '验卡核销' }).tap();
    await shown(clerkPage, '.verify__input').waitFor();
    const rightText = await record('368');
    assert(rightText.includes('¥368.00'), `the right amount: ${rightText}`);
    await page.reload();
    const pointsRight = await cardPoints();
    assert(pointsRight === pointsBefore + 368, `the right purchase earned 368 points: ${pointsRight}`);
    await screenshot('3-card-right-points');
  } finally {
    await counter.close();
  }
}
