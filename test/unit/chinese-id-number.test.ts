import { checkChineseIdNumber, idNumberCheckDigit, normaliseIdNumber } from '../../src/api/validation/chinese-id-number';

describe('the GB 11643 ID number check', () => {
  it('computes the check digit of the standard example (11010519491231002X)', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(checkChineseIdNumber('11010519491231002X')).toEqual({ valid: true, birthDate: '1949-12-31', sex: 'F' });
  });

  it('reads the birth date and the sex (odd 17th digit: male)', () => {
    expect(checkChineseIdNumber('500235201203150034')).toEqual({ valid: true, birthDate: '2012-03-15', sex: 'M' });
    expect(checkChineseIdNumber('500235201308220027')).toEqual({ valid: true, birthDate: '2013-08-22', sex: 'F' });
  });

  it('accepts a lower-case x and surrounding spaces, which normalise away', () => {
    expect(checkChineseIdNumber(' 11010519491231002x ')).toMatchObject({ valid: true });
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
  });

  it('refuses a wrong check digit, whichever digit was mistyped', () => {
    const good = '500235201203150034';
    for (let i = 0; i < 18; i++) {
      const typo = good.slice(0, i) + String((Number(good[i]) + 1) % 10) + good.slice(i + 1);
      const check = checkChineseIdNumber(typo);
      expect(check.valid).toBe(false);
    }
    expect(checkChineseIdNumber('500235201203150035')).toEqual({
      valid: false,
      problem: { zh: '身份证号码校验位不正确，请核对号码', en: 'the check digit of the ID number is wrong; check the number' },
    });
  });

  it('refuses a wrong length, letters, a region starting with 0, and impossible or future birth dates', () => {
    const problem = (value: unknown, today?: Date) => {
      const check = checkChineseIdNumber(value, today);
      return check.valid ? 'valid' : check.problem.zh;
    };
    expect(problem('50023520120315003')).toBe('身份证号码应为 18 位，现为 17 位');
    expect(problem('5002352012031500AB')).toBe('身份证号码前 17 位应为数字，最后一位为数字或 X');
    expect(problem(500235201203150034)).toBe('身份证号码必须是文字');
    expect(problem('000235201203150034')).toBe('身份证号码的地区码不正确');
    const withDate = (date: string) => {
      const first17 = `500235${date}003`;
      return first17 + idNumberCheckDigit(first17);
    };
    expect(problem(withDate('20130229'))).toBe('身份证号码中的出生日期不正确');
    expect(problem(withDate('20120229'))).toBe('valid');
    expect(problem(withDate('20240302'), new Date('2024-03-01T12:00:00Z'))).toBe('身份证号码中的出生日期不正确');
    expect(problem(withDate('18991231'))).toBe('身份证号码中的出生日期不正确');
  });
});
