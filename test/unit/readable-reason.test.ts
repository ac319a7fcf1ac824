/**
 * Automatic timeline reasons as a caseworker reads them: the Chinese half alone in Chinese, times in
 * China time (the page showed "… 2026-12-06T09:00:00.000Z 到期 / Reminder: …", 8 h off, English inside).
 */
import { readableReason } from '../../src/api/cases/readable-reason';

describe('readableReason', () => {
  it('splits the engine’s two languages and shows its instants in China time', () => {
    const reason = '提醒：「记录家访」将于 2026-12-06T09:00:00.000Z 到期 / Reminder: Record a home visit is due 2026-12-06T09:00:00.000Z';
    expect(readableReason(reason, true)).toEqual({
      zh: '提醒：「记录家访」将于 2026年12月6日 17:00（北京时间） 到期',
      en: 'Reminder: Record a home visit is due 2026-12-06 17:00 (Beijing time)',
    });
  });

  it('moves an instant late in the UTC day to the next day in China', () => {
    expect(readableReason('「x」已逾期（期限 2026-12-31T17:30:00.000Z）/ x is overdue (due 2026-12-31T17:30:00.000Z)', true).zh).toBe('「x」已逾期（期限 2027年1月1日 01:30（北京时间））');
  });

  it('leaves a person’s reason as typed, in both languages', () => {
    expect(readableReason('监护人同意 / 下周返校', false)).toEqual({ zh: '监护人同意 / 下周返校', en: '监护人同意 / 下周返校' });
  });
});
