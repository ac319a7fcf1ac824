/**
 * The report form's ID-number check (web/report/id-number.js) answers as the API's
 * (src/api/validation/chinese-id-number.ts) on every kind of number, and its age check.
 */
import { checkChineseIdNumber, idNumberCheckDigit } from '../../src/api/validation/chinese-id-number';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const page = require('../../web/report/id-number.js') as {
  checkIdNumber(value: string, today?: Date): unknown;
  ageProblem(birthDate: string, today?: Date): { zh: string } | null;
  ageOn(birthDate: string, today?: Date): number;
};

const today = new Date('2026-12-06T00:00:00Z');
const good = (first17: string) => first17 + idNumberCheckDigit(first17);

describe('the ID number checked as it is typed', () => {
  const numbers = [
    good('50023520130515001'),
    good('50023520140901002'),
    good('11010519491231002'),
    good('50023520130515001').slice(0, 17) + (idNumberCheckDigit('50023520130515001') === '1' ? '2' : '1'), // wrong check digit
    '5002352013051500',
    '50023520130515001A',
    good('00023520130515001'),
    good('50023520130231001'), // 31 February
    good('50023520270101001'), // born in the future
    good('50023518890101001'),
    `${good('50023520130515001').toLowerCase()} `,
    good('50023520110101002').replace(/X$/, 'x'),
    '',
  ];
  it.each(numbers)('%s: the page and the API agree', (id) => {
    expect(page.checkIdNumber(id, today)).toEqual(checkChineseIdNumber(id, today));
  });

  it('tells the age, and whether it is of compulsory-education age', () => {
    expect(page.ageOn('2013-05-15', today)).toBe(13);
    expect(page.ageOn('2013-12-07', today)).toBe(12);
    expect(page.ageProblem('2013-05-15', today)).toBeNull();
    expect(page.ageProblem('2022-01-01', today)?.zh).toContain('4 周岁，不在义务教育年龄');
    expect(page.ageProblem('2008-01-01', today)?.zh).toContain('18 周岁');
  });
});
