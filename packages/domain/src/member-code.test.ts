import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  issueMemberCode,
  MEMBER_CODE_MAX_LENGTH,
  MEMBER_CODE_MIN_LENGTH,
  MEMBER_CODE_WINDOW_SECONDS,
  memberCodeProblem,
  parseMemberCode,
  verifyMemberCode,
} from './member-code';

const mac = (key: string) => (message: string) => createHmac('sha256', key).update(message).digest();
const serverMac = mac('server-secret');
const t0 = new Date('2026-11-24T10:00:05Z');
const seconds = (s: number) => new Date(t0.getTime() + s * 1000);

describe('member codes', () => {
  it('verify within their lifetime and name the member', () => {
    const { code, expiresAt } = issueMemberCode(serverMac, '1', '42', t0);
    expect(verifyMemberCode(serverMac, '1', code, t0)).toEqual({ ok: true, memberId: '42' });
    const lifetime = (expiresAt.getTime() - t0.getTime()) / 1000;
    expect(lifetime).toBeGreaterThan(MEMBER_CODE_WINDOW_SECONDS);
    expect(lifetime).toBeLessThanOrEqual(60);
    expect(verifyMemberCode(serverMac, '1', code, seconds(lifetime - 1)).ok).toBe(true);
  });

  it('expire: a screenshot goes stale after at most 60 s', () => {
    const { code, expiresAt } = issueMemberCode(serverMac, '1', '42', t0);
    expect(verifyMemberCode(serverMac, '1', code, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyMemberCode(serverMac, '1', code, seconds(3600))).toEqual({ ok: false, reason: 'expired' });
  });

  it('cannot be forged without the key, nor moved to another member or alliance', () => {
    const { code } = issueMemberCode(mac('attacker'), '1', '42', t0);
    expect(verifyMemberCode(serverMac, '1', code, t0)).toEqual({ ok: false, reason: 'invalid' });
    const genuine = issueMemberCode(serverMac, '1', '42', t0).code;
    expect(verifyMemberCode(serverMac, '2', genuine, t0)).toEqual({ ok: false, reason: 'invalid' });
    const otherMember = genuine.slice(0, 14) + '43';
    expect(verifyMemberCode(serverMac, '1', otherMember, t0)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects malformed input', () => {
    for (const bad of ['', 'abc', '123', '00000000000000', '000000000000000', '1234567890123401x']) {
      expect(verifyMemberCode(serverMac, '1', bad, t0)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('round-trips any member id at any time', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (id, epochSeconds) => {
          const now = new Date(epochSeconds * 1000);
          const { code } = issueMemberCode(serverMac, '7', String(id), now);
          expect(parseMemberCode(code)?.memberId).toBe(String(id));
          expect(verifyMemberCode(serverMac, '7', code, now)).toEqual({ ok: true, memberId: String(id) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tells the clerk what is wrong with a typed code that cannot be one, before any request', () => {
    const short = `会员码应为 ${MEMBER_CODE_MIN_LENGTH} 位以上数字，请让顾客刷新后重扫`;
    expect(MEMBER_CODE_MIN_LENGTH).toBe(15);
    for (const bad of ['', '123', '12345678901234', '1234567890123x5', '1234 5678901234']) {
      expect(memberCodeProblem(bad)).toBe(short);
    }
    expect(memberCodeProblem('1'.repeat(MEMBER_CODE_MAX_LENGTH + 1))).toBe(
      `会员码最多 ${MEMBER_CODE_MAX_LENGTH} 位数字，请让顾客刷新后重扫`,
    );
    // the member id never starts with 0
    expect(memberCodeProblem('123456789012340')).toBe('会员码有误，请让顾客刷新后重扫');
  });

  it('finds no problem in any code it issues', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 20n - 1n }),
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (id, now) => {
          const { code } = issueMemberCode(serverMac, '7', String(id), now);
          expect(code.length).toBeGreaterThanOrEqual(MEMBER_CODE_MIN_LENGTH);
          expect(code.length).toBeLessThanOrEqual(MEMBER_CODE_MAX_LENGTH);
          expect(memberCodeProblem(code)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });
});
