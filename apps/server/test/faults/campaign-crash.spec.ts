import { DataSource } from 'typeorm';
import { SANDBOX_MESSAGE_TEMPLATES } from '../../src/messages/sandbox-templates';
import { factories } from '../factories';
import { createTestDatabase, httpClient, TEST_DB } from '../harness';
import { startServerProcess } from './server-process';

const DAY_MS = 86_400_000;

const OFFER = 'sandbox-campaign-offer';

/**
 * Issue 12: the server is SIGKILLed in the middle of a campaign's batch (after its 7th target); a new
 * server on the same database goes on where it stopped: each target ends with exactly one coupon and
 * the holdout with none, and the campaign's message reaches each subscribed target exactly once
 * (none to the others), however the batches fell around the crash.
 */
describe(`a campaign launch killed mid-batch and resumed by a restarted server (${TEST_DB})`, () => {
  jest.setTimeout(120_000);
  let db: { url: string; drop: () => Promise<void> };
  let sql: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (sql?.isInitialized) await sql.destroy();
    await db.drop();
  });

  async function rows(query: string, params: unknown[] = []) {
    sql ??= new DataSource(
      db.url.startsWith('sqlite:')
        ? { type: 'better-sqlite3', database: db.url.slice('sqlite:'.length) }
        : { type: 'mysql', url: db.url, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' },
    );
    if (!sql.isInitialized) await sql.initialize();
    return sql.query(query, params);
  }
  const storedTime = (d: Date) =>
    db.url.startsWith('sqlite:') ? d.toISOString().replace('T', ' ').replace('Z', '') : d;

  it('reaches every target exactly once across the crash; the holdout gets nothing', async () => {
    let campaignId = '';
    let templateId = '';
    /** member ids of those who accepted the campaign's message template once */
    const subscribed = new Set<string>();
    // messages due at once, whatever hour the suite runs
    const doomed = await startServerProcess({
      databaseUrl: db.url,
      env: { JOBS: 'on', FAULT_INJECT: 'campaign-after:7', QUIET_HOURS: 'false' },
    });
    try {
      const { api, http } = httpClient(doomed.baseUrl);
      const f = factories({ api, http });
      const admin = await f.adminToken();
      const shop = await f.merchant();
      const clerk = await f.staff(shop.id);
      const put = await api('PUT', '/admin/message-templates', {
        token: admin,
        body: { templates: SANDBOX_MESSAGE_TEMPLATES.filter((setting) => setting.templateId === OFFER) },
      });
      expect(put.status).toBe(200);
      for (let i = 0; i < 20; i++) {
        const m = await f.member();
        await f.purchase(clerk.token, m.token, 1_000);
        if (i % 2) continue;
        const accepted = await api('POST', '/me/subscriptions', {
          token: m.token,
          body: { results: { [OFFER]: 'accept' } },
        });
        expect(accepted.status).toBe(200);
        subscribed.add(String(m.member.id));
      }
      // their purchases were 70 days ago: dormant by the default policy
      await rows('UPDATE redemptions SET created_at = ?', [storedTime(new Date(Date.now() - 70 * DAY_MS))]);
      templateId = (await f.template({ channel: 'issue_only', stock: 100 })).id;
      const segment = await api('POST', '/admin/segments', {
        token: admin,
        body: { name: '沉睡会员', filter: { lifecycle: ['dormant'] } },
      });
      expect(segment.body.count).toBe(20);
      const created = await api('POST', '/admin/campaigns', {
        token: admin,
        body: {
          name: '唤醒',
          segmentId: segment.body.id,
          action: { type: 'coupon', templateId },
          holdoutPermille: 200,
          message: {
            templateId: OFFER,
            page: 'coupon/mine/index',
            data: {
              thing1: { value: '沉睡唤醒' },
              thing2: { value: '满 100 减 20 券' },
              thing3: { value: '回来看看吧' },
            },
          },
        },
      });
      campaignId = created.body.id;
      const launched = await api('POST', `/admin/campaigns/${campaignId}/launch`, { token: admin });
      expect(launched.body).toMatchObject({ status: 'running', targeted: 16, holdout: 4 });
      // the job picks it up within 5 s and dies after its 7th target
      expect(await doomed.wait()).toBe('SIGKILL');
    } finally {
      await doomed.kill();
    }
    const states = async () =>
      Object.fromEntries(
        (
          await rows(
            'SELECT status, COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? GROUP BY status',
            [campaignId],
          )
        ).map((r: any) => [r.status, Number(r.n)]),
      );
    expect(await states()).toEqual({ issued: 7, pending: 9, held_out: 4 });
    expect(
      Number((await rows('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [templateId]))[0].n),
    ).toBe(7);

    // the dead holder's lease would run out within 30 s; let it run out now instead of waiting
    await rows('UPDATE job_leases SET expires_at = ? WHERE name = ?', [storedTime(new Date(0)), 'campaigns']);
    const restarted = await startServerProcess({
      databaseUrl: db.url,
      env: { JOBS: 'on', QUIET_HOURS: 'false' },
    });
    try {
      const { api } = httpClient(restarted.baseUrl);
      const admin = (await api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } }))
        .body.token;
      const deadline = Date.now() + 30_000;
      let status = '';
      while (status !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        status = (await api('GET', `/admin/campaigns/${campaignId}`, { token: admin })).body.status;
      }
      expect(status).toBe('completed');
      const report = await api('GET', `/admin/campaigns/${campaignId}/report`, { token: admin });
      expect(report.body).toMatchObject({ targeted: 16, holdout: 4, issued: 16 });
    } finally {
      await restarted.kill();
    }
    const perMember = await rows(
      `SELECT t.holdout, (SELECT COUNT(*) FROM coupons c WHERE c.member_id = t.member_id AND c.template_id = ?) AS n
       FROM campaign_targets t WHERE t.campaign_id = ?`,
      [templateId, campaignId],
    );
    expect(perMember.filter((r: any) => Number(r.holdout)).map((r: any) => Number(r.n))).toEqual([
      0, 0, 0, 0,
    ]);
    expect(perMember.filter((r: any) => !Number(r.holdout)).map((r: any) => Number(r.n))).toEqual(
      Array(16).fill(1),
    );
    const [template] = await rows('SELECT issued FROM coupon_templates WHERE id = ?', [templateId]);
    expect(Number(template.issued)).toBe(16);

    // the message: one per subscribed target (its one consent used), none to the others or the holdout;
    // decided once by the server (queued, then sent — or refused 43101 by the restarted server's
    // sandbox, which keeps the consents it was told of in memory and so never heard of them)
    const messages = await rows(
      `SELECT t.member_id, t.holdout, t.messaged_at,
              (SELECT COUNT(*) FROM sent_messages m WHERE m.member_id = t.member_id AND m.status <> 'skipped') AS queued,
              (SELECT COUNT(*) FROM outbox o JOIN sent_messages m ON o.dedupe_key = ${
                db.url.startsWith('sqlite:') ? "'message:' || m.id" : "CONCAT('message:', m.id)"
              } WHERE m.member_id = t.member_id) AS outbox,
              (SELECT remaining FROM message_subscriptions s WHERE s.member_id = t.member_id) AS remaining
         FROM campaign_targets t WHERE t.campaign_id = ?`,
      [campaignId],
    );
    const reached = (r: any) => subscribed.has(String(r.member_id)) && !Number(r.holdout);
    expect(messages.filter(reached).length).toBeGreaterThan(0);
    for (const r of messages)
      expect({
        member: String(r.member_id),
        queued: Number(r.queued),
        outbox: Number(r.outbox),
        messaged: r.messaged_at !== null,
        remaining: r.remaining === null ? null : Number(r.remaining),
      }).toEqual({
        member: String(r.member_id),
        queued: reached(r) ? 1 : 0,
        outbox: reached(r) ? 1 : 0,
        messaged: reached(r),
        remaining: subscribed.has(String(r.member_id)) ? (reached(r) ? 0 : 1) : null,
      });
  });
});
