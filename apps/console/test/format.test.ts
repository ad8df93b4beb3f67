import { formatLastDay } from '../src/lib/format';

describe('formatLastDay', () => {
  it('is the Shanghai day before an end at midnight, and the same day for an end within it', () => {
    expect(formatLastDay('2027-07-01T00:00:00+08:00')).toBe('2027-06-30');
    expect(formatLastDay('2027-06-30T16:00:00Z')).toBe('2027-06-30');
    // 20:00 in Shanghai on the 30th, whatever the machine's zone
    expect(formatLastDay('2027-06-30T12:00:00Z')).toBe('2027-06-30');
    expect(formatLastDay('2027-06-30T16:00:00.001Z')).toBe('2027-07-01');
  });

  it('shows a dash for what is not a time', () => {
    expect(formatLastDay('soon')).toBe('—');
  });
});
