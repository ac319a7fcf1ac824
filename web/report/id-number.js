/*
 * The citizen identity number (GB 11643-1999) checked as it is typed: the same rules as the API's
 * (src/api/validation/chinese-id-number.ts; test/web/id-number.test.ts holds the two together),
 * and the age it gives, for the compulsory-education check of the report form.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** { valid: true, birthDate, sex } or { valid: false, problem: { zh, en } }. */
export function checkIdNumber(value, today = new Date()) {
  const id = String(value).trim().toUpperCase();
  const invalid = (zh, en) => ({ valid: false, problem: { zh, en } });
  if (id.length !== 18) return invalid(`身份证号码应为 18 位，现为 ${id.length} 位`, `the ID number must have 18 characters, not ${id.length}`);
  if (!/^\d{17}[\dX]$/.test(id)) return invalid('身份证号码前 17 位应为数字，最后一位为数字或 X', 'the ID number is 17 digits followed by a digit or X');
  if (id[0] === '0') return invalid('身份证号码的地区码不正确', 'the region code of the ID number is not valid');
  const [year, month, day] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = new Date(Date.UTC(year, month - 1, day));
  const isDate = birth.getUTCFullYear() === year && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if (!isDate || year < 1900 || birth.getTime() > todayUtc) return invalid('身份证号码中的出生日期不正确', 'the birth date inside the ID number is not a valid date');
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  if (id[17] !== CHECK_CHARACTERS[sum % 11]) return invalid('身份证号码校验位不正确，请核对号码', 'the check digit of the ID number is wrong; check the number');
  return { valid: true, birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Whole years between a birth date (YYYY-MM-DD) and today. */
export function ageOn(birthDate, today = new Date()) {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age -= 1;
  return age;
}

/** Compulsory education (义务教育): from 6 to 16 full years. */
export const SCHOOL_AGE = { from: 6, to: 16 };

/** The age problem of a child reported as a dropout, or null. */
export function ageProblem(birthDate, today = new Date()) {
  const age = ageOn(birthDate, today);
  if (age < SCHOOL_AGE.from || age > SCHOOL_AGE.to) {
    return { zh: `按身份证号码，该儿童 ${age} 周岁，不在义务教育年龄（${SCHOOL_AGE.from}-${SCHOOL_AGE.to} 周岁）内`, en: `by the ID number the child is ${age}, outside compulsory-education age (${SCHOOL_AGE.from}-${SCHOOL_AGE.to})` };
  }
  return null;
}
