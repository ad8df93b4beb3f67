// Issue 15: a new shopper reads and agrees before joining, is asked again after a new version, binds
// a phone only after the reason is shown, exports the data, closes the account and joins again as a
// new member; the invariants hold throughout.
import { agreeAndJoin, assert, shown } from '../lib.mjs';

export const name = 'privacy';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

async function invariantsHold(api) {
  const { body } = await api.get('/admin/invariants', { token: await api.asAdmin() });
  assert(body.ok, `invariants hold: ${JSON.stringify(body.checks.filter((c) => !c.ok))}`);
}

async function cardNumber(page) {
  const cardNo = page.getByText(CARD_NO).first();
  await cardNo.waitFor({ state: 'visible' });
  return (await cardNo.innerText()).replace(/\s+/g, '');
}

export async function run({ page, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  await page.goto(`${baseUrl}/#/pages/join/index`);
  const consent = shown(page, '.consent-check').first();
  await consent.waitFor();
  assert((await consent.getAttribute('aria-checked')) === 'false', 'the agreement starts unticked');
  // 《隐私政策》 opens the alliance's text in the privacy sub-package
  await shown(page, '.policy-link', { hasText: '隐私政策' }).first().tap();
  await shown(page, '.policy__paragraph', { hasText: '脱敏手机号' }).waitFor();
  await screenshot('1-policy');
  await page.goBack();
  await shown(page, '.consent-check').first().waitFor();
  await screenshot('2-join');
  await agreeAndJoin(page);
  const firstCard = await cardNumber(page);
  await invariantsHold(api);

  // A new version: the card asks again, and the agreement is recorded.
  const current = (await api.get('/privacy-policy')).body;
  await api.request('PUT', '/admin/privacy-policy', {
    token: admin,
    body: {
      terms: current.terms,
      privacy: { ...current.privacy, body: `${current.privacy.body}\n\n新增：位置仅用于显示距离。` },
    },
  });
  await page.reload();
  await shown(page, 'text=用户协议和隐私政策已更新').waitFor();
  await screenshot('3-asked-again');
  await shown(page, 'text=同意并继续').first().tap();
  await shown(page, 'text=用户协议和隐私政策已更新').waitFor({ state: 'hidden' });

  // 我的: the phone's reason is shown; binding asks the privacy question first.
  await page.goto(`${baseUrl}/#/pages/me/index`);
  await shown(page, 'text=用于门店核对会员身份').first().waitFor();
  await shown(page, 'text=绑定手机号').first().tap();
  await shown(page, 'text=绑定手机号前，请阅读并同意《隐私政策》').waitFor();
  await screenshot('4-phone-reason');
  await shown(page, 'text=同意并继续').first().tap();
  const phone = `139${String(Date.now()).slice(-8)}`;
  await shown(page, 'input[placeholder="请输入手机号"]').fill(phone);
  await shown(page, '.phone-dialog').getByText('确定').tap();
  await shown(page, '.me__phone', { hasText: `${phone.slice(0, 3)}****${phone.slice(-4)}` }).waitFor();

  // 账号与隐私: export, then close with the typed confirmation.
  await shown(page, '.me__row--account').tap();
  await shown(page, '.account__export').tap();
  await shown(page, 'text=/已导出：/').waitFor();
  await screenshot('5-exported');
  await shown(page, 'text=注销账号').last().tap();
  await shown(page, 'input[placeholder="注销"]').fill('注销');
  await screenshot('6-confirm-close');
  await shown(page, 'text=确认注销').tap();
  await shown(page, 'text=一键入会').first().waitFor();
  await invariantsHold(api);
  const found = (await api.get(`/admin/members?q=${phone}`, { token: admin })).body.items;
  assert(found.length === 0, 'the closed member is not found by phone any more');

  // The same WeChat user joins again: a new member, a new card.
  await agreeAndJoin(page);
  const secondCard = await cardNumber(page);
  assert(secondCard !== firstCard, `a new card after rejoining: ${firstCard} → ${secondCard}`);
  await screenshot('7-new-card');
  await invariantsHold(api);
}
