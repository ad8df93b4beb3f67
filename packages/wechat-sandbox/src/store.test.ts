import { SingleUseCodes, randomCode } from './store';
import { FakeClock, MINUTE } from './test-support';

describe('randomCode', () => {
  it('is url-safe with at least 96 random bits, and never repeats', () => {
    const codes = new Set(Array.from({ length: 1000 }, randomCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });
});

describe('SingleUseCodes', () => {
  function make() {
    const clock = new FakeClock();
    return { clock, codes: new SingleUseCodes<string>(5 * MINUTE, clock.now) };
  }

  it('gives the value once, then reports the code as used', () => {
    const { codes } = make();
    const code = codes.issue('alice');
    expect(codes.take(code)).toEqual({ status: 'ok', value: 'alice' });
    expect(codes.take(code)).toEqual({ status: 'used' });
  });

  it('does not know codes it never issued', () => {
    expect(make().codes.take('nope')).toEqual({ status: 'unknown' });
  });

  it('forgets a code at its expiry, used or not', () => {
    const { clock, codes } = make();
    const fresh = codes.issue('alice');
    const used = codes.issue('bob');
    codes.take(used);
    clock.advance(5 * MINUTE - 1);
    expect(codes.take(used)).toEqual({ status: 'used' });
    clock.advance(1);
    expect(codes.take(fresh)).toEqual({ status: 'unknown' });
    expect(codes.take(used)).toEqual({ status: 'unknown' });
  });

  it('purges expired codes as new ones are issued, so memory stays bounded', () => {
    const { clock, codes } = make();
    for (let i = 0; i < 1000; i++) codes.issue(`user${i}`);
    expect(codes.size).toBe(1000);
    clock.advance(6 * MINUTE);
    codes.issue('late');
    expect(codes.size).toBe(1);
  });
});
