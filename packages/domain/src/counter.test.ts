import fc from 'fast-check';
import {
  COUNTER_VOID_ADMIN_WINDOW_MS,
  COUNTER_VOID_CLERK_WINDOW_MS,
  counterVoidDeadline,
  counterVoidRefusal,
} from './counter';

const at = new Date('2026-12-07T02:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

describe('counterVoidRefusal', () => {
  it('lets a clerk void within 30 minutes, then only the merchant admin', () => {
    expect(counterVoidRefusal('clerk', at, later(COUNTER_VOID_CLERK_WINDOW_MS - 1))).toBeNull();
    expect(counterVoidRefusal('clerk', at, later(COUNTER_VOID_CLERK_WINDOW_MS))).toEqual({
      code: 'APPROVAL_REQUIRED',
      status: 403,
      message: '超过30分钟的记录需由店长撤销',
    });
    expect(counterVoidRefusal('merchant_admin', at, later(COUNTER_VOID_CLERK_WINDOW_MS))).toBeNull();
  });
  it('closes for everyone after 7 days', () => {
    expect(counterVoidRefusal('merchant_admin', at, later(COUNTER_VOID_ADMIN_WINDOW_MS - 1))).toBeNull();
    for (const role of ['clerk', 'merchant_admin'] as const)
      expect(counterVoidRefusal(role, at, later(COUNTER_VOID_ADMIN_WINDOW_MS))?.code).toBe(
        'VOID_WINDOW_PASSED',
      );
  });
  it('refuses exactly from the deadline on', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('clerk' as const, 'merchant_admin' as const),
        fc.integer({ min: -1e9, max: 1e9 }),
        (role, ms) => {
          const refused = counterVoidRefusal(role, at, later(ms)) !== null;
          expect(refused).toBe(later(ms) >= counterVoidDeadline(role, at));
        },
      ),
    );
  });
});
