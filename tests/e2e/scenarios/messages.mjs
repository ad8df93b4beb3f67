// Subscribe messages (issue 12): the operator sets the alliance's message templates; a shopper claims a
// forwardable coupon in 领券中心, is offered messages right after, and allows them in the opt-in sheet
// (h5's stand-in for WeChat's dialog). A friend takes the forwarded coupon and buys at the counter: the
// 拉新奖励到账 message lands in the sandbox inbox (GET /sandbox/wechat/messages), and the shopper opens
// its page, 我的券, where the reward coupon is. 我的 → 消息设置 shows what is left.
import { agreeAndJoin, arrived, assert, claimInCentre, shown, sleep } from '../lib.mjs';

export const name = 'messages';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;
const TEMPLATES = [
  {
    kind: 'coupon_expiring',
    templateId: 'sandbox-coupon-expiring',
    fields: { thing1: 'couponTitle', time2: 'validUntil', thing3: 'tip' },
  },
  {
    kind: 'referral_reward',
    templateId: 'sandbox-referral-reward',
    fields: { thing1: 'rewardTitle', time2: 'rewardedAt', thing3: 'tip' },
  },
];

const couponBody = (title, extra) => ({
  title,
  kind: 'no_threshold',
  valueFen: 500,
  thresholdFen: 0,
  stock: 20,
  perMemberLimit: 1,
  validDays: 30,
  usableAt: 'alliance',
  audience: 'all',
  firstOrderOnly: false,
  forwardable: false,
  joinGift: false,
  issuer: { type: 'alliance' },
  ...extra,
});

/** What Taro's h5 storage keeps under `key` (a {data} wrapper in localStorage). */
async function taroStorage(page, key) {
  const raw = await page.evaluate((k) => window.localStorage.getItem(k), key);
  try {
    const parsed = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
  } catch {
    return raw;
  }
}

export async function run({ page, baseUrl, api, screenshot }) {
  const admin = await api.asAdmin();
  const suffix = Date.now().toString(36);
  await api.request('PUT', '/admin/message-templates', { token: admin, body: { templates: TEMPLATES } });
  const merchant = await api.createMerchant(`E2E 消息咖啡 ${suffix}`);
  const qr = await api.createQrCode(merchant.id);
  const title = `消息同享券 ${suffix}`;
  await api.post('/admin/coupon-templates', couponBody(title, { forwardable: true }), { token: admin });
  const rewardTitle = `拉新礼 ${suffix}`;
  const { body: reward } = await api.post(
    '/admin/coupon-templates',
    couponBody(rewardTitle, { perMemberLimit: 5, channel: 'issue_only' }),
    { token: admin },
  );
  const ruleBefore = (await api.get('/admin/referral-rule', { token: admin })).body;
  await api.request('PUT', '/admin/referral-rule', {
    token: admin,
    body: { rewardTemplateId: reward.id, rewardPoints: 0 },
  });
  const clerk = { username: `e2e_msg_${suffix}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });

  try {
    // The shopper joins, claims the coupon in 领券中心 and is offered messages right after.
    await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
    await agreeAndJoin(page);
    await page.getByText(CARD_NO).first().waitFor({ state: 'visible' });
    await claimInCentre(page, title);
    const prompt = arrived(page, '.subscribe-prompt');
    await prompt.waitFor();
    assert((await prompt.innerText()).includes('优惠券快到期时提醒你'), 'the offer names what it tells you');
    await screenshot('1-offered');
    await prompt.getByText('开启提醒').tap();
    const sheet = shown(page, '.subscribe-sheet__body');
    await sheet.waitFor();
    const sheetText = await sheet.innerText();
    assert(
      sheetText.includes('优惠券快到期时提醒你') && sheetText.includes('好友下单、奖励到账时通知你'),
      `the sheet lists the alliance's messages: ${sheetText}`,
    );
    await screenshot('2-sheet');
    await sheet.getByText('允许', { exact: true }).tap();
    await shown(page, '.subscribe-prompt').waitFor({ state: 'detached' });

    const openid = await page.evaluate(() => window.localStorage.getItem('allycard.h5.openid'));
    const token = await taroStorage(page, 'allycard.memberToken');
    assert(openid && typeof token === 'string', 'the h5 shopper has an openid and a token');
    const quotas = (await api.get('/me/subscriptions', { token })).body;
    assert(
      quotas.every((q) => q.remaining === 1),
      `each allowed message counts one: ${JSON.stringify(quotas)}`,
    );

    // A friend takes the forwarded coupon and buys at the counter: the shopper's reward arrives.
    const coupons = (await api.get('/me/coupons', { token })).body;
    const claimed = coupons.find((c) => c.title === title);
    const share = (await api.post(`/me/coupons/${claimed.id}/share`, undefined, { token })).body;
    const policy = (await api.get(`/privacy-policy?share=${encodeURIComponent(share.shareToken)}`)).body;
    const friend = (
      await api.post(`/shares/${share.shareToken}/accept`, {
        code: await api.loginCode(`e2e_friend_${suffix}`),
        policyVersion: policy.version,
      })
    ).body;
    const memberCode = (await api.get('/me/member-code', { token: friend.token })).body.code;
    const staffToken = (await api.post('/staff/login', clerk)).body.token;
    await api.post('/staff/redemptions', { memberCode, amountFen: 3000 }, { token: staffToken });

    let inbox = [];
    for (let i = 0; i < 20 && !inbox.length; i++) {
      inbox = (await api.get(`/sandbox/wechat/messages?openid=${encodeURIComponent(openid)}`)).body.items;
      if (!inbox.length) await sleep(500);
    }
    assert(inbox.length === 1, `one message in the sandbox inbox: ${JSON.stringify(inbox)}`);
    const [message] = inbox;
    assert(
      message.templateId === 'sandbox-referral-reward' && message.data.thing1.value === rewardTitle,
      `the referral reward message names the reward: ${JSON.stringify(message)}`,
    );
    assert(message.page === 'coupon/mine/index', `it opens 我的券: ${message.page}`);

    // The shopper taps the message: the page it names, with the reward in it.
    await page.goto(`${baseUrl}/#/${message.page}`);
    await arrived(page, '.wallet__list--usable .coupon-item', { hasText: rewardTitle }).waitFor();
    await screenshot('3-opened-from-message');

    // 我的 → 消息设置: the reward message was used, the coupon reminder is still allowed once.
    await page.goto(`${baseUrl}/#/pages/me/index`);
    await shown(page, '.me__row--messages').tap();
    const rows = arrived(page, '.message-settings__row');
    await rows.first().waitFor();
    const settings = await arrived(page, '.message-settings').innerText();
    assert(
      settings.includes('还可收到 1 条') && settings.includes('未开启'),
      `消息设置 shows what is left: ${settings}`,
    );
    await screenshot('4-settings');
  } finally {
    await api.request('PUT', '/admin/message-templates', { token: admin, body: { templates: [] } });
    await api.request('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: ruleBefore.rewardTemplateId, rewardPoints: ruleBefore.rewardPoints },
    });
  }
}
