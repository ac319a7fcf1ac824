/**
 * The Chinese holiday and adjusted-workday calendar (放假调休), read from the maintained library
 * `chinese-days` (it follows the State Council's yearly notices), turned into the plain data a
 * case's workflow counts working days with (src/workflows/working-days.ts). Read here, outside the
 * workflow sandbox, when a case starts: the data then travels in the workflow's input, so replaying
 * the case later computes the same due dates even if the library was upgraded meanwhile.
 */
import { getHolidaysInRange, isWorkday } from 'chinese-days';
import { version as chineseDaysVersion } from 'chinese-days/package.json';
import type { WorkingDayCalendar } from '../workflows/working-days';
import { shanghaiDay } from '../workflows/working-days';

const DAY_MS = 86_400_000;

/**
 * The calendar of the year of `at` (in Asia/Shanghai) and the `following` years after it: the
 * exceptions to "Monday to Friday" only, so a few dozen dates. A year the library does not know yet
 * (not yet published) is left out of `years`, and its days count Monday to Friday.
 */
export function holidayCalendar(at: Date, following = 2): WorkingDayCalendar {
  const first = Number(shanghaiDay(at.getTime()).slice(0, 4));
  const calendar: WorkingDayCalendar = { source: `chinese-days@${chineseDaysVersion}`, years: [], holidays: [], workdays: [] };
  for (let year = first; year <= first + following; year++) {
    if (getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length === 0) continue;
    calendar.years.push(year);
    for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      const weekend = [0, 6].includes(new Date(ms).getUTCDay());
      const working = isWorkday(day);
      if (weekend && working) calendar.workdays.push(day);
      if (!weekend && !working) calendar.holidays.push(day);
    }
  }
  return calendar;
}
