// The payments benchmark: order creation and WeChat Pay notification processing, each against a
// baseline measured in the same run. Called by bench/run.mjs (`pnpm bench`) after the flash-claim
// scenarios, with the server, MariaDB and the members it created; see bench/README.md.
//
// Per round (3 by default, interleaved so a noisy moment hits both sides), with N orders (one per
// member by default) and CFG.concurrency requests in flight:
//
//   create   baseline: what a prepay cannot avoid, in this process: RSA-SHA256 signature of the
//            JSAPI prepay request, check of WeChat's answer signature, RSA-SHA256 paySign of the pay
//            params, one INSERT of the order row  —  vs  POST /api/v1/orders over HTTP (which calls
//            the sandbox's /v3/pay/transactions/jsapi, mounted in the same server process)
//   notify   baselines: (a) the crypto of the same N notifications in a loop here (RSA verify +
//            AES-256-GCM decrypt + JSON), (b) the SQL of applying a payment through mysql2, (c) both
//            together, 50 in flight (the ratio's baseline)  —  vs  N crafted first deliveries posted to
//            POST /api/v1/payments/wechat/notify (verify, decrypt, one transaction: paid, points, spend)
//   dup      baseline: crypto + one SELECT of the order's status  —  vs  the same N notifications
//            posted again (the duplicate path): nothing may change
//
// Then, once: the sandbox's own path (POST /sandbox/wechat/pay/:outTradeNo/confirm, then /redeliver)
// for a sample of orders, and checks from the database: every order paid, exactly one points
// transaction (source_type 'order'), one spend entry and points_earned = that transaction's points;
// duplicates changed no balance.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

const NOTIFY_PATH = '/api/v1/payments/wechat/notify';
const MAX_CLOCK_SKEW_S = 300; // the server's window for wechatpay-timestamp
const ORDERS_PER_MEMBER_MINUTE = 60; // RATE_LIMITS.claim, applied to POST /orders per member

const intEnv = (name, def) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};
const hr = () => process.hrtime.bigint();
const msSince = (start) => Number(hr() - start) / 1e6;

/**
 * @param ctx {{ request, api, pool, members, adminToken, runId, cfg, runPool, summarize,
 *   cpuSnapshot, cpuDelta, pids, log, serverDir }}
 */
