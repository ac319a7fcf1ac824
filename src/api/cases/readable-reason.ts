/**
 * A timeline step's reason as a caseworker reads it. The engine writes its automatic reasons in
 * both languages in one string ("提醒：「家访」将于 2026-12-06T09:00:00.000Z 到期 / Reminder: …"),
 * with UTC instants: the page showed the English inside the Chinese sentence and times 8 h off
 * (issue 11). Here: the Chinese half and the English half apart, each instant in China time
 * (2026年12月6日 17:00（北京时间） / 2026-12-06 17:00 (Beijing time)). A person's reason is shown
 * as typed, in both languages. The stored reason stays as written (the evidence pack cites it).
 */
import type { Label } from '../../workflows/vocabulary';

const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

function china(iso: string): { y: number; m: number; d: number; hm: string } {
  const c = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  return { y: Number(c.slice(0, 4)), m: Number(c.slice(5, 7)), d: Number(c.slice(8, 10)), hm: c.slice(11, 16) };
}

export function readableReason(reason: string, automatic: boolean): Label {
  // The English half begins after "/ " followed by a Latin letter (" / Reminder", "）/ x is overdue").
  const split = automatic ? /\s*\/\s+(?=[A-Za-z])/.exec(reason) : null;
  if (!split) return { zh: reason, en: reason };
  const zh = reason.slice(0, split.index).replace(INSTANT, (iso) => {
    const c = china(iso);
    return `${c.y}年${c.m}月${c.d}日 ${c.hm}（北京时间）`;
  });
  const en = reason.slice(split.index + split[0].length).replace(INSTANT, (iso) => {
    const c = china(iso);
    return `${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')} ${c.hm} (Beijing time)`;
  });
  return { zh, en };
}
