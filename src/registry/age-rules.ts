/**
 * Does the child's age fit compulsory education and the grade reported? (义务教育: enrolment in
 * grade 1 at six, nine grades.) Age is counted on the 1st of September that began the current
 * school year, so a grade's age is the same all year:
 * - at grade + 5 (grade 1 at 6), up to two years younger (early enrolment, skipped grades), or up
 *   to three years older (留级, 延迟入学 are common): accepted as it is;
 * - older than that, up to 17: accepted only with a stated exception (送教上门 home teaching for a
 *   child with disabilities, late enrolment, repeated grades, other), whose reason is recorded in
 *   the case's opening note;
 * - younger than that, or 18 and older (not a child of compulsory
 *   education age: an ID number of someone born in 1985 as a grade-4 pupil): refused.
 */
import type { FieldError } from '../api/validation/field-errors';

export const AGE_EXCEPTION_KINDS = ['HOME_TEACHING', 'LATE_ENROLMENT', 'REPEATED_GRADE', 'OTHER'] as const;
export type AgeExceptionKind = (typeof AGE_EXCEPTION_KINDS)[number];
export const AGE_EXCEPTION_LABELS: Record<AgeExceptionKind, { zh: string; en: string }> = {
  HOME_TEACHING: { zh: '送教上门', en: 'home teaching' },
  LATE_ENROLMENT: { zh: '延迟入学', en: 'late enrolment' },
  REPEATED_GRADE: { zh: '留级', en: 'repeated grades' },
  OTHER: { zh: '其他', en: 'other' },
};

export interface AgeException {
  kind: AgeExceptionKind;
  reason: string;
}

/** The grade's usual age on 1 September (grade 1: 6). */
export const gradeAge = (grade: number) => grade + 5;
export const YOUNGER_ACCEPTED = 2;
export const OLDER_ACCEPTED = 3;
/** At this age on 1 September a person is no child of compulsory education, whatever the reason. */
export const TOO_OLD = 18;

/** The 1st of September that began the school year `today` is in (UTC date parts). */
export function schoolYearStart(today: Date): string {
  const year = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
  return `${year}-09-01`;
}

/** Whole years from `birthDate` to `on` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The problems (empty when the age fits); `prefix` names the fields (`child.`). */
export function ageFitsGradeProblems(birthDate: string, grade: number, exception: AgeException | undefined, today: Date, prefix = ''): FieldError[] {
  const on = schoolYearStart(today);
  const age = ageOn(birthDate, on);
  const usual = gradeAge(grade);
  const within = `${grade} 年级通常为 ${usual} 岁（${usual - YOUNGER_ACCEPTED}-${usual + OLDER_ACCEPTED} 岁可直接报告）`;
  const withinEn = `grade ${grade} is usually ${usual} (${usual - YOUNGER_ACCEPTED}-${usual + OLDER_ACCEPTED} accepted as is)`;
  const problem = (field: string, constraint: string, message: string, messageEn: string): FieldError[] => [{ field: `${prefix}${field}`, constraint, message, messageEn }];
  if (age >= TOO_OLD || age < 0) {
    return problem('idNumber', 'compulsoryEducationAge', `按身份证号码，该人在 ${on} 为 ${age} 岁，不是义务教育阶段的儿童，请核对身份证号码`, `by the ID number this person was ${age} on ${on}: not a child of compulsory-education age; check the ID number`);
  }
  if (age < usual - YOUNGER_ACCEPTED) {
    return problem('grade', 'ageFitsGrade', `按身份证号码，该儿童在 ${on} 为 ${age} 岁，与 ${grade} 年级不符：${within}，请核对年级或身份证号码`, `by the ID number the child was ${age} on ${on}, too young for grade ${grade}: ${withinEn}; check the grade or the ID number`);
  }
  if (age > usual + OLDER_ACCEPTED && !exception) {
    return problem(
      'ageException',
      'ageFitsGrade',
      `按身份证号码，该儿童在 ${on} 为 ${age} 岁，大于 ${grade} 年级的年龄：${within}。如属送教上门、延迟入学、留级等情况，请填写 ageException（kind 与 reason 说明原因）`,
      `by the ID number the child was ${age} on ${on}, older than grade ${grade}: ${withinEn}. For home teaching, late enrolment or repeated grades give ageException (kind and reason)`,
    );
  }
  return [];
}

/** The line the case's opening note starts with when an exception was stated. */
export function ageExceptionNote(exception: AgeException): string {
  return `年龄例外（${AGE_EXCEPTION_LABELS[exception.kind].zh}）：${exception.reason}`;
}
