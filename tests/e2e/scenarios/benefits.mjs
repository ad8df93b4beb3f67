// 会员权益 end to end, on today's real date (the server's clock is not moved here): the operator makes
// today the member day (积分双倍) and gives 88 points on birthdays; a member whose birthday is today
// sets it and gets the gift at once; the card shows 「生日快乐」 and 「今天会员日 积分双倍」, 会员权益
// shows the ladder, and paying ¥100 shows and then earns the doubled 200 points.
import { arrived, assert, shown } from '../lib.mjs';

export const name = 'benefits';

/** Today in Asia/Shanghai: its ISO weekday and 'MM-DD'. */
function shanghaiToday() {
  const wall = new Date(Date.now() + 8 * 3600 * 1000);
  return { weekday: wall.getUTCDay() || 7, monthDay: wall.toISOString().slice(5, 10) };
}

export async function run({ page, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`E2E 会员日咖啡 ${tag}`);
  const qr = await api.createQrCode(merchant.id);
  await api.request('PUT', '/admin/points-policy', {
    token: admin,
    body: { earnFenPerPoint: 100, pointValueFen: 1, expiryMonths: 12 },
  });
  const today = shanghaiToday();
  await api.request('PUT', '/admin/benefits', {
    token: admin,
    body: {
      birthday: { points: 88 },
      memberDay: { weekday: today.weekday, pointsMultiplierPermille: 2000 },
      tasks: { profilePoints: 0, phonePoints: 0 },
    },
  });
  try {
    const openid = `e2e_benefits_${tag}`;
    const joined = await api.join(openid, { scene: qr.scene });
    const me = await api.request('PATCH', '/me', {
      token: joined.token,
      body: { nickname: '小寿星', birthday: `1990-${today.monthDay}` },
    });
    assert(me.body.points === 88, `the birthday gift came at once: ${JSON.stringify(me.body)}`);
    await page.addInitScript((id) => window.localStorage.setItem('allycard.h5.openid', id), openid);

    // The card: both banners.
    await page.goto(`${baseUrl}/#/pages/card/index`);
    await arrived(page, '.card__benefit', { hasText: '今天会员日 积分双倍' }).waitFor();
    const birthday = arrived(page, '.card__benefit--birthday');
    await birthday.getByText('生日快乐').waitFor();
    assert(
      (await birthday.innerText()).includes('88 积分'),
      `the banner names the gift: ${await birthday.innerText()}`,
    );
    await arrived(page, '.member-code__digits').waitFor();
    await screenshot('1-card-banners');

    // 会员权益: the ladder, the member day, the gift.
    await shown(page, '.card__entry', { hasText: '会员权益' }).tap();
    await arrived(page, '.benefits__ladder').waitFor();
    const ladder = await shown(page, '.benefits__ladder').innerText();
    assert(
      ladder.includes('普通会员') && ladder.includes('金卡') && ladder.includes('9.5折'),
      `the ladder: ${ladder}`,
    );
    assert(
      (await shown(page, '.benefits__tier--mine').innerText()).includes('普通会员'),
      'the member’s tier is marked',
    );
    await shown(page, '.benefits__line', { hasText: '积分再双倍' }).waitFor();
    await shown(page, '.benefits__banner--birthday', { hasText: '生日礼已送到' }).waitFor();
    await screenshot('2-benefits');
    await page.goBack();

    // 买单 ¥100 at the merchant: 200 points shown before paying, 200 earned.
    await page.goto(`${baseUrl}/#/pages/pay/index?merchantId=${encodeURIComponent(merchant.id)}`);
    await shown(page, '.pay__merchant-name', { hasText: merchant.name }).waitFor();
    await shown(page, '.pay__amount-input input').fill('100');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.pay__earn')].some((el) => el.textContent.includes('预计获得 200 积分')),
    );
    const line = await shown(page, '.pay__member-day').innerText();
    assert(
      line.includes('今天会员日') && line.includes('双倍'),
      `the pay page says it is the member day: ${line}`,
    );
    await screenshot('3-pay-preview');
    await shown(page, '.pay__submit').tap();
    await shown(page, '.pay-sheet__confirm').tap();
    await arrived(page, '.pay-result--paid').waitFor();
    const earned = await shown(page, '.pay-result__row--earned .pay-result__value').innerText();
    assert(earned.trim() === '+200 积分', `the result shows +200 积分: ${earned}`);
    await screenshot('4-pay-result');
  } finally {
    // the other scenarios share this server: no member day or birthday gift for them
    await api.request('PUT', '/admin/benefits', { token: admin, body: { birthday: null, memberDay: null } });
  }
}