export async function runPayments(ctx) {
  const { request, api, pool, adminToken, runId, cfg, runPool, summarize, cpuSnapshot, cpuDelta, pids, log } =
    ctx;
  const members = ctx.members;
  const M = members.length;
  const domain = createRequire(path.join(ctx.serverDir, 'package.json'))('@allycard/domain');

  const PAY = {
    orders: intEnv('BENCH_PAY_ORDERS', M), // per round and scenario
    rounds: intEnv('BENCH_PAY_ROUNDS', cfg.rounds),
    concurrency: cfg.concurrency,
    warmup: 0,
    sandboxSample: 0,
    sandboxConcurrency: Math.min(20, cfg.concurrency),
    merchants: 4,
    deadlineMs: cfg.scenarioDeadlineMs,
  };
  PAY.warmup = Math.min(200, PAY.orders);
  PAY.sandboxSample = Math.min(100, PAY.orders);
  const N = PAY.orders;
  // HTTP orders each member places in this run (all within about a minute): stay under the limit.
  const perMember =
    1 + Math.ceil(N / M) * PAY.rounds + Math.ceil(PAY.warmup / M) + 2 * Math.ceil(PAY.sandboxSample / M);
  if (perMember > ORDERS_PER_MEMBER_MINUTE - 5)
    throw new Error(
      `payments: ${perMember} orders per member would hit the 60/min limit: fewer BENCH_PAY_ORDERS or BENCH_PAY_ROUNDS, or more BENCH_MEMBERS`,
    );

  // ── keys, merchants, alliance policy ──────────────────────────────────────────────────────────
  const keysRes = await request('GET', '/sandbox/wechat/pay/keys');
  if (keysRes.status !== 200) throw new Error(`sandbox pay keys: ${keysRes.status}`);
  const keys = keysRes.body;
  const platformPrivate = createPrivateKey(keys.platformPrivateKeyPem);
  const platformPublic = createPublicKey(keys.platformPublicKeyPem);
  const apiV3Key = Buffer.from(keys.apiV3Key, 'utf8');
  // The server's merchant private key stays in the server; the baseline signs with a key of the same size.
  const merchantBits = createPublicKey(keys.merchantPublicKeyPem).asymmetricKeyDetails?.modulusLength ?? 2048;
  const merchantKeyPem = generateKeyPairSync('rsa', { modulusLength: merchantBits })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const merchantKey = createPrivateKey(merchantKeyPem);

  const merchants = [];
  for (let k = 0; k < PAY.merchants; k++) {
    const res = await api('POST', '/admin/merchants', {
      token: adminToken,
      body: { name: `bench 商户 ${runId} ${k + 1}` },
    });
    if (res.status !== 201) throw new Error(`create merchant: ${res.status} ${JSON.stringify(res.body)}`);
    merchants.push({ id: String(res.body.id), name: res.body.name });
  }
  const [[{ alliance_id: allianceId }]] = await pool.query('SELECT alliance_id FROM members WHERE id = ?', [
    members[0].memberId,
  ]);
  const [[policyRow]] = await pool.query(
    'SELECT earn_fen_per_point, expiry_months FROM points_policies WHERE alliance_id = ?',
    [allianceId],
  );
  const policy = policyRow
    ? { earnFenPerPoint: Number(policyRow.earn_fen_per_point), expiryMonths: Number(policyRow.expiry_months) }
    : { ...domain.DEFAULT_POINTS_POLICY };
  const [tierRows] = await pool.query(
    'SELECT code, points_multiplier_permille AS m FROM tiers WHERE alliance_id = ?',
    [allianceId],
  );
  const multiplierOf = new Map(tierRows.map((t) => [t.code, Number(t.m)]));

  // Amounts stay small (8–57 yuan): no member reaches the next tier in this run, so the baseline's
  // tier check never has to upgrade anyone.
  const amountOf = (i) => 800 + (i % 50) * 100;
  const shanghaiDate = (d) =>
    // eslint-disable-next-line no-restricted-syntax -- until H7 converts the bench to @allycard/domain calendar
    new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  let tradeSeq = 0;
  const newTradeNo = (prefix) =>
    `${prefix}${shanghaiDate(new Date())}${runId.slice(-4)}${String(++tradeSeq).padStart(8, '0')}`;

  // ── notifications, crafted with node:crypto as WeChat Pay sends them (apps/server/test/pay-helpers.ts) ─
  const transactionOf = (o) => {
    const total = o.payableFen;
    return {
      appid: keys.appid,
      mchid: keys.mchid,
      out_trade_no: o.outTradeNo,
      transaction_id: `42000${Date.now()}${randomBytes(4).readUInt32BE(0)}`,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      success_time: new Date().toISOString(),
      payer: { openid: 'o_bench' },
      amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    };
  };
  const craft = (o) => {
    const nonce12 = randomBytes(6).toString('hex');
    const cipher = createCipheriv('aes-256-gcm', apiV3Key, Buffer.from(nonce12, 'utf8'));
    cipher.setAAD(Buffer.from('transaction', 'utf8'));
    const data = Buffer.concat([
      cipher.update(JSON.stringify(transactionOf(o)), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const id = `EV-${runId}-${randomBytes(8).toString('hex')}`;
    const body = JSON.stringify({
      id,
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: data.toString('base64'),
        associated_data: 'transaction',
        original_type: 'transaction',
        nonce: nonce12,
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .sign(platformPrivate, 'base64');
    return {
      id,
      order: o,
      body,
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': keys.wechatpaySerial,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      },
    };
  };

  /** What the server does before any SQL (wechat-pay.client.ts verifyNotification), with node:crypto. */
  const verifyAndDecrypt = (n) => {
    const h = n.headers;
    const ts = h['wechatpay-timestamp'];
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > MAX_CLOCK_SKEW_S)
      throw new Error('stale timestamp');
    if (h['wechatpay-serial'] !== keys.wechatpaySerial) throw new Error('unknown serial');
    const ok = createVerify('RSA-SHA256')
      .update(`${ts}\n${h['wechatpay-nonce']}\n${n.body}\n`)
      .verify(platformPublic, h['wechatpay-signature'], 'base64');
    if (!ok) throw new Error('bad signature');
    const envelope = JSON.parse(n.body);
    const r = envelope.resource;
    if (!envelope.id || r?.algorithm !== 'AEAD_AES_256_GCM') throw new Error('not a notification');
    const data = Buffer.from(r.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(r.nonce, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
    const t = JSON.parse(
      Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8'),
    );
    if (t.appid !== keys.appid || t.mchid !== keys.mchid) throw new Error('not our merchant');
    return { id: envelope.id, eventType: envelope.event_type, transaction: t };
  };

  // ── the order row ──────────────────────────────────────────────────────────────────────────────
  const ORDER_INSERT = `INSERT INTO orders (alliance_id, member_id, merchant_id, out_trade_no, status, amount_fen,
      tier_discount_fen, coupon_id, coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_earned,
      refund_requested_fen, refunded_fen, transaction_id, pay_params, flag, paid_at, closed_at, created_at, updated_at)
    VALUES `;
  const ORDER_VALUES =
    "(?, ?, ?, ?, 'pending', ?, 0, NULL, 0, 0, 0, ?, 0, 0, 0, NULL, ?, NULL, NULL, NULL, ?, ?)";
  const orderParams = (o, payParams, now) => [
    allianceId,
    o.memberId,
    o.merchantId,
    o.outTradeNo,
    o.payableFen,
    o.payableFen,
    payParams,
    now,
    now,
  ];
  const orderFor = (i, prefix) => ({
    memberId: members[i % M].memberId,
    merchantId: merchants[i % merchants.length].id,
    outTradeNo: newTradeNo(prefix),
    payableFen: amountOf(i), // every member is on the base tier (discount 1000‰): payable = amount
  });

  // ── order creation: HTTP ──
  const httpCreate = (out) => async (i) => {
    const m = members[i % M];
    try {
      const res = await api('POST', '/orders', {
        token: m.token,
        body: { merchantId: merchants[i % merchants.length].id, amountFen: amountOf(i) },
      });
      const code = res.status === 201 ? '201' : `${res.status} ${res.body?.error?.code ?? ''}`.trim();
      const o = res.body?.order;
      if (res.status === 201 && o?.outTradeNo && res.body.payParams?.paySign) {
        out[i] = {
          id: String(o.id),
          outTradeNo: o.outTradeNo,
          payableFen: o.payableFen,
          memberId: m.memberId,
        };
        return { outcome: 'ok', ms: res.ms, code };
      }
      return {
        outcome: 'error',
        ms: res.ms,
        code,
        detail: `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      };
    } catch (e) {
      return { outcome: 'error', ms: NaN, code: 'network', detail: e.message };
    }
  };

  // ── order creation: baseline ──
  // WeChat's answer to the prepay, signed once here: the baseline checks its signature per order.
  const answer = (() => {
    const body = JSON.stringify({ prepay_id: `wx${Date.now()}bench` });
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const message = `${ts}\n${nonce}\n${body}\n`;
    return { message, signature: createSign('RSA-SHA256').update(message).sign(platformPrivate, 'base64') };
  })();
  const sqlCreate = (out) => async (i) => {
    const start = hr();
    try {
      const o = orderFor(i, 'BN');
      const now = new Date();
      const ts = String(Math.floor(now.getTime() / 1000));
      const nonce = randomBytes(16).toString('hex');
      const prepayBody = JSON.stringify({
        appid: keys.appid,
        mchid: keys.mchid,
        description: `${merchants[i % merchants.length].name} 会员买单`,
        out_trade_no: o.outTradeNo,
        notify_url: `http://127.0.0.1${NOTIFY_PATH}`,
        // eslint-disable-next-line no-restricted-syntax -- until H7 converts the bench to @allycard/domain calendar
        time_expire: new Date(now.getTime() + 15 * 60_000 + 8 * 3600_000)
          .toISOString()
          // eslint-disable-next-line no-restricted-syntax -- until H7 converts the bench to @allycard/domain calendar
          .replace(/\.\d{3}Z$/, '+08:00'),
        amount: { total: o.payableFen, currency: 'CNY' },
        payer: { openid: members[i % M].openid ?? 'o_bench' },
      });
      const authorization = createSign('RSA-SHA256')
        .update(`POST\n/v3/pay/transactions/jsapi\n${ts}\n${nonce}\n${prepayBody}\n`)
        .sign(merchantKey, 'base64');
      if (
        !createVerify('RSA-SHA256').update(answer.message).verify(platformPublic, answer.signature, 'base64')
      )
        throw new Error('answer signature');
      const prepayId = `wx${ts}${authorization.length}${i}`;
      const nonceStr = randomBytes(16).toString('hex');
      const payParams = {
        timeStamp: ts,
        nonceStr,
        package: `prepay_id=${prepayId}`,
        signType: 'RSA',
        paySign: createSign('RSA-SHA256')
          .update(`${keys.appid}\n${ts}\n${nonceStr}\nprepay_id=${prepayId}\n`)
          .sign(merchantKey, 'base64'),
      };
      const [res] = await pool.query(
        ORDER_INSERT + ORDER_VALUES,
        orderParams(o, JSON.stringify(payParams), now),
      );
      out[i] = { ...o, id: String(res.insertId) };
      return { outcome: 'ok', code: 'ok', ms: msSince(start) };
    } catch (e) {
      return { outcome: 'error', code: e.code ?? 'error', ms: msSince(start), detail: e.message };
    }
  };

  /** Pending order rows for the SQL-only baseline, inserted in bulk (setup, not timed). */
  const insertPending = async (count, prefix) => {
    const list = [];
    const now = new Date();
    for (let from = 0; from < count; from += 500) {
      const chunk = Array.from({ length: Math.min(500, count - from) }, (_, k) => orderFor(from + k, prefix));
      const [res] = await pool.query(
        ORDER_INSERT + chunk.map(() => ORDER_VALUES).join(', '),
        chunk.flatMap((o) => orderParams(o, null, now)),
      );
      // the ids, read back by out_trade_no
      const [rows] = await pool.query('SELECT id, out_trade_no FROM orders WHERE out_trade_no IN (?)', [
        chunk.map((o) => o.outTradeNo),
      ]);
      const idOf = new Map(rows.map((r) => [r.out_trade_no, String(r.id)]));
      for (const o of chunk) list.push({ ...o, id: idOf.get(o.outTradeNo) });
      if (res.affectedRows !== chunk.length) throw new Error('bulk insert of pending orders');
    }
    return list;
  };

  // ── applying a payment: the baseline SQL (orders.service.ts markPaid, purchases.service.ts record,
  // ledger.service.ts earn/post, tiers.service.ts addSpend, payments.service.ts record) ──────────
  const applySql = async (t, eventId) => {
    const [[o]] = await pool.query(
      `SELECT o.id, o.member_id, o.merchant_id, o.payable_fen, o.status, m.tier_code
         FROM orders o JOIN members m ON m.id = o.member_id WHERE o.out_trade_no = ?`,
      [t.out_trade_no],
    );
    if (!o) throw new Error(`unknown order ${t.out_trade_no}`);
    if (Number(o.payable_fen) !== t.amount.total) throw new Error('amount mismatch');
    const at = new Date(t.success_time);
    const points = domain.pointsEarned(Number(o.payable_fen), policy, multiplierOf.get(o.tier_code) ?? 1000);
    const conn = await pool.getConnection();
    let result = 'paid';
    try {
      await conn.query('START TRANSACTION');
      const [upd] = await conn.query(
        `UPDATE orders SET status = 'paid', transaction_id = ?, paid_at = ?, points_earned = ?, updated_at = ?
          WHERE id = ? AND status = 'pending'`,
        [t.transaction_id, at, points, at, o.id],
      );
      if (upd.affectedRows !== 1) {
        await conn.query('ROLLBACK');
        result = 'duplicate';
      } else {
        await conn.query(
          `INSERT INTO spend_entries (alliance_id, member_id, merchant_id, amount_fen, source_type, source_id, created_at)
           VALUES (?, ?, ?, ?, 'order', ?, ?)`,
          [allianceId, o.member_id, o.merchant_id, o.payable_fen, o.id, at],
        );
        // the tier check reads the rolling 12-month spend (no member reaches the next tier here)
        await conn.query(
          'SELECT COALESCE(SUM(amount_fen), 0) AS total FROM spend_entries WHERE member_id = ? AND created_at > ?',
          [o.member_id, new Date(at.getTime() - 365 * 86_400_000)],
        );
        const [tx] = await conn.query(
          `INSERT INTO points_transactions (alliance_id, kind, source_type, source_id, member_id, merchant_id, points, created_at)
           VALUES (?, 'earn', 'order', ?, ?, ?, ?, ?)`,
          [allianceId, o.id, o.member_id, o.merchant_id, points, at],
        );
        await conn.query(
          `INSERT INTO points_postings (alliance_id, transaction_id, account_kind, owner_id, amount, created_at)
           VALUES (?, ?, 'member', ?, ?, ?), (?, ?, 'merchant_funding', ?, ?, ?)`,
          [
            allianceId,
            tx.insertId,
            o.member_id,
            points,
            at,
            allianceId,
            tx.insertId,
            o.merchant_id,
            -points,
            at,
          ],
        );
        await conn.query(
          `INSERT INTO points_lots (alliance_id, member_id, transaction_id, merchant_id, points, remaining, expires_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            allianceId,
            o.member_id,
            tx.insertId,
            o.merchant_id,
            points,
            points,
            domain.lotExpiresAt(at, policy.expiryMonths),
            at,
          ],
        );
        await conn.query(
          `UPDATE members SET points = points + ?, first_purchase_at = COALESCE(first_purchase_at, ?), updated_at = ?
            WHERE id = ? AND alliance_id = ?`,
          [points, at, at, o.member_id, allianceId],
        );
        await conn.query('COMMIT');
      }
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      conn.release();
    }
    await pool.query(
      `INSERT IGNORE INTO payment_events (event_id, event_type, out_trade_no, out_refund_no, result, created_at)
       VALUES (?, 'TRANSACTION.SUCCESS', ?, NULL, ?, ?)`,
      [eventId, t.out_trade_no, result, new Date()],
    );
    return result;
  };

  const timed = (fn) => async (i) => {
    const start = hr();
    try {
      const code = await fn(i);
      return { outcome: code === 'paid' || code === 'duplicate' ? 'ok' : 'error', code, ms: msSince(start) };
    } catch (e) {
      return { outcome: 'error', code: e.code ?? 'error', ms: msSince(start), detail: e.message };
    }
  };
  const sqlOnly = (list) => timed((i) => applySql(list[i].transaction, list[i].eventId));
  const cryptoAndSql = (notes) =>
    timed(async (i) => {
      const v = verifyAndDecrypt(notes[i]);
      return applySql(v.transaction, v.id);
    });
  const cryptoAndLookup = (notes) =>
    timed(async (i) => {
      const v = verifyAndDecrypt(notes[i]);
      const [[o]] = await pool.query('SELECT status FROM orders WHERE out_trade_no = ?', [
        v.transaction.out_trade_no,
      ]);
      return o?.status === 'paid' ? 'duplicate' : `status ${o?.status}`;
    });
  const httpNotify = (notes) => async (i) => {
    try {
      const res = await request('POST', NOTIFY_PATH, { raw: notes[i].body, headers: notes[i].headers });
      const code = res.status === 204 ? '204' : `${res.status} ${res.body?.error?.code ?? ''}`.trim();
      return res.status === 204
        ? { outcome: 'ok', ms: res.ms, code }
        : {
            outcome: 'error',
            ms: res.ms,
            code,
            detail: `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
          };
    } catch (e) {
      return { outcome: 'error', ms: NaN, code: 'network', detail: e.message };
    }
  };
  const sandboxCall = (orders, action) => async (i) => {
    try {
      const res = await request('POST', `/sandbox/wechat/pay/${orders[i].outTradeNo}/${action}`);
      const good = res.status === 200 && res.body?.delivered === true && res.body?.httpStatus === 204;
      const code = good ? 'delivered 204' : `${res.status} ${JSON.stringify(res.body).slice(0, 120)}`;
      return good
        ? { outcome: 'ok', ms: res.ms, code }
        : { outcome: 'error', ms: res.ms, code, detail: code };
    } catch (e) {
      return { outcome: 'error', ms: NaN, code: 'network', detail: e.message };
    }
  };
  /** The crypto baseline: a plain synchronous loop in this process, one at a time. */
  const cryptoLoop = (notes) => {
    const results = [];
    const start = hr();
    for (let i = 0; i < notes.length; i++) {
      const s = hr();
      try {
        verifyAndDecrypt(notes[i]);
        results.push({ outcome: 'ok', code: 'ok', ms: msSince(s) });
      } catch (e) {
        results.push({ outcome: 'error', code: 'crypto', ms: msSince(s), detail: e.message });
      }
    }
    return { results, wallS: Number(hr() - start) / 1e9, timedOut: false };
  };

  // ── measuring ──────────────────────────────────────────────────────────────────────────────────
  const questions = async () => Number((await pool.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);
  const SCENARIOS = [
    { key: 'createSql', group: 'create', kind: 'baseline', name: 'baseline: sign prepay + INSERT order' },
    {
      key: 'createHttp',
      group: 'create',
      kind: 'http',
      name: 'HTTP POST /orders (+ sandbox prepay)',
      base: 'createSql',
    },
    {
      key: 'notifyCrypto',
      group: 'notify',
      kind: 'part',
      name: 'baseline part: crypto only (loop, 1 at a time)',
    },
    { key: 'notifySql', group: 'notify', kind: 'part', name: 'baseline part: apply SQL only' },
    { key: 'notifySqlCrypto', group: 'notify', kind: 'baseline', name: 'baseline: crypto + apply SQL' },
    {
      key: 'notifyHttp',
      group: 'notify',
      kind: 'http',
      name: 'HTTP notify, first delivery',
      base: 'notifySqlCrypto',
    },
    { key: 'dupSql', group: 'dup', kind: 'baseline', name: 'baseline: crypto + SELECT status' },
    { key: 'dupHttp', group: 'dup', kind: 'http', name: 'HTTP notify, duplicate', base: 'dupSql' },
    { key: 'raceHttp', group: 'race', kind: 'http', name: 'HTTP notify, 3 copies of each at once' },
    { key: 'sandboxConfirm', group: 'sandbox', kind: 'http', name: 'sandbox /confirm → notify (end to end)' },
    {
      key: 'sandboxRedeliver',
      group: 'sandbox',
      kind: 'http',
      name: 'sandbox /redeliver → notify (duplicate)',
    },
  ];
  const byKey = new Map(SCENARIOS.map((s) => [s.key, { ...s, rounds: [] }]));
  const measure = async (key, round, count, concurrency, task) => {
    const sc = byKey.get(key);
    const q0 = await questions();
    const before = cpuSnapshot(pids);
    // concurrency 0: `task` is the whole (synchronous) run, not one request
    const run = concurrency === 0 ? task() : await runPool(count, concurrency, PAY.deadlineMs, task);
    const cpu = cpuDelta(before, cpuSnapshot(pids));
    const statements = (await questions()) - q0 - 1;
    const s = summarize(sc.name, sc.kind, run, cpu);
    log(
      `payments ${sc.name} #${round}: ${s.requests} in ${s.wallS.toFixed(2)} s = ${s.reqPerS.toFixed(0)}/s, ` +
        `errors ${s.errors}${s.timedOut ? ' (deadline reached)' : ''}`,
    );
    for (const d of s.firstErrors) log(`  error: ${d}`);
    sc.rounds.push({ run, cpu, statements, summary: s });
    return run;
  };
  const snapshot = async () => {
    const [[r]] = await pool.query(
      `SELECT (SELECT COUNT(*) FROM points_transactions) AS tx, (SELECT COALESCE(SUM(points), 0) FROM members) AS points,
              (SELECT COUNT(*) FROM spend_entries) AS spend, (SELECT COUNT(*) FROM orders WHERE status = 'paid') AS paid`,
    );
    return { tx: Number(r.tx), points: Number(r.points), spend: Number(r.spend), paid: Number(r.paid) };
  };
  const sameSnapshot = (a, b) =>
    a.tx === b.tx && a.points === b.points && a.spend === b.spend && a.paid === b.paid;

  const allOrders = []; // every order this benchmark made, and whether it must end up paid
  const problems = [];
  // (the lists are sparse arrays filled by index: count the holes with a plain loop)
  const need = (list, what) => {
    const made = [];
    for (let i = 0; i < list.length; i++) if (list[i]) made.push(list[i]);
    if (made.length < list.length) {
      problems.push(`${list.length - made.length} of ${list.length} ${what} were not created`);
      log(`payments: ${list.length - made.length} of ${list.length} ${what} were not created`);
    }
    return made;
  };

  // ── cold start: the server's first WeChat Pay calls, `concurrency` orders at once ──
  // Nothing before this has talked to WeChat Pay: the server has not downloaded the platform
  // certificates that WeChat's answers are checked with. Reported, and a 5xx fails the run.
  const coldOrders = new Array(Math.min(PAY.concurrency, M));
  const cold = await runPool(coldOrders.length, coldOrders.length, PAY.deadlineMs, httpCreate(coldOrders));
  const coldCodes = {};
  for (const r of cold.results) coldCodes[r.code] = (coldCodes[r.code] ?? 0) + 1;
  const coldFailed = cold.results.filter((r) => r.outcome !== 'ok').length;
  log(`payments: cold start, ${coldOrders.length} orders at once: ${JSON.stringify(coldCodes)}`);
  if (coldFailed)
    problems.push(
      `cold start: ${coldFailed} of ${coldOrders.length} concurrent first orders failed (${Object.entries(
        coldCodes,
      )
        .filter(([c]) => c !== '201')
        .map(([c, n]) => `${n} × ${c}`)
        .join(', ')})`,
    );
  const coldMade = [];
  for (const o of coldOrders) if (o) coldMade.push(o);

  // ── warm-up (not reported): every path once over `warmup` orders ──
  log(`payments: warm-up, ${PAY.warmup} orders per path …`);
  {
    const w = PAY.warmup;
    const httpOrders = new Array(w);
    const sqlOrders = new Array(w);
    await runPool(w, PAY.concurrency, PAY.deadlineMs, sqlCreate(sqlOrders));
    await runPool(w, PAY.concurrency, PAY.deadlineMs, httpCreate(httpOrders));
    const hNotes = [...coldMade, ...need(httpOrders, 'warm-up orders')].map(craft);
    const bNotes = need(sqlOrders, 'warm-up baseline orders').map(craft);
    cryptoLoop(hNotes);
    await runPool(bNotes.length, PAY.concurrency, PAY.deadlineMs, cryptoAndSql(bNotes));
    await runPool(hNotes.length, PAY.concurrency, PAY.deadlineMs, httpNotify(hNotes));
    await runPool(hNotes.length, PAY.concurrency, PAY.deadlineMs, httpNotify(hNotes));
    allOrders.push(...hNotes.map((n) => n.order), ...bNotes.map((n) => n.order));
  }

  // ── the rounds ──
  const dupChanges = [];
  for (let round = 1; round <= PAY.rounds; round++) {
    const sqlOrders = new Array(N);
    const httpOrders = new Array(N);
    await measure('createSql', round, N, PAY.concurrency, sqlCreate(sqlOrders));
    await measure('createHttp', round, N, PAY.concurrency, httpCreate(httpOrders));

    // setup, not timed: notifications for the HTTP orders and the baseline orders, SQL-only orders
    const hNotes = need(httpOrders, 'HTTP orders').map(craft);
    const bNotes = need(sqlOrders, 'baseline orders').map(craft);
    const pending = (await insertPending(N, 'BP')).map((o) => ({
      order: o,
      transaction: transactionOf(o),
      eventId: `EV-${runId}-${randomBytes(8).toString('hex')}`,
    }));
    allOrders.push(
      ...hNotes.map((n) => n.order),
      ...bNotes.map((n) => n.order),
      ...pending.map((p) => p.order),
    );

    await measure('notifyCrypto', round, hNotes.length, 0, () => cryptoLoop(hNotes));
    await measure('notifySql', round, pending.length, PAY.concurrency, sqlOnly(pending));
    await measure('notifySqlCrypto', round, bNotes.length, PAY.concurrency, cryptoAndSql(bNotes));
    await measure('notifyHttp', round, hNotes.length, PAY.concurrency, httpNotify(hNotes));

    const before = await snapshot();
    await measure('dupSql', round, bNotes.length, PAY.concurrency, cryptoAndLookup(bNotes));
    await measure('dupHttp', round, hNotes.length, PAY.concurrency, httpNotify(hNotes));
    const after = await snapshot();
    if (!sameSnapshot(before, after)) {
      dupChanges.push(`round ${round}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      problems.push(`duplicates changed the ledger in round ${round}`);
    }
  }

  // ── a race, once: each notification of fresh orders posted 3 times at the same moment (WeChat
  // retries a slow answer): one copy applies, the others must find the order paid ──
  {
    const S = PAY.sandboxSample;
    const sample = new Array(S);
    await runPool(S, PAY.concurrency, PAY.deadlineMs, httpCreate(sample));
    const notes = need(sample, 'race orders').map(craft);
    allOrders.push(...notes.map((n) => n.order));
    const copies = notes.flatMap((n) => [n, n, n]); // adjacent: the copies are in flight together
    await measure('raceHttp', 1, copies.length, PAY.concurrency, httpNotify(copies));
  }

  // ── the sandbox's own path, once: WeChat (the sandbox) signs and delivers, the server applies ──
  {
    const S = PAY.sandboxSample;
    const sample = new Array(S);
    await runPool(S, PAY.concurrency, PAY.deadlineMs, httpCreate(sample));
    const orders = need(sample, 'sandbox sample orders');
    allOrders.push(...orders);
    await measure('sandboxConfirm', 1, orders.length, PAY.sandboxConcurrency, sandboxCall(orders, 'confirm'));
    const before = await snapshot();
    await measure(
      'sandboxRedeliver',
      1,
      orders.length,
      PAY.sandboxConcurrency,
      sandboxCall(orders, 'redeliver'),
    );
    const after = await snapshot();
    if (!sameSnapshot(before, after)) {
      dupChanges.push(`sandbox redelivery: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      problems.push('sandbox redeliveries changed the ledger');
    }
  }

  // ── correctness, from the database ──
  const db = await verifyOrders(pool, allOrders);
  problems.push(...db.problems);

  // ── rows ──
  const rows = SCENARIOS.map((sc) => {
    const rs = byKey.get(sc.key).rounds;
    const run = {
      results: rs.flatMap((r) => r.run.results),
      wallS: rs.reduce((a, r) => a + r.run.wallS, 0),
      timedOut: rs.some((r) => r.run.timedOut),
    };
    const cpu = ['server', 'db', 'bench'].reduce(
      (a, k) => ({ ...a, [k]: rs.reduce((sum, r) => sum + r.cpu[k], 0) }),
      {},
    );
    const s = summarize(sc.name, sc.kind, run, cpu);
    return {
      ...s,
      key: sc.key,
      group: sc.group,
      baseKey: sc.base,
      roundReqPerS: rs.map((r) => r.summary.reqPerS),
      statementsPerReq: rs.reduce((a, r) => a + r.statements, 0) / s.requests,
    };
  });
  for (const r of rows) r.base = rows.find((b) => b.key === r.baseKey);
  const errors = rows.reduce((a, r) => a + r.errors, 0);
  if (errors) problems.push(`${errors} request(s) failed`);

  const micro = cryptoCosts(keys, platformPrivate, platformPublic, merchantKey, merchantKeyPem, craft);
  return {
    failed: problems.length > 0,
    problems,
    markdown: report({
      rows,
      db,
      dupChanges,
      problems,
      micro,
      PAY,
      N,
      M,
      merchantBits,
      cold: { n: coldOrders.length, codes: coldCodes },
    }),
  };
}

/** Every order must be paid once: one points transaction, one spend entry, points_earned = its points. */
async function verifyOrders(pool, orders) {
  const ids = orders.map((o) => o.id).filter(Boolean);
  const counts = {
    orders: ids.length,
    paid: 0,
    pointsTx: 0,
    exactlyOnce: 0,
    spendOnce: 0,
    pointsMatch: 0,
    flagged: 0,
  };
  const problems = [];
  for (let from = 0; from < ids.length; from += 1000) {
    const chunk = ids.slice(from, from + 1000);
    const [rows] = await pool.query(
      `SELECT o.id, o.status, o.points_earned, o.flag,
              (SELECT COUNT(*) FROM points_transactions t WHERE t.alliance_id = o.alliance_id AND t.source_type = 'order'
                 AND t.source_id = CAST(o.id AS CHAR)) AS tx,
              (SELECT MAX(t.points) FROM points_transactions t WHERE t.alliance_id = o.alliance_id AND t.source_type = 'order'
                 AND t.source_id = CAST(o.id AS CHAR)) AS tx_points,
              (SELECT COUNT(*) FROM spend_entries s WHERE s.alliance_id = o.alliance_id AND s.source_type = 'order'
                 AND s.source_id = CAST(o.id AS CHAR)) AS spend
         FROM orders o WHERE o.id IN (?)`,
      [chunk],
    );
    for (const r of rows) {
      const tx = Number(r.tx);
      if (r.status === 'paid') counts.paid++;
      counts.pointsTx += tx;
      if (tx === 1) counts.exactlyOnce++;
      if (Number(r.spend) === 1) counts.spendOnce++;
      if (tx === 1 && Number(r.tx_points) === Number(r.points_earned)) counts.pointsMatch++;
      if (r.flag) counts.flagged++;
    }
  }
  const [[maxPer]] = await pool.query(
    `SELECT COALESCE(MAX(n), 0) AS m FROM (SELECT COUNT(*) AS n FROM points_transactions
       WHERE source_type = 'order' GROUP BY alliance_id, source_id) per_order`,
  );
  counts.maxPerOrder = Number(maxPer.m);
  const n = counts.orders;
  if (counts.paid !== n) problems.push(`${n - counts.paid} of ${n} orders not paid`);
  if (counts.exactlyOnce !== n)
    problems.push(`${n - counts.exactlyOnce} orders without exactly one points transaction`);
  if (counts.maxPerOrder > 1) problems.push(`an order earned points ${counts.maxPerOrder} times`);
  if (counts.spendOnce !== n) problems.push(`${n - counts.spendOnce} orders without exactly one spend entry`);
  if (counts.pointsMatch !== n)
    problems.push(`${n - counts.pointsMatch} orders whose points_earned ≠ their transaction`);
  if (counts.flagged) problems.push(`${counts.flagged} orders flagged`);
  return { counts, problems };
}

/** Microseconds per operation in this process (what the scenarios are made of). */
function cryptoCosts(keys, platformPrivate, platformPublic, merchantKey, merchantKeyPem, craft) {
  const per = (n, fn) => {
    fn(0);
    const s = hr();
    for (let i = 0; i < n; i++) fn(i);
    return Number(hr() - s) / 1e3 / n;
  };
  const msg = 'POST\n/v3/pay/transactions/jsapi\n1700000000\nabcdef\n{"amount":{"total":1000}}\n';
  const sig = createSign('RSA-SHA256').update(msg).sign(platformPrivate, 'base64');
  const note = craft({ outTradeNo: 'AC20260101000000000000', payableFen: 1000 });
  const key = Buffer.from(keys.apiV3Key, 'utf8');
  const r = JSON.parse(note.body).resource;
  const data = Buffer.from(r.ciphertext, 'base64');
  return [
    [
      'RSA-SHA256 sign, key passed as a PEM string (as wechatpay-node-v3 does: Authorization and paySign)',
      per(100, (i) =>
        createSign('RSA-SHA256')
          .update(msg + i)
          .sign(merchantKeyPem, 'base64'),
      ),
    ],
    [
      'RSA-SHA256 sign, key parsed once (KeyObject; the baseline, the sandbox)',
      per(100, (i) =>
        createSign('RSA-SHA256')
          .update(msg + i)
          .sign(merchantKey, 'base64'),
      ),
    ],
    [
      'RSA-SHA256 verify (notification signature, answer signature)',
      per(1000, () => createVerify('RSA-SHA256').update(msg).verify(platformPublic, sig, 'base64')),
    ],
    [
      'AES-256-GCM decrypt + JSON.parse of a transaction resource',
      per(1000, () => {
        const d = createDecipheriv('aes-256-gcm', key, Buffer.from(r.nonce, 'utf8'));
        d.setAuthTag(data.subarray(data.length - 16));
        d.setAAD(Buffer.from(r.associated_data, 'utf8'));
        JSON.parse(Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString('utf8'));
      }),
    ],
  ];
}

function report({ rows, db, dupChanges, problems, micro, PAY, N, M, merchantBits, cold }) {
  const f = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
  const lines = [];
  lines.push('## Payments: order creation and WeChat Pay notifications', '');
  lines.push(
    `${PAY.rounds} interleaved rounds of ${N} orders per scenario (orders spread over ${M} members, ${PAY.merchants} merchants), ` +
      `${PAY.concurrency} in flight (the crypto loop: one at a time). Once, after the rounds: the race (${PAY.sandboxSample} fresh orders, each notification posted 3 times at once, ${PAY.concurrency} in flight) and the sandbox rows (${PAY.sandboxSample} fresh orders, ${PAY.sandboxConcurrency} in flight). ` +
      'Warm-up: ' +
      `${PAY.warmup} orders through every path, not reported. Ratio = HTTP req/s ÷ the baseline req/s of its group, both measured in this run.`,
    '',
  );
  lines.push(
    '| group | scenario | requests | errors | wall s | req/s | req/s per round | p50 ms | p99 ms | ratio to baseline |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  );
  for (const r of rows) {
    const ratio = r.base ? r.reqPerS / r.base.reqPerS : null;
    const p = r.kind === 'part' && r.key === 'notifyCrypto' ? 3 : 1;
    lines.push(
      `| ${r.group} | ${r.name}${r.timedOut ? ' (deadline)' : ''} | ${r.requests} | ${r.errors} | ${f(r.wallS, 2)} | ${f(r.reqPerS)} | ${r.roundReqPerS.map((v) => f(v)).join(', ')} | ${f(r.okP50, p)} | ${f(r.okP99, p)} | ${r.base ? `${f(ratio, 3)} (${f(1 / ratio, 1)}× slower)` : r.kind === 'baseline' ? 'baseline' : '–'} |`,
    );
  }
  lines.push('');
  lines.push(
    'What each baseline is (all in the bench process, against the same MariaDB, mysql2 pool of 30 like the server):',
    '',
    `- **create**: an RSA-SHA256 signature of the JSAPI prepay request (the Authorization header), a check of WeChat's answer signature (RSA verify), the RSA-SHA256 \`paySign\` of the pay params, and one \`INSERT\` of the order row with its pay params. RSA-${merchantBits} keys parsed once. No member, merchant, tier or policy reads, no network call: the HTTP side also carries Nest, auth, rate limiting, pricing reads, two transactions, and the sandbox's prepay endpoint (request check, answer signature), which runs in the server process.`,
    '- **notify, crypto only**: for the same notifications the server receives, the RSA-SHA256 verify over `timestamp\\nnonce\\nbody\\n`, the AES-256-GCM decrypt (tag checked) and the JSON parses, in a plain loop, one at a time.',
    "- **notify, apply SQL only**: `SELECT` the order (joined to the member's tier) by `out_trade_no`; `START TRANSACTION`; the guarded `UPDATE orders … WHERE status = 'pending'`; `INSERT spend_entries`; the rolling-spend `SELECT SUM` of the tier check; `INSERT points_transactions`; `INSERT points_postings` (2 rows); `INSERT points_lots`; `UPDATE members` (balance, first purchase); `COMMIT`; `INSERT payment_events`. The alliance's points policy and tier multipliers are read once, before the run.",
    '- **notify, crypto + apply SQL**: both, per notification, with 50 in flight: the ratio baseline for first deliveries.',
    '- **dup**: crypto, then `SELECT status FROM orders WHERE out_trade_no = ?` finds it paid. The HTTP duplicates are the same signed notifications posted a second time (WeChat redelivers the same body).',
    '- **race** and **sandbox** have no baseline. The race posts each first delivery 3 times side by side: one copy applies the payment, two find it paid (all must answer 204). The sandbox rows are the path a real payment takes: `/confirm` makes the sandbox encrypt, sign (RSA) and POST the notification to the server, in the same process as the server, so its work is in the server CPU column.',
    '',
  );

  lines.push('### Cost per request: SQL statements and CPU ms (Linux /proc, whole processes)', '');
  lines.push(
    '| group | scenario | SQL statements | server CPU ms (Node) | MariaDB CPU ms | bench client CPU ms |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of rows)
    lines.push(
      `| ${r.group} | ${r.name} | ${f(r.statementsPerReq, 1)} | ${f(r.cpuPerReq.server, 3)} | ${f(r.cpuPerReq.db, 3)} | ${f(r.cpuPerReq.bench, 3)} |`,
    );
  lines.push('');

  lines.push('### Crypto cost in the bench process (µs per operation)', '');
  lines.push('| operation | µs |', '| --- | ---: |');
  for (const [what, us] of micro) lines.push(`| ${what} | ${f(us)} |`);
  lines.push('');

  const c = db.counts;
  lines.push('### Correctness afterwards (from the database)', '');
  lines.push(
    '| orders made (HTTP, baseline, warm-up, race, sandbox) | paid | exactly one points transaction (source_type order) | most points transactions for one order | one spend entry | points_earned = its transaction | flagged | duplicates changed the ledger |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  lines.push(
    `| ${c.orders} | ${c.paid} | ${c.exactlyOnce} | ${c.maxPerOrder} | ${c.spendOnce} | ${c.pointsMatch} | ${c.flagged} | ${dupChanges.length ? '**' + dupChanges.join('; ') + '**' : 'no (points transactions, member points, spend entries, paid orders unchanged)'} |`,
  );
  lines.push('');
  lines.push(
    `Cold start (the server's first WeChat Pay calls: ${cold.n} orders at once, before the warm-up): ${Object.entries(
      cold.codes,
    )
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ')}.`,
    '',
  );
  lines.push(`Check: ${problems.length ? '**' + problems.join('; ') + '**' : 'ok'}`, '');
  return lines.join('\n');
}
