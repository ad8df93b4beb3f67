import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/** Concurrent requests against the running server; the invariant is then read from the database. */
describe(`join races (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('50 parallel joins of one WeChat user make exactly one member', async () => {
    const openid = `o_race_${f.unique()}`;
    const codes = await Promise.all(Array.from({ length: 50 }, () => f.loginCode(openid)));
    const results = await Promise.all(codes.map((code) => t.api('POST', '/join', { body: { code } })));

    expect(results.map((r) => r.status).sort()).toEqual([...Array(49).fill(200), 201].sort());
    expect(results.filter((r) => r.body.newlyJoined)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.member.id)).size).toBe(1);
    const rows = await t.dataSource.query('SELECT COUNT(*) AS n FROM members WHERE openid = ?', [openid]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('50 different users joining at once get 50 distinct, valid card numbers', async () => {
    const openids = Array.from({ length: 50 }, (_, i) => `o_many_${i}_${f.unique()}`);
    const codes = await Promise.all(openids.map((o) => f.loginCode(o)));
    const results = await Promise.all(codes.map((code) => t.api('POST', '/join', { body: { code } })));
    expect(results.every((r) => r.status === 201)).toBe(true);

    const { isValidCardNumber } = await import('@allycard/domain');
    const rows: { card_no: string }[] = await t.dataSource.query(
      `SELECT card_no FROM members WHERE openid IN (${openids.map(() => '?').join(',')})`,
      openids,
    );
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.card_no)).size).toBe(50);
    expect(rows.every((r) => isValidCardNumber(r.card_no))).toBe(true);
  });

  it('parallel profile updates leave the member consistent (last write wins, nothing lost or duplicated)', async () => {
    const m = await f.member();
    const names = Array.from({ length: 20 }, (_, i) => `会员${i}`);
    const results = await Promise.all(
      names.map((nickname) => t.api('PATCH', '/me', { token: m.token, body: { nickname } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const rows = await t.dataSource.query('SELECT nickname FROM members WHERE id = ?', [m.member.id]);
    expect(rows).toHaveLength(1);
    expect(names).toContain(rows[0].nickname);
  });
});
