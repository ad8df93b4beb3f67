import { businessMonthRange, InstantRange, parseBusinessDate, parseInstant } from '@allycard/domain';
import { validationFailed } from '../common/errors';

/**
 * A report's period from the query: `from` inclusive, `to` exclusive, each a business date in
 * Asia/Shanghai ('2026-11-01') or an ISO-8601 time with an offset; by default the current business
 * month, and a `from` alone runs to the end of its month.
 */
export function reportPeriod(from?: string, to?: string, now = new Date()): InstantRange {
  const parse = (value: string, field: string) => {
    const at = parseBusinessDate(value) ?? parseInstant(value);
    if (!at)
      throw validationFailed([{ field, message: 'must be YYYY-MM-DD or an ISO-8601 time with an offset' }]);
    return at;
  };
  const start = from ? parse(from, 'from') : businessMonthRange(now).from;
  const end = to ? parse(to, 'to') : businessMonthRange(start).to;
  if (end <= start) throw validationFailed([{ field: 'to', message: 'must be after from' }]);
  return { from: start, to: end };
}
