/**
 * Working-day arithmetic for deadlines counted in working days (工作日), from calendar data only.
 * Pure and deterministic: the calendar is plain data attached to the workflow's input when the case
 * starts (src/policy/holiday-calendar.ts reads it from the `chinese-days` library), so a replay
 * computes the same due dates even after the library is upgraded.
 *
 * The rule (as periods are counted in Chinese procedure: the day the period starts is not counted,
 * and a period ends at 24:00 of its last day): `Nd` in working days is due at 24:00 Asia/Shanghai
 * (UTC+8 all year, no daylight saving) at the end of the Nth working day after the day it starts.
 * A working day is a Monday to Friday that is not a public holiday, or a weekend day the State
 * Council moved work to (调休上班). Outside the years the calendar covers, Monday to Friday count.
 */

export interface WorkingDayCalendar {
  /** Where the data came from, e.g. `chinese-days@1.5.7`: for people reading a history. */
  source: string;
  /** Years whose holidays the data holds (the State Council publishes each year's in advance). */
  years: number[];
  /** Public holidays (放假) that fall Monday to Friday, YYYY-MM-DD. */
  holidays: string[];
  /** Weekend days that are working days (调休上班), YYYY-MM-DD. */
  workdays: string[];
}

/** Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Shanghai calendar day (YYYY-MM-DD) of an instant. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether the day (YYYY-MM-DD) is a working day in the calendar. */
export function isWorkingDay(calendar: WorkingDayCalendar | undefined, day: string): boolean {
  if (calendar) {
    if (calendar.workdays.includes(day)) return true;
    if (calendar.holidays.includes(day)) return false;
  }
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The instant `count` working days after `startMs`: 24:00 Asia/Shanghai of the count-th working day
 * after the start's own day (which is not counted, whatever its time of day).
 */
export function addWorkingDays(calendar: WorkingDayCalendar | undefined, startMs: number, count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new Error(`a number of working days must be a whole number >= 0, not ${count}`);
  // Midnight (00:00 Shanghai) at the start of the start's day, as an instant.
  let dayStart = Math.floor((startMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  if (count === 0) return dayStart + DAY_MS;
  let counted = 0;
  while (counted < count) {
    dayStart += DAY_MS;
    if (isWorkingDay(calendar, shanghaiDay(dayStart))) counted++;
  }
  return dayStart + DAY_MS; // 24:00 of that day
}

/** The number of whole days in a duration written only in days (`5d`), else undefined (`36h`, `1d12h`). */
export function wholeDays(duration: string): number | undefined {
  const match = /^(\d+)d$/.exec(duration.trim());
  return match ? Number(match[1]) : undefined;
}
