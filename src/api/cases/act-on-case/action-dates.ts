/**
 * The calendar days an action names (the day of the home visit, of the return, of the judicial
 * document) are checked against the clock and the case: never after today, never before the case
 * was opened, both in China time. A home visit dated 2030-01-01 used to be accepted and move the
 * stage (issue 11). The message names the field once, in Chinese, with English beside.
 */
import { CHINA_OFFSET_MS } from '../../../dashboard/china-time';
import { chineseCalendarDay } from '../../../documents/shanghai-time';
import type { FieldError } from '../../validation/field-errors';

/** The action fields that are days of something that already happened, with their labels. */
export const PAST_DAY_FIELDS: Record<string, { zh: string; en: string }> = {
  visitedOn: { zh: '家访日期', en: 'the day of the visit' },
  returnedOn: { zh: '返校日期', en: 'the day back at school' },
  issuedOn: { zh: '发放日期', en: 'the day issued' },
};

/** YYYY-MM-DD of an instant in China. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function actionDateProblems(body: Record<string, unknown>, openedAt: Date, now: Date): FieldError[] {
  const problems: FieldError[] = [];
  const today = chinaDay(now);
  const opened = chinaDay(openedAt);
  for (const [field, name] of Object.entries(PAST_DAY_FIELDS)) {
    const day = body[field];
    if (typeof day !== 'string') continue;
    if (day > today) {
      problems.push({ field, constraint: 'notInFuture', message: `${name.zh}不能晚于今天（${chineseCalendarDay(today)}）`, messageEn: `${name.en} cannot be after today (${today})` });
    } else if (day < opened) {
      problems.push({ field, constraint: 'notBeforeCase', message: `${name.zh}不能早于立案日期（${chineseCalendarDay(opened)}）`, messageEn: `${name.en} cannot be before the case was opened (${opened})` });
    }
  }
  return problems;
}
