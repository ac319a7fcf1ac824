/**
 * The citizen identity number of GB 11643-1999: 6 digits of region, 8 of birth date (YYYYMMDD),
 * 3 of sequence (odd for men, even for women) and a check digit (ISO 7064 MOD 11-2, 10 written X).
 */
export interface IdNumberFacts {
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
}

export type IdNumberCheck = ({ valid: true } & IdNumberFacts) | { valid: false; problem: { zh: string; en: string } };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** The check digit (0-9 or X) for the first 17 digits. */
export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('the check digit is computed from 17 digits');
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARACTERS[sum % 11];
}

/**
 * Checks form, birth date and check digit. A lower-case x is accepted here; normalise with
 * `normaliseIdNumber` before storing. `today` bounds the birth date (no one is born tomorrow).
 */
export function checkChineseIdNumber(value: unknown, today: Date = new Date()): IdNumberCheck {
  if (typeof value !== 'string') return invalid('身份证号码必须是文字', 'the ID number must be a string');
  const id = normaliseIdNumber(value);
  if (id.length !== 18) {
    return invalid(`身份证号码应为 18 位，现为 ${id.length} 位`, `the ID number must have 18 characters, not ${id.length}`);
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return invalid('身份证号码前 17 位应为数字，最后一位为数字或 X', 'the ID number is 17 digits followed by a digit or X');
  }
  if (id[0] === '0') return invalid('身份证号码的地区码不正确', 'the region code of the ID number is not valid');
  const [year, month, day] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = new Date(Date.UTC(year, month - 1, day));
  const isDate = birth.getUTCFullYear() === year && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if (!isDate || year < 1900 || birth.getTime() > todayUtc) {
    return invalid('身份证号码中的出生日期不正确', 'the birth date inside the ID number is not a valid date');
  }
  const expected = idNumberCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) {
    return invalid('身份证号码校验位不正确，请核对号码', 'the check digit of the ID number is wrong; check the number');
  }
  return {
    valid: true,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  };
}

/** Trims and upper-cases the X. */
export function normaliseIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

function invalid(zh: string, en: string): IdNumberCheck {
  return { valid: false, problem: { zh, en } };
}
