import fc from 'fast-check';
import {
  addBusinessDays,
  businessDate,
  businessDateTime,
  businessDateTimeToRfc3339,
  businessDayRange,
  businessMonthRange,
  compactBusinessDate,
  compactBusinessDateTime,
  endOfNthMonthAfter,
  isoWeekday,
  monthDay,
  parseBusinessDate,
  parseInstant,
  toRfc3339Shanghai,
} from './calendar';

// China has kept one offset since 1991; before that it had summer time, which this calendar ignores.
const instants = fc.date({
  min: new Date('1992-01-01T00:00:00Z'),
  max: new Date('2199-12-31T00:00:00Z'),
  noInvalidDate: true,
});

/** An independent reading of the Shanghai calendar: the platform's time zone database. */
const tzdb = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});
function tzdbParts(at: Date): Record<string, string> {
  return Object.fromEntries(tzdb.formatToParts(at).map((p) => [p.type, p.value]));
}

describe('business dates', () => {
  it('reads the date in Shanghai, which is ahead of UTC by eight hours', () => {
    expect(businessDate(new Date('2026-11-30T15:59:59.999Z'))).toBe('2026-11-30');
    expect(businessDate(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(compactBusinessDate(new Date('2026-12-31T16:00:00Z'))).toBe('20270101');
    expect(businessDateTime(new Date('2026-11-24T08:15:59Z'))).toBe('2026-11-24 16:15');
    expect(compactBusinessDateTime(new Date('2026-11-24T08:15:07Z'))).toBe('20261124161507');
  });

  it('agrees with the time zone database on date, time and weekday', () => {
    const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    fc.assert(
      fc.property(instants, (at) => {
        const p = tzdbParts(at);
        expect(businessDate(at)).toBe(`${p.year}-${p.month}-${p.day}`);
        expect(toRfc3339Shanghai(at)).toBe(
          `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}+08:00`,
        );
        expect(isoWeekday(at)).toBe(weekdays.indexOf(p.weekday) + 1);
        expect(monthDay(at)).toBe(Number(p.day));
      }),
    );
  });

  it('parses only real calendar dates', () => {
    expect(parseBusinessDate('2026-12-01')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseBusinessDate('2028-02-29')?.toISOString()).toBe('2028-02-28T16:00:00.000Z');
    for (const bad of [
      '2026-02-30',
      '2027-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-01',
      '20261201',
      'yesterday',
      '',
    ]) {
      expect(parseBusinessDate(bad)).toBeNull();
    }
  });

  it('round-trips parseBusinessDate ∘ businessDate, landing on the day start', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const date = businessDate(at);
        const start = parseBusinessDate(date);
        expect(start).toEqual(businessDayRange(at).from);
        expect(businessDate(start!)).toBe(date);
      }),
    );
  });

  it('adds days across month and year ends', () => {
    expect(addBusinessDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addBusinessDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addBusinessDays('2026-11-24', 0)).toBe('2026-11-24');
    expect(() => addBusinessDays('2026-02-30', 1)).toThrow();
    fc.assert(
      fc.property(instants, fc.integer({ min: -1000, max: 1000 }), (at, days) => {
        const date = businessDate(at);
        const later = addBusinessDays(date, days);
        expect(parseBusinessDate(later)!.getTime() - parseBusinessDate(date)!.getTime()).toBe(
          days * 86_400_000,
        );
        expect(addBusinessDays(later, -days)).toBe(date);
      }),
    );
  });
});

describe('ranges', () => {
  it('makes a day of [00:00, next 00:00) in Shanghai', () => {
    const r = businessDayRange(new Date('2026-11-30T20:00:00Z'));
    expect(r.from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('makes a month of the Shanghai calendar', () => {
    const r = businessMonthRange(new Date('2026-01-31T16:30:00Z')); // already 1 February there
    expect(r.from.toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it('contains the instant, starts on its date, and tiles: one day or month ends where the next begins', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const day = businessDayRange(at);
        expect(day.from <= at && at < day.to).toBe(true);
        expect(businessDate(day.from)).toBe(businessDate(at));
        expect(businessDayRange(day.to).from).toEqual(day.to);
        expect(businessDayRange(new Date(day.to.getTime() - 1)).from).toEqual(day.from);

        const month = businessMonthRange(at);
        expect(month.from <= at && at < month.to).toBe(true);
        expect(businessDate(month.from)).toBe(`${businessDate(at).slice(0, 7)}-01`);
        expect(businessMonthRange(month.to).from).toEqual(month.to);
        expect(businessMonthRange(new Date(month.to.getTime() - 1)).from).toEqual(month.from);
      }),
    );
  });
});

describe('endOfNthMonthAfter', () => {
  it('is the start of the month after the n-th month on, in Shanghai', () => {
    expect(endOfNthMonthAfter(new Date('2026-11-01T00:00:00+08:00'), 12)).toEqual(
      new Date('2027-12-01T00:00:00+08:00'),
    );
    expect(endOfNthMonthAfter(new Date('2026-11-30T23:59:59+08:00'), 12)).toEqual(
      new Date('2027-12-01T00:00:00+08:00'),
    );
    expect(endOfNthMonthAfter(new Date('2026-12-15T00:00:00+08:00'), 0)).toEqual(
      new Date('2027-01-01T00:00:00+08:00'),
    );
  });

  it('is a month start, n + 1 months after the month of `at`, and never goes backwards', () => {
    const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
    fc.assert(
      fc.property(instants, instants, fc.nat(60), fc.nat(60), (a, b, n, m) => {
        const end = endOfNthMonthAfter(a, n);
        expect(end).toEqual(businessMonthRange(end).from);
        expect(months(businessDate(end)) - months(businessDate(a))).toBe(n + 1);
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(endOfNthMonthAfter(early, n) <= endOfNthMonthAfter(late, n)).toBe(true);
        expect(endOfNthMonthAfter(a, Math.min(n, m)) <= endOfNthMonthAfter(a, Math.max(n, m))).toBe(true);
      }),
    );
  });
});

describe('RFC 3339', () => {
  it("writes WeChat Pay's format, to the second", () => {
    expect(toRfc3339Shanghai(new Date('2026-11-24T08:15:00.999Z'))).toBe('2026-11-24T16:15:00+08:00');
    expect(businessDateTimeToRfc3339('2026-12-31', '23:59:59')).toBe('2026-12-31T23:59:59+08:00');
    expect(() => businessDateTimeToRfc3339('2026-02-30', '00:00:00')).toThrow();
    expect(() => businessDateTimeToRfc3339('2026-02-03', '24:00:00')).toThrow();
  });

  it('parses back to the same second', () => {
    fc.assert(
      fc.property(instants, (at) => {
        expect(parseInstant(toRfc3339Shanghai(at))!.getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);
        expect(parseInstant(at.toISOString())).toEqual(at);
      }),
    );
  });

  it('parses times with an explicit offset only', () => {
    expect(parseInstant('2026-11-24T16:15:00+08:00')).toEqual(new Date('2026-11-24T08:15:00Z'));
    expect(parseInstant('2026-11-24T08:15:00.5z')).toEqual(new Date('2026-11-24T08:15:00.500Z'));
    expect(parseInstant('2026-11-24T03:15-0500')).toEqual(new Date('2026-11-24T08:15:00Z'));
    for (const bad of [
      'yesterday',
      '2026-11-24',
      '2026-11-24T16:15:00',
      '2026-02-30T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T16:60:00Z',
      '2026-11-24T16:15:00+08:60',
      ' 2026-11-24T16:15:00Z',
      '',
    ]) {
      expect(parseInstant(bad)).toBeNull();
    }
  });
});
