import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  issueMemberCode,
  MEMBER_CODE_WINDOW_SECONDS,
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
});
