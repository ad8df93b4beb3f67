import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const policyBody = (n: number) => ({
  terms: { title: '用户协议', body: `第 ${n} 版用户协议` },
  privacy: { title: '隐私政策', body: `第 ${n} 版隐私政策：openid、手机号、生日、位置` },
});

/** Issue 15: consent at join and again on a new version, the member's export, account closure. */
describe(`privacy (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shop: { id: string };
  let clerk: { token: string };

  const joinWith = async (openid: string, body: Record<string, unknown> = {}) =>
    t.api('POST', '/join', { body: { code: await f.loginCode(openid), ...body } });
  const publish = (n: number) => t.api('PUT', '/admin/privacy-policy', { token: admin, body: policyBody(n) });
  const invariantsOk = async () => {
    const res = await t.api('GET', '/admin/invariants', { token: admin });
    expect(res.body.checks.filter((c: any) => !c.ok)).toEqual([]);
    expect(res.body.ok).toBe(true);
  };
  const close = (token: string, body: unknown = { confirm: '注销' }) =>
    t.api('DELETE', '/me', { token, body });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_SCALE: '10' }); // one member makes 130 orders below
    f = factories(t);
    admin = await f.adminToken();
    shop = await f.merchant();
    clerk = await f.staff(shop.id);
  });
  afterAll(() => t.close());

  it('has no policy until the admin publishes one; then each join records the version it agreed to', async () => {
    expectEnvelope(await t.api('GET', '/privacy-policy'), 404, 'NOT_FOUND');
    const nobody = await f.member();
    expect((await t.api('GET', '/me', { token: nobody.token })).body.consent).toEqual({
      currentVersion: null,
      acceptedVersion: null,
      required: false,
    });

    const v1 = await publish(1);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, terms: policyBody(1).terms, privacy: policyBody(1).privacy });
    const shown = await t.api('GET', '/privacy-policy');
    expect(shown.body).toEqual(v1.body);

    const joined = await joinWith(`o_${f.unique()}`, { policyVersion: 1 });
    expect(joined.status).toBe(201);
    const me = await t.api('GET', '/me', { token: joined.body.token });
    expect(me.body.consent).toEqual({ currentVersion: 1, acceptedVersion: 1, required: false });
    const [row] = await t.dataSource.query(
      'SELECT version, accepted_at FROM member_consents WHERE member_id = ?',
      [joined.body.member.id],
    );
    expect(Number(row.version)).toBe(1);
    expect(row.accepted_at).not.toBeNull();
    // a member who joined before there was a policy is asked now
    expect((await t.api('GET', '/me', { token: nobody.token })).body.consent.required).toBe(true);
  });

  it('asks again after a new version; an outdated version is refused and joins nobody', async () => {
    const m = await joinWith(`o_${f.unique()}`, {
      policyVersion: (await t.api('GET', '/privacy-policy')).body.version,
    });
    const v = (await publish(9)).body.version as number;
    expect((await t.api('GET', '/me', { token: m.body.token })).body.consent).toEqual({
      currentVersion: v,
      acceptedVersion: v - 1,
      required: true,
    });
    expectEnvelope(
      await t.api('POST', '/me/consents', { token: m.body.token, body: { version: v - 1 } }),
      409,
      'POLICY_OUTDATED',
    );
    const accepted = await t.api('POST', '/me/consents', { token: m.body.token, body: { version: v } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ currentVersion: v, acceptedVersion: v, required: false });
    // a repeat is a no-op
    expect((await t.api('POST', '/me/consents', { token: m.body.token, body: { version: v } })).status).toBe(
      200,
    );

    const openid = `o_${f.unique()}`;
    const stale = await joinWith(openid, { policyVersion: v - 1 });
    expectEnvelope(stale, 409, 'POLICY_OUTDATED');
    expect(stale.body.error.details).toEqual({ currentVersion: v });
    expect(await t.dataSource.query('SELECT id FROM members WHERE openid = ?', [openid])).toEqual([]);
    for (const body of [{ version: 0 }, { version: '2' }, {}, { version: v, extra: 1 }])
      expectEnvelope(
        await t.api('POST', '/me/consents', { token: m.body.token, body }),
        400,
        'VALIDATION_FAILED',
      );
    expectEnvelope(await joinWith(`o_${f.unique()}`, { policyVersion: 'x' }), 400, 'VALIDATION_FAILED');
  });

  it("a friend taking a shared coupon reads the share's policy and agrees with the acceptance", async () => {
    const sender = await f.member();
    const coupon = await f.claim(sender.token, (await f.template()).id);
    const share = await t.api('POST', `/me/coupons/${coupon.id}/share`, { token: sender.token });
    const token = share.body.shareToken as string;
    const policy = await t.api('GET', `/privacy-policy?share=${token}`);
    expect(policy.status).toBe(200);
    const v = policy.body.version as number;
    const accept = async (body: Record<string, unknown>) =>
      t.api('POST', `/shares/${token}/accept`, {
        body: { code: await f.loginCode(`o_${f.unique()}`), ...body },
      });

    const stale = await accept({ policyVersion: v - 1 });
    expectEnvelope(stale, 409, 'POLICY_OUTDATED');
    expect((await t.api('GET', `/shares/${token}`)).body.status).toBe('open');
    const friend = await accept({ policyVersion: v });
    expect(friend.status).toBe(200);
    expect((await t.api('GET', '/me', { token: friend.body.token })).body.consent).toEqual({
      currentVersion: v,
      acceptedVersion: v,
      required: false,
    });
    // an unknown link stays a 404 whatever version comes with it
    expectEnvelope(
      await t.api('POST', '/shares/AAAAAAAAAAAAAAAAAAAA/accept', {
        body: { code: await f.loginCode(`o_${f.unique()}`), policyVersion: v },
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('only an alliance admin publishes; bad texts are refused', async () => {
    const m = await f.member();
    expectEnvelope(await t.api('PUT', '/admin/privacy-policy', { token: m.token, body: policyBody(1) }), 403);
    expectEnvelope(
      await t.api('PUT', '/admin/privacy-policy', { token: clerk.token, body: policyBody(1) }),
      403,
    );
    for (const body of [
      {},
      { terms: policyBody(1).terms },
      { ...policyBody(1), terms: { title: '', body: 'x' } },
      { ...policyBody(1), privacy: 'text' },
    ])
      expectEnvelope(
        await t.api('PUT', '/admin/privacy-policy', { token: admin, body }),
        400,
        'VALIDATION_FAILED',
      );
    const audit = await t.api('GET', '/admin/audit-log', { token: admin });
    expect(audit.body.items.some((e: any) => e.action === 'privacy_policy_publish')).toBe(true);
  });

  it('exports everything about the member, the phone in full, and audits the export', async () => {
    const m = await f.member();
    const phone = `137${String(Date.now()).slice(-8)}`;
    await t.api('PATCH', '/me', { token: m.token, body: { nickname: '导出君', birthday: '1990-05-01' } });
    await t.api('POST', '/me/phone', { token: m.token, body: { code: await f.phoneCode(phone) } });
    await t.api('POST', '/me/consents', {
      token: m.token,
      body: { version: (await t.api('GET', '/privacy-policy')).body.version },
    });
    await f.purchase(clerk.token, m.token, 12_300);
    const coupon = await f.claim(m.token, (await f.template()).id);
    await t.api('POST', `/me/coupons/${coupon.id}/share`, { token: m.token });
    const order = await paidOrders(t).pay(m.token, { merchantId: shop.id, amountFen: 5_000 });
    const item = await f.mallItem({ merchantId: shop.id, pointsPrice: 100 });
    const exchange = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    expect(exchange.status).toBe(201);

    const res = await t.api('GET', '/me/export', { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({
      id: m.member.id,
      cardNo: m.member.cardNo,
      nickname: '导出君',
      birthday: '1990-05-01',
      phone,
      joinSource: 'direct',
    });
    expect(res.body.coupons.map((c: any) => [c.id, c.status])).toEqual([[coupon.id, 'sharing']]);
    expect(res.body.shares.map((s: any) => s.coupon.id)).toEqual([coupon.id]);
    expect(res.body.orders.map((o: any) => o.id)).toEqual([order.id]);
    expect(res.body.mallOrders.map((o: any) => [o.id, o.status])).toEqual([
      [exchange.body.id, 'awaiting_pickup'],
    ]);
    expect(res.body.pointsTransactions.map((p: any) => p.points).sort()).toEqual([123, 50, -100].sort());
    expect(res.body.consents).toHaveLength(1);

    const audit = await t.api('GET', `/admin/audit-log?memberId=${m.member.id}`, { token: admin });
    expect(audit.body.items[0]).toMatchObject({
      action: 'member_self_export',
      memberId: m.member.id,
      actor: { id: m.member.id, role: 'member' },
    });
    expect(JSON.stringify(audit.body.items[0])).not.toContain(phone);
  });

  it('exports every order and points entry, past any page size (130 of each)', async () => {
    const m = await f.member();
    for (let i = 0; i < 130; i += 10) {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          t.api('POST', '/orders', { token: m.token, body: { merchantId: shop.id, amountFen: 100 + i + j } }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual(Array(10).fill(201));
      await Promise.all(
        Array.from({ length: 10 }, () =>
          t.api('POST', `/admin/members/${m.member.id}/points-adjustments`, {
            token: admin,
            body: { points: 10, reason: '导出测试' },
          }),
        ),
      );
    }
    const res = await t.api('GET', '/me/export', { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body.orders).toHaveLength(130);
    expect(new Set(res.body.orders.map((o: any) => o.amountFen)).size).toBe(130);
    expect(res.body.pointsTransactions).toHaveLength(130);
  });

  it('closes an account in one go: orders closed, shares back, coupons void, points to breakage, data erased', async () => {
    const openid = `o_${f.unique()}`;
    const joined = await joinWith(openid);
    const m = { token: joined.body.token as string, id: joined.body.member.id as string };
    const phone = `136${String(Date.now()).slice(-8)}`;
    await t.api('PATCH', '/me', { token: m.token, body: { nickname: '要走了', birthday: '1991-06-02' } });
    await t.api('POST', '/me/phone', { token: m.token, body: { code: await f.phoneCode(phone) } });
    await f.purchase(clerk.token, m.token, 50_000); // 500 points
    await f.claim(m.token, (await f.template()).id);
    const shared = await f.claim(m.token, (await f.template()).id);
    const locked = await f.claim(m.token, (await f.template({ kind: 'amount', thresholdFen: 1_000 })).id);
    const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: m.token });
    const pending = await t.api('POST', '/orders', {
      token: m.token,
      body: { merchantId: shop.id, amountFen: 8_000, couponId: locked.id, points: 100 },
    });
    expect(pending.body.order.status).toBe('pending');
    const paid = await paidOrders(t).pay(m.token, { merchantId: shop.id, amountFen: 2_000 });
    const shelf = await f.mallItem({ merchantId: shop.id, pointsPrice: 60, stock: 3 });
    const exchange = await t.api('POST', `/mall/items/${shelf.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    expect(exchange.body.status).toBe('awaiting_pickup');

    const res = await close(m.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      closed: true,
      couponsVoided: 3,
      ordersClosed: 1,
      sharesCancelled: 1,
      pickupsCancelled: 1,
      // 500 + 20 from the paid order, 100 spent and 60 exchanged, both given back by the close
      pointsForfeited: 520,
    });
    // no pickup code outlives its member, and the item is back on the shelf
    expectEnvelope(
      await t.api('POST', '/staff/pickups', {
        token: clerk.token,
        body: { pickupCode: exchange.body.pickupCode },
      }),
      409,
    );
    const [stock] = await t.dataSource.query('SELECT issued FROM mall_items WHERE id = ?', [shelf.id]);
    expect(Number(stock.issued)).toBe(0);

    const [row] = await t.dataSource.query('SELECT * FROM members WHERE id = ?', [m.id]);
    expect(row).toMatchObject({ nickname: null, birthday: null, phone_enc: null, phone_hash: null });
    expect(row.openid).toBe(`closed:${m.id}`);
    expect(Number(row.points)).toBe(0);
    expect(row.closed_at).not.toBeNull();
    const coupons = await t.dataSource.query(
      'SELECT id, status FROM coupons WHERE member_id = ? ORDER BY id',
      [m.id],
    );
    expect(coupons.map((c: any) => c.status)).toEqual(['void', 'void', 'void']);
    const [shareRow] = await t.dataSource.query('SELECT status FROM coupon_shares WHERE token = ?', [
      share.body.shareToken,
    ]);
    expect(shareRow.status).toBe('cancelled');
    const orders = await t.dataSource.query(
      'SELECT id, status, amount_fen FROM orders WHERE member_id = ? ORDER BY id',
      [m.id],
    );
    expect(orders.map((o: any) => [String(o.id), o.status])).toEqual([
      [pending.body.order.id, 'closed'],
      [paid.id, 'paid'],
    ]);
    const breakage = await t.dataSource.query(
      "SELECT SUM(p.amount) AS n FROM points_postings p JOIN points_transactions x ON x.id = p.transaction_id WHERE x.source_type = 'account_closure' AND x.member_id = ? AND p.account_kind = 'breakage'",
      [m.id],
    );
    expect(Number(breakage[0].n)).toBe(520);
    // WeChat was told to close the prepay
    const remote = await t.http('GET', `/sandbox/wechat/pay/${pending.body.order.outTradeNo}`);
    expect(remote.body.trade_state).toBe('CLOSED');
    await invariantsOk();
    expect((await t.api('GET', '/admin/reports/settlement', { token: admin })).body.balanced).toBe(true);

    // the old token is dead everywhere, and the account is not found by phone any more
    expectEnvelope(await t.api('GET', '/me', { token: m.token }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await close(m.token), 401, 'UNAUTHENTICATED');
    expect((await t.api('GET', `/admin/members?q=${phone}`, { token: admin })).body.items).toEqual([]);
    const audit = await t.api('GET', `/admin/audit-log?memberId=${m.id}`, { token: admin });
    expect(audit.body.items[0]).toMatchObject({ action: 'account_closure', actor: { role: 'member' } });
    expectEnvelope(
      await t.api('POST', '/auth/login', { body: { code: await f.loginCode(openid) } }),
      404,
      'NOT_A_MEMBER',
    );

    // the same WeChat user joins again as a new member, with nothing of the old one
    const again = await joinWith(openid);
    expect(again.status).toBe(201);
    expect(again.body.member.id).not.toBe(m.id);
    expect(again.body.member).toMatchObject({ points: 0, nickname: null, phoneMasked: null });
    expect((await t.api('GET', '/me/coupons', { token: again.body.token })).body).toEqual([]);
    await invariantsOk();
  });

  it('refuses to close while an item paid partly in cash awaits pickup, changing nothing', async () => {
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 30_000);
    const item = await f.mallItem({ merchantId: shop.id, pointsPrice: 100, cashFen: 1_500, stock: 2 });
    const redeemed = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    const payment = (await t.api('GET', `/orders/${redeemed.body.paymentOrderId}`, { token: m.token })).body;
    await t.http('POST', `/sandbox/wechat/pay/${payment.outTradeNo}/confirm`);
    const before = (await t.api('GET', '/me/export', { token: m.token })).body;
    expect(before.mallOrders[0].status).toBe('awaiting_pickup');

    const refused = await close(m.token);
    expectEnvelope(refused, 409, 'PICKUP_PENDING');
    expect(refused.body.error.message).toContain('1 件含现金的兑换待取货');
    const after = (await t.api('GET', '/me/export', { token: m.token })).body;
    expect(after.mallOrders).toEqual(before.mallOrders);
    expect(after.member.points).toBe(before.member.points);

    // picked up, the account closes
    await t.api('POST', '/staff/pickups', {
      token: clerk.token,
      body: { pickupCode: before.mallOrders[0].pickupCode },
    });
    expect((await close(m.token)).status).toBe(200);
    await invariantsOk();
  });

  it('refuses a missing or wrong confirmation, other roles and no token, and changes nothing', async () => {
    const m = await f.member();
    const other = await f.member();
    await f.purchase(clerk.token, m.token, 10_000);
    for (const body of [
      {},
      { confirm: '注 销' },
      { confirm: 'yes' },
      { confirm: null },
      { confirm: '注销', x: 1 },
    ])
      expectEnvelope(await close(m.token, body), 400, 'VALIDATION_FAILED');
    expectEnvelope(await t.api('DELETE', '/me', { body: { confirm: '注销' } }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await close(clerk.token), 403, 'FORBIDDEN');
    expectEnvelope(await close(admin), 403, 'FORBIDDEN');
    expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(100);

    // a member's token closes that member only
    expect((await close(other.token)).status).toBe(200);
    expect((await t.api('GET', '/me', { token: m.token })).status).toBe(200);
    // the closed member's card code no longer scans
    expectEnvelope(await t.api('GET', '/me/export', { token: other.token }), 401);
    await invariantsOk();
  });
});
