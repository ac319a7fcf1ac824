/**
 * Working-day arithmetic (src/workflows/working-days.ts) on the real Chinese holiday calendar of the
 * `chinese-days` library (src/policy/holiday-calendar.ts). 2026 as the State Council published it:
 * Spring Festival 2026-02-15..23 off, Saturday 02-14 and Saturday 02-28 worked; Mid-Autumn 09-25 off;
 * National Day 10-01..07 off, Sunday 09-20 and Saturday 10-10 worked.
 */
import { holidayCalendar } from '../../src/policy/holiday-calendar';
import { addWorkingDays, isWorkingDay, shanghaiDay, wholeDays } from '../../src/workflows/working-days';

const calendar = holidayCalendar(new Date('2026-01-05T00:00:00+08:00'));
/** 24:00 Asia/Shanghai at the end of the day, as an ISO instant. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();
const at = (text: string) => Date.parse(text);

describe('the holiday calendar from chinese-days', () => {
  it('is plain data naming its source, with the adjusted workdays and the weekday holidays of 2026', () => {
    expect(calendar.source).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
    expect(calendar.years).toContain(2026);
    expect(calendar.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-02-16', '2026-02-23', '2026-09-25']));
    expect(calendar.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10', '2026-02-14', '2026-02-28']));
    expect(JSON.parse(JSON.stringify(calendar))).toEqual(calendar);
  });

  it('leaves out a year the library does not know yet: its days count Monday to Friday', () => {
    const later = holidayCalendar(new Date('2099-06-01T00:00:00Z'));
    expect(later.years).toEqual([]);
    expect(isWorkingDay(later, '2099-10-01')).toBe(true); // a Thursday
    expect(isWorkingDay(later, '2099-10-03')).toBe(false); // a Saturday
  });
});

describe('working days', () => {
  it('knows holidays, adjusted workdays and plain weekends', () => {
    expect(isWorkingDay(calendar, '2026-10-01')).toBe(false);
    expect(isWorkingDay(calendar, '2026-10-08')).toBe(true);
    expect(isWorkingDay(calendar, '2026-10-10')).toBe(true); // Saturday, worked
    expect(isWorkingDay(calendar, '2026-10-11')).toBe(false); // Sunday
    expect(isWorkingDay(calendar, '2026-09-20')).toBe(true); // Sunday, worked
    expect(isWorkingDay(calendar, '2026-09-30')).toBe(true);
  });

  it('counts from the day after the start, and is due at 24:00 Shanghai of the last working day', () => {
    // Monday 2026-09-14 10:00 + 3 working days: Tue, Wed, Thu → Thursday 09-17, 24:00.
    expect(new Date(addWorkingDays(calendar, at('2026-09-14T10:00:00+08:00'), 3)).toISOString()).toBe(endOf('2026-09-17'));
    // The start's time of day does not matter; a start late in the UTC day is still its Shanghai day.
    expect(addWorkingDays(calendar, at('2026-09-14T23:59:00+08:00'), 3)).toBe(addWorkingDays(calendar, at('2026-09-14T00:00:00+08:00'), 3));
    expect(shanghaiDay(at('2026-09-13T16:30:00Z'))).toBe('2026-09-14');
  });

  it('skips National Day 2026: 4 working days from Tuesday 09-29 end on Saturday 10-10, an adjusted workday, 5 on Monday 10-12', () => {
    // 09-30 (1), then 10-01..07 off, 10-08 (2), 10-09 (3), 10-10 Saturday worked (4), 10-12 Monday (5).
    expect(new Date(addWorkingDays(calendar, at('2026-09-29T09:00:00+08:00'), 4)).toISOString()).toBe(endOf('2026-10-10'));
    expect(new Date(addWorkingDays(calendar, at('2026-09-29T09:00:00+08:00'), 5)).toISOString()).toBe(endOf('2026-10-12'));
  });

  it('skips Mid-Autumn on Friday 09-25 and counts the worked Sunday 09-20', () => {
    // From Friday 09-18: Sunday 09-20 worked (1), Mon 21 (2), ..., Thu 24 (5), Fri 25 off, Mon 28 (6).
    expect(new Date(addWorkingDays(calendar, at('2026-09-18T15:00:00+08:00'), 1)).toISOString()).toBe(endOf('2026-09-20'));
    expect(new Date(addWorkingDays(calendar, at('2026-09-18T15:00:00+08:00'), 6)).toISOString()).toBe(endOf('2026-09-28'));
  });

  it('skips Spring Festival 2026 and counts the worked Saturdays 02-14 and 02-28', () => {
    // From Friday 02-13: Sat 02-14 worked (1), 02-15..23 off, Tue 02-24 (2) ... Fri 02-27 (5), Sat 02-28 worked (6).
    expect(new Date(addWorkingDays(calendar, at('2026-02-13T09:00:00+08:00'), 1)).toISOString()).toBe(endOf('2026-02-14'));
    expect(new Date(addWorkingDays(calendar, at('2026-02-13T09:00:00+08:00'), 2)).toISOString()).toBe(endOf('2026-02-24'));
    expect(new Date(addWorkingDays(calendar, at('2026-02-13T09:00:00+08:00'), 6)).toISOString()).toBe(endOf('2026-02-28'));
  });

  it('without a calendar counts Monday to Friday; zero days end with the start day', () => {
    expect(new Date(addWorkingDays(undefined, at('2026-10-01T09:00:00+08:00'), 1)).toISOString()).toBe(endOf('2026-10-02'));
    expect(new Date(addWorkingDays(calendar, at('2026-10-01T09:00:00+08:00'), 0)).toISOString()).toBe(endOf('2026-10-01'));
  });

  it('counts only durations written in whole days; hours stay elapsed time', () => {
    expect(wholeDays('5d')).toBe(5);
    expect(wholeDays('36h')).toBeUndefined();
    expect(wholeDays('1d12h')).toBeUndefined();
  });
});
