import request from 'supertest';
import { APPID, MCHID, createOrder, payApp, queryOrder, signed, type PayApp } from './test-support';

// Nothing listens there: confirm's delivery fails at once, without leaving the machine.
const NOTIFY_URL = 'http://127.0.0.1:1/api/v1/payments/wechat/notify';

let pay: PayApp;
beforeAll(() => {
  pay = payApp();
});

function close(outTradeNo: string, body: object = { mchid: MCHID }) {
  return signed(pay, {
    method: 'POST',
    pathAndQuery: `/v3/pay/transactions/out-trade-no/${outTradeNo}/close`,
    body,
  });
}

function confirm(outTradeNo: string) {
  return request(pay.app).post(`/sandbox/wechat/pay/${outTradeNo}/confirm`);
}

describe('POST /v3/pay/transactions/jsapi', () => {
  it('answers a prepay_id and keeps the order as NOTPAY', async () => {
    const res = await createOrder(pay, 'JSAPI-NEW-01', NOTIFY_URL, { attach: 'order:42' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ prepay_id: expect.stringMatching(/^wx\d{14}[0-9a-f]{20}$/) });

    const query = await queryOrder(pay, 'JSAPI-NEW-01');
    expect(query.status).toBe(200);
    expect(query.body).toEqual({
      appid: APPID,
      mchid: MCHID,
      out_trade_no: 'JSAPI-NEW-01',
      trade_type: 'JSAPI',
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      attach: 'order:42',
      payer: { openid: 'o-alice' },
      amount: { total: 2500, currency: 'CNY', payer_currency: 'CNY' },
    });
  });

  it('gives the same prepay_id for the same order again, and refuses other content under that number', async () => {
    const first = await createOrder(pay, 'JSAPI-REPEAT-01', NOTIFY_URL);
    const again = await createOrder(pay, 'JSAPI-REPEAT-01', NOTIFY_URL);
    expect(again.status).toBe(200);
    expect(again.body.prepay_id).toBe(first.body.prepay_id);

    const other = await createOrder(pay, 'JSAPI-REPEAT-01', NOTIFY_URL, {
      amount: { total: 2600, currency: 'CNY' },
    });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('商户订单号重复'),
    });
    const otherPayer = await createOrder(pay, 'JSAPI-REPEAT-01', NOTIFY_URL, { payer: { openid: 'o-bob' } });
    expect(otherPayer.body.code).toBe('INVALID_REQUEST');
  });

  it('counts an absent currency as CNY for idempotency', async () => {
    const first = await createOrder(pay, 'JSAPI-CNY-01', NOTIFY_URL);
    const again = await createOrder(pay, 'JSAPI-CNY-01', NOTIFY_URL, { amount: { total: 2500 } });
    expect(again.body.prepay_id).toBe(first.body.prepay_id);
  });

  it('refuses to order again what is paid (ORDERPAID) or closed (ORDER_CLOSED)', async () => {
    await createOrder(pay, 'JSAPI-PAID-01', NOTIFY_URL).expect(200);
    await confirm('JSAPI-PAID-01').expect(200);
    const paid = await createOrder(pay, 'JSAPI-PAID-01', NOTIFY_URL);
    expect(paid.status).toBe(400);
    expect(paid.body).toEqual({ code: 'ORDERPAID', message: expect.any(String) });

    await createOrder(pay, 'JSAPI-CLOSED-01', NOTIFY_URL).expect(200);
    await close('JSAPI-CLOSED-01').expect(204);
    const closed = await createOrder(pay, 'JSAPI-CLOSED-01', NOTIFY_URL);
    expect(closed.status).toBe(400);
    expect(closed.body.code).toBe('ORDER_CLOSED');
  });

  it.each([
    ['no out_trade_no', { out_trade_no: undefined }, '/out_trade_no'],
    ['a 5-character out_trade_no', { out_trade_no: 'ABCDE' }, '/out_trade_no'],
    ['a 33-character out_trade_no', { out_trade_no: 'A'.repeat(33) }, '/out_trade_no'],
    ['an out_trade_no with a space', { out_trade_no: 'ABC DEF' }, '/out_trade_no'],
    ['no description', { description: undefined }, '/description'],
    ['a 128-character description', { description: '咖'.repeat(128) }, '/description'],
    ['no notify_url', { notify_url: undefined }, '/notify_url'],
    ['a notify_url with a query', { notify_url: `${NOTIFY_URL}?order=1` }, '/notify_url'],
    ['a notify_url that is not http', { notify_url: 'ftp://merchant.example.com/notify' }, '/notify_url'],
    ['no amount', { amount: undefined }, '/amount'],
    ['a zero total', { amount: { total: 0 } }, '/amount/total'],
    ['a fractional total', { amount: { total: 25.5 } }, '/amount/total'],
    ['a total as a string', { amount: { total: '2500' } }, '/amount/total'],
    ['a USD currency', { amount: { total: 1, currency: 'USD' } }, '/amount/currency'],
    ['no payer', { payer: undefined }, '/payer'],
    ['no openid', { payer: {} }, '/payer/openid'],
    ['no appid', { appid: undefined }, '/appid'],
    ['no mchid', { mchid: undefined }, '/mchid'],
    ['a malformed time_expire', { time_expire: '2025-06-01 18:00:00' }, '/time_expire'],
    ['a past time_expire', { time_expire: '2025-06-01T15:00:00+08:00' }, '/time_expire'],
    ['a 129-character attach', { attach: 'a'.repeat(129) }, '/attach'],
  ])('refuses %s with PARAM_ERROR', async (_case, overrides, field) => {
    const res = await createOrder(pay, 'JSAPI-BAD-001', NOTIFY_URL, overrides);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringContaining(field) });
    expect(res.body.detail).toMatchObject({ field, location: 'body' });
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['not json', '[1,2]', '']) {
      const res = await signed(pay, { method: 'POST', pathAndQuery: '/v3/pay/transactions/jsapi', body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('PARAM_ERROR');
    }
  });

  it('refuses another app (APPID_MCHID_NOT_MATCH) and another merchant than the signer', async () => {
    const app = await createOrder(pay, 'JSAPI-APPID-01', NOTIFY_URL, { appid: 'wx9999999999999999' });
    expect(app.status).toBe(400);
    expect(app.body.code).toBe('APPID_MCHID_NOT_MATCH');
    const mch = await createOrder(pay, 'JSAPI-MCHID-01', NOTIFY_URL, { mchid: '1900000001' });
    expect(mch.status).toBe(400);
    expect(mch.body.code).toBe('PARAM_ERROR');
  });

  it('accepts time_expire in the future and the optional objects WeChat documents', async () => {
    const res = await createOrder(pay, 'JSAPI-EXTRA-01', NOTIFY_URL, {
      time_expire: '2025-06-01T16:30:00+08:00',
      goods_tag: 'WXG',
      support_fapiao: false,
      detail: { cost_price: 2500 },
      scene_info: { payer_client_ip: '127.0.0.1' },
      settle_info: { profit_sharing: false },
    });
    expect(res.status).toBe(200);
  });
});

