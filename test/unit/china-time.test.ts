/** Months as the town counts them: China Standard Time (UTC+8), whatever the server's zone. */
import { isMonthKey, monthBounds, monthOf, monthsUpTo, previousMonth, yearStart } from '../../src/dashboard/china-time';

describe('China-time months', () => {
  it('put 16:30 UTC on 31 October in November (00:30 on 1 November in China)', () => {
    expect(monthOf(new Date('2026-10-31T16:30:00Z'))).toBe('2026-11');
    expect(monthOf(new Date('2026-10-31T15:59:59Z'))).toBe('2026-10');
  });

  it('bound a month by midnight China time, December into January included', () => {
    expect(monthBounds('2026-10')).toEqual({ start: new Date('2026-09-30T16:00:00Z'), end: new Date('2026-10-31T16:00:00Z') });
    expect(monthBounds('2026-12').end).toEqual(new Date('2026-12-31T16:00:00Z'));
    expect(yearStart(new Date('2026-12-31T17:00:00Z'))).toEqual(new Date('2026-12-31T16:00:00Z'));
  });

  it('count months back across a year, and refuse what is not a month', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(monthsUpTo('2027-02', 4)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(isMonthKey('2026-13')).toBe(false);
    expect(isMonthKey('2026-1')).toBe(false);
    expect(() => monthBounds('October')).toThrow(/2026-10/);
  });
});
