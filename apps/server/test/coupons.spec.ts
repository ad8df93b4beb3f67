import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

describe(`coupons (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.dataSource.query(sql, params))[0].n);

  describe('templates', () => {
    it.each([
      ['满减 without a value', { kind: 'amount', thresholdFen: 1000, valueFen: undefined }, 'valueFen'],
      [
        '满减 whose threshold is below its value',
        { kind: 'amount', thresholdFen: 100, valueFen: 500 },
        'thresholdFen',
      ],
      ['no-threshold with a threshold', { kind: 'no_threshold', thresholdFen: 100 }, 'thresholdFen'],
      ['a discount without a rate', { kind: 'discount', valueFen: undefined }, 'discountPermille'],
      [
        'a discount rate of 1000‰',
        { kind: 'discount', valueFen: undefined, discountPermille: 1000 },
        'discountPermille',
      ],
      [
        'both validity modes',
        { validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-02-01T00:00:00Z' },
        'validDays',
      ],
      ['no validity', { validDays: undefined }, 'validDays'],
      [
        'fixed dates in the wrong order',
        { validDays: undefined, validFrom: '2030-02-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' },
        'validUntil',
      ],
      ['merchant-only without merchants', { usableAt: 'merchant' }, 'merchantIds'],
      ['a negative stock', { stock: -1 }, 'stock'],
      ['a fractional amount', { valueFen: 5.5 }, 'valueFen'],
      ['an unknown kind', { kind: 'free_lunch' }, 'kind'],
      ['a merchant issuer without its id', { issuer: { type: 'merchant' } }, 'issuer.merchantId'],
      ['an unknown tier', { minTierCode: 'platinum' }, 'minTierCode'],
    ])('rejects %s with a field error', async (_, overrides, field) => {
      const res = await t.api('POST', '/admin/coupon-templates', {
        token: admin,
        body: {
          title: 'x',
          kind: 'no_threshold',
          valueFen: 500,
          thresholdFen: 0,
          stock: 10,
          perMemberLimit: 1,
          validDays: 7,
          usableAt: 'alliance',
          issuer: { type: 'alliance' },
          ...overrides,
        },
      });
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('lets a merchant admin issue only its own merchant coupons', async () => {
      const a = await f.merchant();
      const b = await f.merchant();
      const boss = await f.staff(a.id, 'merchant_admin');
      const own = {
        usableAt: 'merchant',
        merchantIds: [a.id],
        issuer: { type: 'merchant', merchantId: a.id },
      };
      const created = await f.template(own, boss.token);
      expect(created).toMatchObject({
        usableAt: 'merchant',
        merchantIds: [a.id],
        issuer: { type: 'merchant', merchantId: a.id },
      });
      expectEnvelope(
        await t.api('POST', '/admin/coupon-templates', {
          token: boss.token,
          body: { ...templateBody(), ...own, merchantIds: [b.id] },
        }),
        403,
        'FORBIDDEN',
      );
      expectEnvelope(
        await t.api('POST', '/admin/coupon-templates', { token: boss.token, body: templateBody() }),
        403,
        'FORBIDDEN',
      );
      const clerk = await f.staff(a.id);
      expectEnvelope(
        await t.api('POST', '/admin/coupon-templates', {
          token: clerk.token,
          body: { ...templateBody(), ...own },
        }),
        403,
        'FORBIDDEN',
      );
      // Its list holds its own templates only; another merchant's template reads as not found.
      const other = await f.template();
      expect(
        (await t.api('GET', '/admin/coupon-templates', { token: boss.token })).body.map((x: any) => x.id),
      ).toEqual([created.id]);
      expectEnvelope(
        await t.api('PATCH', `/admin/coupon-templates/${other.id}`, {
          token: boss.token,
          body: { stock: 5 },
        }),
        404,
        'NOT_FOUND',
      );
    });

    it('never lowers stock below what was issued, and pauses claiming', async () => {
      const tpl = await f.template({ stock: 5, perMemberLimit: 1 });
      const m = await f.member();
      await f.claim(m.token, tpl.id);
      expectEnvelope(
        await t.api('PATCH', `/admin/coupon-templates/${tpl.id}`, { token: admin, body: { stock: 0 } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(
        (await t.api('PATCH', `/admin/coupon-templates/${tpl.id}`, { token: admin, body: { stock: 1 } }))
          .body,
      ).toMatchObject({ stock: 1, issued: 1, remaining: 0 });
      await t.api('PATCH', `/admin/coupon-templates/${tpl.id}`, { token: admin, body: { stock: 10 } });
      expect(
        (await t.api('POST', `/admin/coupon-templates/${tpl.id}/pause`, { token: admin })).body.status,
      ).toBe('paused');
      const other = await f.member();
      expectEnvelope(
        await t.api('POST', `/offers/${tpl.id}/claim`, { token: other.token }),
        422,
        'NOT_ELIGIBLE',
      );
      await t.api('POST', `/admin/coupon-templates/${tpl.id}/resume`, { token: admin });
      expect((await t.api('POST', `/offers/${tpl.id}/claim`, { token: other.token })).status).toBe(201);
    });
  });

  describe('join gifts and first-order coupons', () => {
    it('issues every active join gift inside the join, once', async () => {
      const gift = await f.template({
        title: '新人首单立减10元',
        valueFen: 1000,
        joinGift: true,
        firstOrderOnly: true,
        forwardable: false,
      });
      const openid = `o_gift_${f.unique()}`;
      const first = await t.api('POST', '/join', { body: { code: await f.loginCode(openid) } });
      expect(first.status).toBe(201);
      expect(first.body.coupons).toEqual([
        expect.objectContaining({
          templateId: gift.id,
          title: '新人首单立减10元',
          status: 'available',
          firstOrderOnly: true,
          valueFen: 1000,
        }),
      ]);
      const again = await t.api('POST', '/join', { body: { code: await f.loginCode(openid) } });
      expect(again.body.coupons).toEqual([]);
      expect(
        await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND member_id = ?', [
          gift.id,
          first.body.member.id,
        ]),
      ).toBe(1);
      expect(
        (await t.api('GET', '/me', { token: first.body.token })).body.couponCount,
      ).toBeGreaterThanOrEqual(1);
      // Join gifts are not offered for claiming.
      expect(
        (await t.api('GET', '/offers', { token: first.body.token })).body.map((o: any) => o.id),
      ).not.toContain(gift.id);
      await t.api('POST', `/admin/coupon-templates/${gift.id}/pause`, { token: admin });
    });

    it('names before joining what the join will give (GET /join-gifts), and only what would issue', async () => {
      const merchant = await f.merchant();
      const qr = await f.qrcode(merchant.id);
      const gift = await f.template({
        title: `入会礼 ${f.unique()}`,
        kind: 'amount',
        valueFen: 800,
        thresholdFen: 5000,
        joinGift: true,
        forwardable: false,
      });
      const soldOut = await f.template({ title: `抢光的入会礼 ${f.unique()}`, stock: 1, joinGift: true });
      await f.member(); // takes the last one
      const paused = await f.template({ title: `暂停的入会礼 ${f.unique()}`, joinGift: true });
      await t.api('POST', `/admin/coupon-templates/${paused.id}/pause`, { token: admin });
      const centre = await f.template({ title: `领券中心的券 ${f.unique()}` });

      const preview = await t.api('GET', `/join-gifts?scene=${qr.scene}`);
      expect(preview.status).toBe(200);
      const ids = preview.body.map((o: any) => o.id);
      expect(ids).toContain(gift.id);
      for (const absent of [soldOut.id, paused.id, centre.id]) expect(ids).not.toContain(absent);
      expect(preview.body.find((o: any) => o.id === gift.id)).toMatchObject({
        title: gift.title,
        description: '满50减8',
        valueFen: 800,
        thresholdFen: 5000,
        claimedByMe: 0,
      });
      // no scene, or one that is garbage, is the default alliance's join page: the same gifts
      expect((await t.api('GET', '/join-gifts')).body.map((o: any) => o.id)).toEqual(ids);
      expect((await t.api('GET', '/join-gifts?scene=%00%27')).body.map((o: any) => o.id)).toEqual(ids);

      // and the join issues exactly what was named
      const joined = await t.api('POST', '/join', {
        body: { code: await f.loginCode(`o_named_${f.unique()}`), scene: qr.scene },
      });
      expect(joined.body.coupons.map((c: any) => c.templateId).sort()).toEqual([...ids].sort());
      await t.api('POST', `/admin/coupon-templates/${gift.id}/pause`, { token: admin });
    });

    it('lets a visitor browse 领券中心 before joining (GET /offers/browse), as a newcomer would see it', async () => {
      const merchant = await f.merchant();
      const qr = await f.qrcode(merchant.id);
      const open = await f.template({
        title: `人人可领 ${f.unique()}`,
        kind: 'amount',
        valueFen: 800,
        thresholdFen: 5000,
      });
      const newbie = await f.template({ title: `新会员专享 ${f.unique()}`, audience: 'new_members' });
      const gold = await f.template({ title: `金卡专享 ${f.unique()}`, minTierCode: 'gold' });
      const issueOnly = await f.template({ title: `仅发放 ${f.unique()}`, channel: 'issue_only' });
      const gift = await f.template({ title: `入会礼 ${f.unique()}`, joinGift: true });

      const browse = await t.api('GET', `/offers/browse?scene=${qr.scene}`);
      expect(browse.status).toBe(200);
      const ids = browse.body.map((o: any) => o.id);
      expect(ids).toEqual(expect.arrayContaining([open.id, newbie.id]));
      for (const absent of [gold.id, issueOnly.id, gift.id]) expect(ids).not.toContain(absent);
      expect(browse.body.find((o: any) => o.id === open.id)).toMatchObject({
        description: '满50减8',
        claimedByMe: 0,
        remaining: 100,
      });
      // and it can name the merchants a coupon is used at, still without a token
      const merchants = await t.api('GET', `/merchants/browse?scene=${qr.scene}`);
      expect(merchants.status).toBe(200);
      expect(merchants.body.find((x: any) => x.id === merchant.id)).toMatchObject({ name: merchant.name });
      expect(merchants.body.every((x: any) => x.cardBenefits === undefined)).toBe(true);
      // a member's 领券中心 after joining offers the same coupons
      const m = await f.member({ scene: qr.scene });
      const offered = (await t.api('GET', '/offers', { token: m.token })).body.map((o: any) => o.id);
      expect(offered).toEqual(expect.arrayContaining([open.id, newbie.id]));
      expect(offered).not.toContain(gold.id);
      // browsing changes nothing and needs no token; a claim still does
      expectEnvelope(await t.api('POST', `/offers/${open.id}/claim`), 401, 'UNAUTHENTICATED');
      await t.api('POST', `/admin/coupon-templates/${gift.id}/pause`, { token: admin });
    });

    it('honours a first-order coupon only on the first purchase', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const tpl = await f.template({ valueFen: 1000, firstOrderOnly: true });
      const m = await f.member();
      const c1 = await f.claim(m.token, tpl.id);
      const later = await f.template({ valueFen: 300, firstOrderOnly: true });
      const c2 = await f.claim(m.token, later.id);
      const first = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), couponId: c1.id, amountFen: 3000 },
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        couponDiscountFen: 1000,
        payableFen: 2000,
        firstPurchase: true,
        coupon: { id: c1.id, status: 'used' },
      });
      const second = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), couponId: c2.id, amountFen: 3000 },
      });
      expectEnvelope(second, 422, 'FIRST_ORDER_ONLY');
      // the first purchase retired it: no longer in the wallet's usable list
      expect((await t.api('GET', `/me/coupons/${c2.id}`, { token: m.token })).body.status).toBe('void');
    });

    it('retires the first-order coupons a first purchase made without them, in its transaction', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const firstOrder = await f.template({ valueFen: 1000, firstOrderOnly: true });
      const ordinary = await f.template({ valueFen: 200 });
      const m = await f.member();
      const gift = await f.claim(m.token, firstOrder.id);
      const kept = await f.claim(m.token, ordinary.id);
      const before = (await t.api('GET', '/me', { token: m.token })).body;
      expect(before).toMatchObject({ hasPurchased: false });

      const recorded = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), amountFen: 3000 },
      });
      expect(recorded.status).toBe(201);
      expect(recorded.body.firstPurchase).toBe(true);

      const after = (await t.api('GET', '/me', { token: m.token })).body;
      expect(after).toMatchObject({ hasPurchased: true, couponCount: before.couponCount - 1 });
      const usable = (await t.api('GET', '/me/coupons?status=available', { token: m.token })).body;
      expect(usable.map((c: any) => c.id)).toEqual(expect.arrayContaining([kept.id]));
      expect(usable.map((c: any) => c.id)).not.toContain(gift.id);
      expect((await t.api('GET', `/me/coupons/${gift.id}`, { token: m.token })).body).toMatchObject({
        status: 'void',
        firstOrderOnly: true,
      });
      const lookup = await t.api('POST', '/staff/members/lookup', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token) },
      });
      expect(lookup.body.coupons.map((c: any) => c.id)).not.toContain(gift.id);
      // a second purchase changes nothing more
      const again = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), amountFen: 1000 },
      });
      expect(again.status).toBe(201);
      expect((await t.api('GET', `/me/coupons/${kept.id}`, { token: m.token })).body.status).toBe(
        'available',
      );
    });
  });

  describe('offers and claims', () => {
    it('lists claimable templates with remaining and claimedByMe, and hides new-member offers after a purchase', async () => {
      const tpl = await f.template({ stock: 3, perMemberLimit: 2 });
      const newbie = await f.template({ audience: 'new_members' });
      const m = await f.member();
      const before = (await t.api('GET', '/offers', { token: m.token })).body;
      expect(before.find((o: any) => o.id === tpl.id)).toMatchObject({
        remaining: 3,
        claimedByMe: 0,
        perMemberLimit: 2,
      });
      expect(before.map((o: any) => o.id)).toContain(newbie.id);
      await f.claim(m.token, tpl.id);
      const after = (await t.api('GET', '/offers', { token: m.token })).body;
      expect(after.find((o: any) => o.id === tpl.id)).toMatchObject({ remaining: 2, claimedByMe: 1 });

      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), amountFen: 1000 },
      });
      expect((await t.api('GET', '/offers', { token: m.token })).body.map((o: any) => o.id)).not.toContain(
        newbie.id,
      );
      expectEnvelope(
        await t.api('POST', `/offers/${newbie.id}/claim`, { token: m.token }),
        422,
        'NOT_ELIGIBLE',
      );
    });

    it('answers LIMIT_REACHED and OUT_OF_STOCK', async () => {
      const tpl = await f.template({ stock: 2, perMemberLimit: 1 });
      const a = await f.member();
      const b = await f.member();
      const c = await f.member();
      await f.claim(a.token, tpl.id);
      expectEnvelope(
        await t.api('POST', `/offers/${tpl.id}/claim`, { token: a.token }),
        409,
        'LIMIT_REACHED',
      );
      await f.claim(b.token, tpl.id);
      expectEnvelope(await t.api('POST', `/offers/${tpl.id}/claim`, { token: c.token }), 409, 'OUT_OF_STOCK');
      expectEnvelope(await t.api('POST', `/offers/999999/claim`, { token: c.token }), 404, 'NOT_FOUND');
      expectEnvelope(await t.api('POST', `/offers/abc/claim`, { token: c.token }), 404, 'NOT_FOUND');
    });

    it('replays a claim with the same Idempotency-Key and refuses the key for another request', async () => {
      const tpl = await f.template({ stock: 10, perMemberLimit: 5 });
      const other = await f.template();
      const m = await f.member();
      const key = `claim-${f.unique()}`;
      const first = await t.api('POST', `/offers/${tpl.id}/claim`, {
        token: m.token,
        headers: { 'idempotency-key': key },
      });
      const replay = await t.api('POST', `/offers/${tpl.id}/claim`, {
        token: m.token,
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [tpl.id])).toBe(1);
      expectEnvelope(
        await t.api('POST', `/offers/${other.id}/claim`, {
          token: m.token,
          headers: { 'idempotency-key': key },
        }),
        409,
        'IDEMPOTENCY_CONFLICT',
      );
      // Errors replay too, and a key is the caller's own: another member's same key is independent.
      const someoneElse = await f.member();
      expect(
        (
          await t.api('POST', `/offers/${tpl.id}/claim`, {
            token: someoneElse.token,
            headers: { 'idempotency-key': key },
          })
        ).status,
      ).toBe(201);
      expectEnvelope(
        await t.api('POST', `/offers/${tpl.id}/claim`, {
          token: m.token,
          headers: { 'idempotency-key': 'x'.repeat(65) },
        }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('wallet and expiry', () => {
    it('filters by status and reads past-due coupons as expired before the job settles them', async () => {
      const soon = await f.template({
        validDays: undefined,
        validFrom: new Date(Date.now() - 1000).toISOString(),
        validUntil: new Date(Date.now() + 1500).toISOString(),
      });
      const m = await f.member();
      const c = await f.claim(m.token, soon.id);
      expect(
        (await t.api('GET', '/me/coupons?status=available', { token: m.token })).body.map((x: any) => x.id),
      ).toContain(c.id);
      await new Promise((r) => setTimeout(r, 1700));
      const expired = (await t.api('GET', '/me/coupons?status=expired', { token: m.token })).body;
      expect(expired.map((x: any) => x.id)).toContain(c.id);
      const { CouponsJobs } = await import('../src/coupons/coupons.jobs');
      const settled = await t.app.get(CouponsJobs).settleExpiry();
      expect(settled.couponsExpired).toBeGreaterThanOrEqual(1);
      const [row] = await t.dataSource.query('SELECT status FROM coupons WHERE id = ?', [c.id]);
      expect(row.status).toBe('expired');
      expect((await t.app.get(CouponsJobs).settleExpiry()).couponsExpired).toBe(0);
      expectEnvelope(
        await t.api('GET', '/me/coupons?status=bogus', { token: m.token }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('forwarding', () => {
    it('moves a coupon to a friend who joins through the share, referred by the sender', async () => {
      const tpl = await f.template({ forwardable: true });
      const sender = await f.member();
      await t.api('PATCH', '/me', { token: sender.token, body: { nickname: '阿明' } });
      const c = await f.claim(sender.token, tpl.id);
      const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
      expect(share.status).toBe(201);
      expect(share.body.shareToken.length).toBeGreaterThanOrEqual(22);
      expect(share.body.path).toBe(`pages/share/index?token=${share.body.shareToken}`);
      expect((await t.api('GET', `/me/coupons/${c.id}`, { token: sender.token })).body.status).toBe(
        'sharing',
      );

      const preview = await t.api('GET', `/shares/${share.body.shareToken}`);
      expect(preview.body).toMatchObject({
        fromNickname: '阿明',
        status: 'open',
        coupon: { id: c.id, status: 'available' },
      });

      // The sender's own WeChat user cannot accept it.
      expectEnvelope(
        await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
          body: { code: await f.loginCode(sender.openid) },
        }),
        422,
        'CANNOT_ACCEPT_OWN',
      );

      const friendOpenid = `o_friend_${f.unique()}`;
      const accepted = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
        body: { code: await f.loginCode(friendOpenid) },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        newlyJoined: true,
        coupon: { id: c.id, status: 'available', forwardable: false },
      });
      const [friend] = await t.dataSource.query(
        'SELECT join_source, referrer_member_id FROM members WHERE openid = ?',
        [friendOpenid],
      );
      expect(friend.join_source).toBe('share');
      expect(String(friend.referrer_member_id)).toBe(sender.member.id);

      expect(
        (await t.api('GET', '/me/coupons', { token: sender.token })).body.map((x: any) => x.id),
      ).not.toContain(c.id);
      expect(
        (await t.api('GET', '/me/coupons', { token: accepted.body.token })).body.map((x: any) => x.id),
      ).toContain(c.id);
      expectEnvelope(
        await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
          body: { code: await f.loginCode(`o_${f.unique()}`) },
        }),
        409,
        'SHARE_USED',
      );
      // A received coupon is not forwarded again.
      expectEnvelope(
        await t.api('POST', `/me/coupons/${c.id}/share`, { token: accepted.body.token }),
        422,
        'NOT_FORWARDABLE',
      );
    });

    it('refuses non-forwardable coupons, other members’ coupons, and redemption while sharing; cancel returns it', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const locked = await f.template({ forwardable: false });
      const open = await f.template({ forwardable: true });
      const m = await f.member();
      const stranger = await f.member();
      const nf = await f.claim(m.token, locked.id);
      expectEnvelope(
        await t.api('POST', `/me/coupons/${nf.id}/share`, { token: m.token }),
        422,
        'NOT_FORWARDABLE',
      );
      const c = await f.claim(m.token, open.id);
      expectEnvelope(
        await t.api('POST', `/me/coupons/${c.id}/share`, { token: stranger.token }),
        404,
        'NOT_FOUND',
      );
      await t.api('POST', `/me/coupons/${c.id}/share`, { token: m.token });
      expectEnvelope(
        await t.api('POST', `/me/coupons/${c.id}/share`, { token: m.token }),
        409,
        'COUPON_NOT_AVAILABLE',
      );
      const redeem = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), couponId: c.id, amountFen: 1000 },
      });
      expectEnvelope(redeem, 409, 'COUPON_NOT_AVAILABLE');
      expectEnvelope(
        await t.api('DELETE', `/me/coupons/${c.id}/share`, { token: stranger.token }),
        404,
        'NOT_FOUND',
      );
      const cancelled = await t.api('DELETE', `/me/coupons/${c.id}/share`, { token: m.token });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('available');
      expectEnvelope(
        await t.api('DELETE', `/me/coupons/${c.id}/share`, { token: m.token }),
        409,
        'COUPON_NOT_AVAILABLE',
      );
      expectEnvelope(await t.api('GET', '/shares/not-a-real-token-at-all'), 404, 'NOT_FOUND');
    });

    it('returns an expired share to the sender', async () => {
      const tpl = await f.template({ forwardable: true });
      const m = await f.member();
      const c = await f.claim(m.token, tpl.id);
      const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: m.token });
      const { CouponShare } = await import('../src/coupons/coupon.entity');
      await t.dataSource
        .getRepository(CouponShare)
        .update({ token: share.body.shareToken }, { expiresAt: new Date(Date.now() - 1000) });
      expectEnvelope(
        await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
          body: { code: await f.loginCode(`o_${f.unique()}`) },
        }),
        409,
        'SHARE_EXPIRED',
      );
      const { CouponsJobs } = await import('../src/coupons/coupons.jobs');
      expect((await t.app.get(CouponsJobs).settleExpiry()).sharesReturned).toBeGreaterThanOrEqual(1);
      expect((await t.api('GET', `/me/coupons/${c.id}`, { token: m.token })).body.status).toBe('available');
      expect((await t.api('GET', `/shares/${share.body.shareToken}`)).body.status).toBe('expired');
    });

    it('joins with a share token through POST /join too', async () => {
      const tpl = await f.template({ forwardable: true });
      const m = await f.member();
      const c = await f.claim(m.token, tpl.id);
      const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: m.token });
      const joined = await t.api('POST', '/join', {
        body: { code: await f.loginCode(`o_${f.unique()}`), shareToken: share.body.shareToken },
      });
      expect(joined.status).toBe(201);
      expect(joined.body.coupons.map((x: any) => x.id)).toContain(c.id);
    });
  });

  describe('referral rewards', () => {
    it('rewards the sender once when the referred friend first buys', async () => {
      const reward = await f.template({ title: '拉新奖励券', valueFen: 800, stock: 50 });
      expect(
        (await t.api('PUT', '/admin/referral-rule', { token: admin, body: { rewardTemplateId: reward.id } }))
          .body,
      ).toMatchObject({ rewardTemplateId: reward.id });
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const sender = await f.member();
      const c = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
      const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
      const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
        body: { code: await f.loginCode(`o_${f.unique()}`) },
      });
      const rewards = () =>
        count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND member_id = ?', [
          reward.id,
          sender.member.id,
        ]);
      expect(await rewards()).toBe(0);
      for (let i = 0; i < 2; i++) {
        const r = await t.api('POST', '/staff/redemptions', {
          token: clerk.token,
          body: { memberCode: await f.memberCode(friend.body.token), amountFen: 2000 },
        });
        expect(r.status).toBe(201);
      }
      expect(await rewards()).toBe(1);
      await t.api('PUT', '/admin/referral-rule', { token: admin, body: { rewardTemplateId: null } });
    });

    it('issues an issue-only reward coupon that 领券中心 never offers, and tells the sender on GET /me', async () => {
      const reward = await f.template({ title: '拉新奖励·仅发放', valueFen: 500, channel: 'issue_only' });
      expect(reward.channel).toBe('issue_only');
      await t.api('PUT', '/admin/referral-rule', {
        token: admin,
        body: { rewardTemplateId: reward.id, rewardPoints: 50 },
      });
      const clerk = await f.staff((await f.merchant()).id);
      const sender = await f.member();
      // not offered, not claimable: only issued
      expect(
        (await t.api('GET', '/offers', { token: sender.token })).body.map((o: any) => o.id),
      ).not.toContain(reward.id);
      expectEnvelope(
        await t.api('POST', `/offers/${reward.id}/claim`, { token: sender.token }),
        404,
        'NOT_FOUND',
      );
      expect((await t.api('GET', '/me', { token: sender.token })).body.referralReward).toBeNull();

      const referFriend = async () => {
        const c = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
        const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: sender.token });
        const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
          body: { code: await f.loginCode(`o_${f.unique()}`) },
        });
        const bought = await t.api('POST', '/staff/redemptions', {
          token: clerk.token,
          body: { memberCode: await f.memberCode(friend.body.token), amountFen: 2000 },
        });
        expect(bought.status).toBe(201);
      };
      await referFriend();
      const told = (await t.api('GET', '/me', { token: sender.token })).body.referralReward;
      expect(told).toMatchObject({ points: 50, coupon: { title: '拉新奖励·仅发放' } });
      expect(
        (await t.api('GET', `/me/coupons/${told.coupon.id}`, { token: sender.token })).body,
      ).toMatchObject({
        templateId: reward.id,
        status: 'available',
      });

      // paused, it issues nothing: the sender gets the points, and the card tells only those
      await t.api('POST', `/admin/coupon-templates/${reward.id}/pause`, { token: admin });
      await referFriend();
      const second = (await t.api('GET', '/me', { token: sender.token })).body.referralReward;
      expect(second).toMatchObject({ points: 50, coupon: null });
      expect(Date.parse(second.at)).toBeGreaterThanOrEqual(Date.parse(told.at));
      expect(
        await count('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND member_id = ?', [
          reward.id,
          sender.member.id,
        ]),
      ).toBe(1);
      await t.api('PUT', '/admin/referral-rule', {
        token: admin,
        body: { rewardTemplateId: null, rewardPoints: 0 },
      });
    });
  });

  describe('counter redemption', () => {
    it('redeems only where the coupon is usable, past its threshold, for the member of the code', async () => {
      const a = await f.merchant();
      const b = await f.merchant();
      const clerkA = await f.staff(a.id);
      const clerkB = await f.staff(b.id);
      const tpl = await f.template({
        kind: 'amount',
        valueFen: 2000,
        thresholdFen: 10000,
        usableAt: 'merchant',
        merchantIds: [a.id],
      });
      const m = await f.member();
      const other = await f.member();
      const c = await f.claim(m.token, tpl.id);

      const lookupB = await t.api('POST', '/staff/members/lookup', {
        token: clerkB.token,
        body: { memberCode: await f.memberCode(m.token) },
      });
      expect(lookupB.body.coupons.map((x: any) => x.id)).not.toContain(c.id);
      const lookupA = await t.api('POST', '/staff/members/lookup', {
        token: clerkA.token,
        body: { memberCode: await f.memberCode(m.token) },
      });
      expect(lookupA.body.coupons.map((x: any) => x.id)).toContain(c.id);

      const redeem = (token: string, memberToken: string, body: object) =>
        f
          .memberCode(memberToken)
          .then((memberCode) =>
            t.api('POST', '/staff/redemptions', { token, body: { memberCode, ...body } }),
          );
      expectEnvelope(
        await redeem(clerkB.token, m.token, { couponId: c.id, amountFen: 20000 }),
        422,
        'COUPON_NOT_USABLE_HERE',
      );
      expectEnvelope(
        await redeem(clerkA.token, m.token, { couponId: c.id, amountFen: 9999 }),
        422,
        'THRESHOLD_NOT_MET',
      );
      expectEnvelope(
        await redeem(clerkA.token, other.token, { couponId: c.id, amountFen: 20000 }),
        404,
        'NOT_FOUND',
      );
      expectEnvelope(await redeem(clerkA.token, m.token, {}), 400, 'VALIDATION_FAILED');
      const ok = await redeem(clerkA.token, m.token, { couponId: c.id, amountFen: 12000 });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        couponDiscountFen: 2000,
        payableFen: 10000,
        coupon: { id: c.id, status: 'used' },
        pointsEarned: 100,
      });
      expectEnvelope(
        await redeem(clerkA.token, m.token, { couponId: c.id, amountFen: 12000 }),
        409,
        'COUPON_NOT_AVAILABLE',
      );
      expect(
        (await t.api('GET', '/me/coupons?status=used', { token: m.token })).body.map((x: any) => x.id),
      ).toContain(c.id);
    });

    it('replays a redemption with the same Idempotency-Key', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const m = await f.member();
      const memberCode = await f.memberCode(m.token);
      const headers = { 'idempotency-key': `r-${f.unique()}` };
      const one = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        headers,
        body: { memberCode, amountFen: 1500 },
      });
      const two = await t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        headers,
        body: { memberCode, amountFen: 1500 },
      });
      expect(two.body).toEqual(one.body);
      expect(await count('SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ?', [m.member.id])).toBe(1);
      expectEnvelope(
        await t.api('POST', '/staff/redemptions', {
          token: clerk.token,
          headers,
          body: { memberCode, amountFen: 1600 },
        }),
        409,
        'IDEMPOTENCY_CONFLICT',
      );
    });
  });

  it('reports the coupon invariants as holding', async () => {
    const res = await t.api('GET', '/admin/invariants', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.checks.map((c: any) => c.name.slice(0, 2))).toEqual([
      '1.',
      '2.',
      '3.',
      '7.',
      '4.',
      '6.',
      '6.',
      'ou',
      'st',
    ]);
    expect(res.body).toMatchObject({ ok: true });
  });
});

function templateBody() {
  return {
    title: 'x',
    kind: 'no_threshold',
    valueFen: 500,
    thresholdFen: 0,
    stock: 10,
    perMemberLimit: 1,
    validDays: 7,
    usableAt: 'alliance',
    issuer: { type: 'alliance' },
  };
}

describe(`coupon details for the phone (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('shows the open share link of a coupon being forwarded, and hides spent first-order coupons from the clerk', async () => {
    const m = await f.member();
    const c = await f.claim(m.token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${c.id}/share`, { token: m.token });
    expect((await t.api('GET', `/me/coupons/${c.id}`, { token: m.token })).body.share).toEqual(share.body);

    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const first = await f.claim(m.token, (await f.template({ firstOrderOnly: true })).id);
    const lookup = async () =>
      (
        await t.api('POST', '/staff/members/lookup', {
          token: clerk.token,
          body: { memberCode: await f.memberCode(m.token) },
        })
      ).body.coupons.map((x: any) => x.id);
    expect(await lookup()).toContain(first.id);
    await f.purchase(clerk.token, m.token, 1_000);
    expect(await lookup()).not.toContain(first.id);
  });
});
