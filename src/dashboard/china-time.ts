/**
 * Months and years as the town counts them: in China Standard Time (UTC+8, no daylight saving),
 * whatever the server's time zone. "Returned this month" and the monthly report use these bounds.
 */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A calendar month, 'YYYY-MM'. */
export type MonthKey = string;

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonthKey(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

/** The month (in China time) an instant falls in. */
export function monthOf(at: Date): MonthKey {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** [start, end) of a month in China time, as instants. */
export function monthBounds(month: MonthKey): { start: Date; end: Date } {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new Error(`not a month like 2026-10: "${month}"`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return {
    start: new Date(Date.UTC(year, index, 1) - CHINA_OFFSET_MS),
    end: new Date(Date.UTC(year, index + 1, 1) - CHINA_OFFSET_MS),
  };
}

/** Start of the year (in China time) an instant falls in. */
export function yearStart(at: Date): Date {
  return monthBounds(`${monthOf(at).slice(0, 4)}-01`).start;
}

/** The month before. */
export function previousMonth(month: MonthKey): MonthKey {
  const { start } = monthBounds(month);
  return monthOf(new Date(start.getTime() - 1));
}

/** The `count` months up to and including `last`, oldest first. */
export function monthsUpTo(last: MonthKey, count: number): MonthKey[] {
  const months = [last];
  while (months.length < count) months.unshift(previousMonth(months[0]));
  return months;
}

/** SQL: the China-time month ('YYYY-MM') of a timestamptz expression, independent of the session's time zone. */
export function sqlChinaMonth(expression: string): string {
  return `to_char((${expression} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM')`;
}
