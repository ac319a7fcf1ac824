/**
 * Dates as the town writes them, in China's time (Asia/Shanghai, UTC+8, no daylight saving),
 * whatever the server's zone: 2026年11月29日, 2026-11-29 16:25:03.
 */
const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface ShanghaiParts {
  year: number;
  month: number;
  day: number;
  hour: string;
  minute: string;
  second: string;
}

function parts(at: Date): ShanghaiParts {
  const p = Object.fromEntries(PARTS.formatToParts(at).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: p.hour, minute: p.minute, second: p.second };
}

/** The calendar year in China (a document issued at 2026-12-31T17:00Z belongs to 2027). */
export function shanghaiYear(at: Date): number {
  return parts(at).year;
}

/** 2026年11月29日 */
export function chineseDate(at: Date): string {
  const p = parts(at);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** 2026年11月29日16时25分 */
export function chineseDateTime(at: Date): string {
  const p = parts(at);
  return `${p.year}年${p.month}月${p.day}日${Number(p.hour)}时${p.minute}分`;
}

/** 2026-11-29 16:25:03 (北京时间), for timelines. */
export function shanghaiTimestamp(at: Date): string {
  const p = parts(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${p.hour}:${p.minute}:${p.second}`;
}

/** A calendar day as typed in an action (2026-03-01) → 2026年3月1日; anything else is returned as is. */
export function chineseCalendarDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : day;
}
