// A consumer scans a merchant's QR code, joins with one tap and sees the member card.
import { assert } from '../lib.mjs';

export const name = 'join';

const CARD_NO = /^\s*\d{4} \d{4} \d{4} \d{4}\s*$/;

function luhnOk(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export async function run({ page, baseUrl, api, screenshot }) {
  // The operator creates a merchant and its QR code.
  const merchant = await api.createMerchant('E2E 咖啡馆');
  assert(merchant?.id, `merchant has an id: ${JSON.stringify(merchant)}`);
  const qr = await api.createQrCode(merchant.id);
  assert(
    typeof qr?.scene === 'string' && qr.scene.length > 0,
    `QR code has a scene: ${JSON.stringify(qr)?.slice(0, 200)}`,
  );
  assert(
    typeof qr.imagePngBase64 === 'string' &&
      Buffer.from(qr.imagePngBase64, 'base64').subarray(1, 4).toString() === 'PNG',
    'QR image is a PNG',
  );

  // The consumer opens the join page the QR code leads to (H5 build) and taps once.
  await page.goto(`${baseUrl}/#/pages/join/index?scene=${encodeURIComponent(qr.scene)}`);
  const join = page.getByText('一键入会', { exact: true }).first();
  await join.waitFor({ state: 'visible' });
  // The agreement to 用户协议 and 隐私政策 starts unticked; joining waits for it.
  const consent = page.locator('.consent-check').first();
  await consent.waitFor({ state: 'visible' });
  assert((await consent.getAttribute('aria-checked')) === 'false', 'the agreement is not pre-ticked');
  await screenshot('1-join');
  await join.tap();
  await page.getByText('请先阅读并勾选同意', { exact: false }).first().waitFor({ state: 'visible' });
  await page.locator('.consent-check__tick').first().tap();
  assert((await consent.getAttribute('aria-checked')) === 'true', 'the agreement is ticked');
  await join.tap();

  // The member card: a 16-digit card number (dddd dddd dddd dddd) and a member-code QR that loaded.
  const cardNo = page.getByText(CARD_NO).first();
  await cardNo.waitFor({ state: 'visible' });
  const digits = (await cardNo.innerText()).replace(/\s+/g, '');
  assert(
    digits.length === 16 && luhnOk(digits),
    `card number ${digits} has 16 digits and a valid check digit`,
  );
  await page.waitForFunction(() => {
    // <img> elements at or below `el`, looking into (open) shadow roots of web components too.
    const imgs = (el) => [
      ...(el.tagName === 'IMG' ? [el] : []),
      ...[...el.querySelectorAll('*')].flatMap((c) => (c.tagName === 'IMG' ? [c] : [])),
      ...[el, ...el.querySelectorAll('*')].flatMap((c) =>
        c.shadowRoot ? [...c.shadowRoot.children].flatMap(imgs) : [],
      ),
    ];
    return [...document.querySelectorAll('.member-code__qr')].some((el) =>
      imgs(el).some((img) => img.complete && img.naturalWidth > 0),
    );
  });
  await screenshot('2-card');
}
