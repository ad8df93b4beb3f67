import fc from 'fast-check';
import {
  fieldMappingProblems,
  isQuietHour,
  keywordValue,
  messageData,
  sendableAt,
} from './subscribe-messages';

const at = (iso: string) => new Date(iso);

describe('quiet hours (22:00–08:00 Asia/Shanghai)', () => {
  it('sends at once during the day, up to 21:59', () => {
    expect(sendableAt(at('2026-12-07T00:00:00Z'))).toEqual(at('2026-12-07T00:00:00Z')); // 08:00
    expect(sendableAt(at('2026-12-07T13:59:59Z'))).toEqual(at('2026-12-07T13:59:59Z')); // 21:59:59
  });
  it('waits from 22:00 until 08:00 the next morning', () => {
    expect(sendableAt(at('2026-12-07T14:00:00Z'))).toEqual(at('2026-12-08T00:00:00Z')); // 22:00
    expect(sendableAt(at('2026-12-07T15:59:00Z'))).toEqual(at('2026-12-08T00:00:00Z')); // 23:59
  });
  it('after midnight waits until 08:00 the same day', () => {
    expect(sendableAt(at('2026-12-07T16:00:00Z'))).toEqual(at('2026-12-08T00:00:00Z')); // 00:00
    expect(sendableAt(at('2026-12-07T23:59:59Z'))).toEqual(at('2026-12-08T00:00:00Z')); // 07:59:59
  });
  it('never answers a quiet time, never earlier than asked, at most 10 hours later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (t) => {
          const s = sendableAt(t);
          const hour = (s.getUTCHours() + 8) % 24;
          expect(hour >= 8 && hour < 22).toBe(true);
          expect(s.getTime()).toBeGreaterThanOrEqual(t.getTime());
          expect(s.getTime() - t.getTime()).toBeLessThanOrEqual(10 * 3_600_000);
          expect(isQuietHour(t)).toBe(s.getTime() !== t.getTime());
        },
      ),
    );
  });
});

describe('template keywords', () => {
  it('refuses a field the kind does not have and a keyword WeChat does not name so', () => {
    expect(fieldMappingProblems('coupon_expiring', { thing1: 'couponTitle', time2: 'validUntil' })).toEqual(
      [],
    );
    expect(fieldMappingProblems('coupon_expiring', { thing1: 'nickname' })).toEqual([
      'thing1: 字段 nickname 不存在',
    ]);
    expect(fieldMappingProblems('tier_upgraded', { title: 'tierName' })).toHaveLength(1);
  });
  it('shapes values for their keyword type within WeChat limits', () => {
    expect(keywordValue('thing1', '一二三四五六七八九十一二三四五六七八九十多余')).toHaveLength(20);
    expect(keywordValue('time2', at('2026-12-07T02:05:00Z'))).toBe('2026-12-07 10:05');
    expect(keywordValue('date3', at('2026-12-07T17:00:00Z'))).toBe('2026-12-08');
    expect(keywordValue('number4', 1234)).toBe('1234');
    expect(keywordValue('phrase5', '金卡会员等级')).toBe('金卡会员等');
  });
  it('fills data from the mapping, skipping values the cause does not have', () => {
    expect(
      messageData(
        { thing1: 'couponTitle', time2: 'validUntil', thing3: 'tip' },
        {
          couponTitle: '满50减10',
          validUntil: at('2026-12-10T15:59:59Z'),
        },
      ),
    ).toEqual({ thing1: { value: '满50减10' }, time2: { value: '2026-12-10 23:59' } });
  });
});