describe('GET /v3/pay/transactions/out-trade-no/{out_trade_no}', () => {
  it('shows a paid order with its transaction id, and finds it by that id too', async () => {
    await createOrder(pay, 'QUERY-PAID-01', NOTIFY_URL).expect(200);
    await confirm('QUERY-PAID-01').expect(200);
    const res = await queryOrder(pay, 'QUERY-PAID-01');
    expect(res.body).toEqual({
      appid: APPID,
      mchid: MCHID,
      out_trade_no: 'QUERY-PAID-01',
      transaction_id: expect.stringMatching(/^4200\d{24}$/),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      success_time: '2025-06-01T16:00:00+08:00',
      payer: { openid: 'o-alice' },
      amount: { total: 2500, payer_total: 2500, currency: 'CNY', payer_currency: 'CNY' },
    });
    const byId = await signed(pay, {
      method: 'GET',
      pathAndQuery: `/v3/pay/transactions/id/${res.body.transaction_id}?mchid=${MCHID}`,
    });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(res.body);
  });

  it('answers 404 ORDER_NOT_EXIST for an unknown order', async () => {
    const res = await queryOrder(pay, 'QUERY-NONE-01');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'ORDER_NOT_EXIST', message: expect.any(String) });
  });

  it('requires the mchid query parameter, and it must be the signer', async () => {
    await createOrder(pay, 'QUERY-MCH-01', NOTIFY_URL).expect(200);
    const missing = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/pay/transactions/out-trade-no/QUERY-MCH-01',
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      code: 'PARAM_ERROR',
      detail: { location: 'query', field: '/mchid' },
    });
    const other = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/pay/transactions/out-trade-no/QUERY-MCH-01?mchid=1900000001',
    });
    expect(other.status).toBe(400);
  });
});

describe('POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close', () => {
  it('closes an unpaid order with 204 and an empty, signed body; closing again is fine', async () => {
    await createOrder(pay, 'CLOSE-OK-01', NOTIFY_URL).expect(200);
    const res = await close('CLOSE-OK-01');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['wechatpay-signature']).toBeDefined();
    const query = await queryOrder(pay, 'CLOSE-OK-01');
    expect(query.body).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    await close('CLOSE-OK-01').expect(204);
  });

  it('refuses to close a paid order (ORDERPAID) and leaves it paid', async () => {
    await createOrder(pay, 'CLOSE-PAID-01', NOTIFY_URL).expect(200);
    await confirm('CLOSE-PAID-01').expect(200);
    const res = await close('CLOSE-PAID-01');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ORDERPAID');
    expect((await queryOrder(pay, 'CLOSE-PAID-01')).body.trade_state).toBe('SUCCESS');
  });

  it('answers ORDER_NOT_EXIST for an unknown order and PARAM_ERROR without mchid', async () => {
    expect((await close('CLOSE-NONE-01')).status).toBe(404);
    const res = await close('CLOSE-NONE-01', {});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PARAM_ERROR');
  });

  it('stops the payer from paying a closed order', async () => {
    await createOrder(pay, 'CLOSE-THEN-PAY', NOTIFY_URL).expect(200);
    await close('CLOSE-THEN-PAY').expect(204);
    const res = await confirm('CLOSE-THEN-PAY');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_CLOSED');
  });
});
