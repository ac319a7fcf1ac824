/**
 * The rules of a child on the registry, in one place for the API (POST/PATCH /api/children) and
 * the ledger import (one spreadsheet row): national ID with the GB 11643 check digit, birth date
 * and sex agreeing with it, school and area of the user's town, grade within the school's grades,
 * class, villager group, guardians with a mainland mobile or landline number, the four priority
 * flags and the watch groups. Pure: no database, no NestJS. Every problem is returned, each naming its field.
 */
import { checkChineseIdNumber, normaliseIdNumber } from '../api/validation/chinese-id-number';
import { isCalendarDate } from '../api/validation/decorators';
import type { FieldError } from '../api/validation/field-errors';
import type { ChildInput } from '../read-model/case-intake';
import type { Town } from '../read-model/town';

/** Mobile (13800000000, +86 13800000000) or landline with area code (023-55123456). */
export const PHONE_PATTERN = /^(?:(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export const PRIORITY_FLAGS = ['isDisabled', 'hasDisabledParent', 'isLeftBehind', 'isRegisteredPoor'] as const;
export type PriorityFlag = (typeof PRIORITY_FLAGS)[number];
export const PRIORITY_FLAG_LABELS: Record<PriorityFlag, { zh: string; en: string }> = {
  isDisabled: { zh: '残疾儿童', en: 'disabled child' },
  hasDisabledParent: { zh: '残疾人子女', en: 'child of disabled parents' },
  isLeftBehind: { zh: '留守儿童', en: 'left-behind child' },
  isRegisteredPoor: { zh: '建档立卡贫困户', en: 'registered poor household' },
};

/**
 * The watch groups of the national list (教基厅函〔2024〕15号: 孤儿, 事实无人抚养, 残疾, 留守, 困境,
 * 流动, 涉诉) the lists and the dashboard filter by. 残疾 and 留守 are priority flags already; these
 * are the others. Every flag is a yes/no on the child, 否 unless said.
 */
export const WATCH_ONLY_FLAGS = ['isOrphan', 'isUnattended', 'isInHardship', 'isMigrant', 'isCourtInvolved'] as const;
export const WATCH_GROUP_FLAGS = ['isOrphan', 'isUnattended', 'isDisabled', 'isLeftBehind', 'isInHardship', 'isMigrant', 'isCourtInvolved'] as const;
/** Every flag of a child: the aid priorities, then the other watch groups. */
export const CHILD_FLAGS = [...PRIORITY_FLAGS, ...WATCH_ONLY_FLAGS] as const;
export type ChildFlag = (typeof CHILD_FLAGS)[number];
export const CHILD_FLAG_LABELS: Record<ChildFlag, { zh: string; en: string }> = {
  ...PRIORITY_FLAG_LABELS,
  isOrphan: { zh: '孤儿', en: 'orphan' },
  isUnattended: { zh: '事实无人抚养儿童', en: 'de facto unattended child' },
  isInHardship: { zh: '困境儿童', en: 'child in hardship' },
  isMigrant: { zh: '流动儿童', en: 'migrant child' },
  isCourtInvolved: { zh: '涉诉儿童', en: 'child involved in court cases' },
};

export const MAX_NAME_LENGTH = 50;
export const MAX_CLASS_LENGTH = 30;
export const MAX_GROUP_LENGTH = 30;
export const MAX_RELATION_LENGTH = 20;
export const MAX_GUARDIANS = 10;

/** A child as the registry stores it: codes of the town, birth date and sex from the ID number, every flag. */
export interface RegistryChildInput extends ChildInput, Record<ChildFlag, boolean> {
  villagerGroup: string | null;
}

/** What people send or type: anything, checked here. */
export interface RawChild {
  name?: unknown;
  idNumber?: unknown;
  birthDate?: unknown;
  sex?: unknown;
  school?: unknown;
  grade?: unknown;
  className?: unknown;
  area?: unknown;
  villagerGroup?: unknown;
  guardians?: unknown;
  isDisabled?: unknown;
  hasDisabledParent?: unknown;
  isLeftBehind?: unknown;
  isRegisteredPoor?: unknown;
  isOrphan?: unknown;
  isUnattended?: unknown;
  isInHardship?: unknown;
  isMigrant?: unknown;
  isCourtInvolved?: unknown;
}

export type ChildCheck = { child: RegistryChildInput; problems: [] } | { child?: undefined; problems: FieldError[] };

/** Checks a whole child against the town; `prefix` names the fields (`child.`, or '' for the registry's own body). */
export function checkChild(town: Town, raw: RawChild, prefix = ''): ChildCheck {
  const problems: FieldError[] = [];
  const problem = (field: string, constraint: string, zh: string, en: string) =>
    problems.push({ field: `${prefix}${field}`, constraint, message: zh, messageEn: en });

  const text = (field: keyof RawChild, label: string, labelEn: string, max: number, required = true): string | null => {
    const value = raw[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) problem(field, 'isNotEmpty', `请填写${label}`, `${labelEn} is required`);
      return null;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      problem(field, 'isString', `${label}必须是文字`, `${labelEn} must be text`);
      return null;
    }
    const trimmed = String(value).trim();
    if (trimmed.length > max) problem(field, 'maxLength', `${label}最多 ${max} 个字`, `${labelEn} has at most ${max} characters`);
    return trimmed;
  };

  const name = text('name', '姓名', 'name', MAX_NAME_LENGTH);
  const className = text('className', '班级', 'class', MAX_CLASS_LENGTH);
  const villagerGroup = text('villagerGroup', '村民小组', 'villager group', MAX_GROUP_LENGTH, false);

  let idNumber: string | undefined;
  let birthDate: string | undefined;
  let sex: 'M' | 'F' | undefined;
  const id = checkChineseIdNumber(typeof raw.idNumber === 'string' ? raw.idNumber.trim() : raw.idNumber);
  if (raw.idNumber === undefined || raw.idNumber === null || raw.idNumber === '') {
    problem('idNumber', 'isNotEmpty', '请填写身份证号码', 'the ID number is required');
  } else if (!id.valid) {
    problem('idNumber', 'isChineseIdNumber', id.problem.zh, id.problem.en);
  } else {
    idNumber = normaliseIdNumber(String(raw.idNumber));
    birthDate = id.birthDate;
    sex = id.sex;
    if (raw.birthDate !== undefined && raw.birthDate !== null && raw.birthDate !== '') {
      if (!isCalendarDate(raw.birthDate)) problem('birthDate', 'isCalendarDate', '出生日期应写作 YYYY-MM-DD，如 2012-03-15', 'birthDate must be a date like 2012-03-15');
      else if (raw.birthDate !== id.birthDate) {
        problem('birthDate', 'matchesIdNumber', `出生日期与身份证号码不一致（身份证号码中为 ${id.birthDate}）`, `birthDate does not match the ID number (${id.birthDate})`);
      }
    }
    if (raw.sex !== undefined && raw.sex !== null && raw.sex !== '') {
      if (raw.sex !== 'M' && raw.sex !== 'F') problem('sex', 'isIn', '性别应为 M（男）或 F（女）', 'sex must be M or F');
      else if (raw.sex !== id.sex) {
        problem('sex', 'matchesIdNumber', `性别与身份证号码不一致（身份证号码为${id.sex === 'M' ? '男' : '女'}）`, `sex does not match the ID number (${id.sex})`);
      }
    }
  }

  const area = typeof raw.area === 'string' && raw.area.trim() !== '' ? town.area(raw.area) : undefined;
  if (!area) {
    if (typeof raw.area !== 'string' || raw.area.trim() === '') problem('area', 'isNotEmpty', '请填写责任区（村/社区）', 'the area is required');
    else problem('area', 'isKnownArea', `没有这个责任区："${raw.area}"。可选：${town.describeAreas().join('、')}`, `unknown area "${raw.area}"; valid: ${town.areas.map((a) => a.code).join(', ')}`);
  }
  const school = typeof raw.school === 'string' && raw.school.trim() !== '' ? town.school(raw.school) : undefined;
  if (!school) {
    if (typeof raw.school !== 'string' || raw.school.trim() === '') problem('school', 'isNotEmpty', '请填写学校', 'the school is required');
    else problem('school', 'isKnownSchool', `没有这所学校："${raw.school}"。可选：${town.describeSchools().join('、')}`, `unknown school "${raw.school}"; valid: ${town.schools.map((s) => s.code).join(', ')}`);
  }
  const grade = typeof raw.grade === 'string' && /^\s*\d{1,2}\s*$/.test(raw.grade) ? Number(raw.grade) : raw.grade;
  if (typeof grade !== 'number' || !Number.isInteger(grade) || grade < 1 || grade > 9) {
    problem('grade', 'isGrade', '年级应为 1-9 的整数', 'grade must be a whole number from 1 to 9');
  } else if (school && (grade < school.grades[0] || grade > school.grades[1])) {
    problem('grade', 'gradeInSchool', `${school.name.zh}只有 ${school.grades[0]}-${school.grades[1]} 年级`, `${school.name.en} teaches grades ${school.grades[0]}-${school.grades[1]}`);
  }

  const guardians: ChildInput['guardians'] = [];
  if (!Array.isArray(raw.guardians) || raw.guardians.length === 0) {
    problem('guardians', 'arrayMinSize', '请至少填写一位监护人', 'name at least one guardian');
  } else if (raw.guardians.length > MAX_GUARDIANS) {
    problem('guardians', 'arrayMaxSize', `监护人最多 ${MAX_GUARDIANS} 位`, `at most ${MAX_GUARDIANS} guardians`);
  } else {
    raw.guardians.forEach((g: { name?: unknown; phone?: unknown; relation?: unknown } | null, i) => {
      const at = `guardians.${i}`;
      const gName = typeof g?.name === 'string' ? g.name.trim() : '';
      const phone = typeof g?.phone === 'string' || typeof g?.phone === 'number' ? String(g.phone).trim() : '';
      const relation = typeof g?.relation === 'string' ? g.relation.trim() : '';
      if (gName === '') problem(`${at}.name`, 'isNotEmpty', '请填写监护人姓名', "the guardian's name is required");
      else if (gName.length > MAX_NAME_LENGTH) problem(`${at}.name`, 'maxLength', `监护人姓名最多 ${MAX_NAME_LENGTH} 个字`, `the guardian's name has at most ${MAX_NAME_LENGTH} characters`);
      if (phone === '') problem(`${at}.phone`, 'isNotEmpty', '请填写监护人电话', "the guardian's phone is required");
      else if (!PHONE_PATTERN.test(phone)) problem(`${at}.phone`, 'isPhone', '电话号码格式不正确，手机如 13800000000，座机如 023-55123456', 'not a phone number: a mobile like 13800000000 or a landline like 023-55123456');
      if (relation === '') problem(`${at}.relation`, 'isNotEmpty', '请填写与学生关系', 'the relation to the child is required');
      else if (relation.length > MAX_RELATION_LENGTH) problem(`${at}.relation`, 'maxLength', `与学生关系最多 ${MAX_RELATION_LENGTH} 个字`, `the relation has at most ${MAX_RELATION_LENGTH} characters`);
      guardians.push({ name: gName, phone, relation });
    });
  }

  const flags = {} as Record<ChildFlag, boolean>;
  for (const flag of CHILD_FLAGS) {
    const value = raw[flag];
    if (value === undefined || value === null) flags[flag] = false;
    else if (typeof value === 'boolean') flags[flag] = value;
    else problem(flag, 'isBoolean', `${CHILD_FLAG_LABELS[flag].zh}应为 是 或 否`, `${flag} must be true or false`);
  }

  if (problems.length > 0) return { problems };
  return {
    problems: [],
    child: {
      name: name!,
      idNumber: idNumber!,
      birthDate: birthDate!,
      sex: sex!,
      school: school!.code,
      grade: grade as number,
      className: className!,
      area: area!.code,
      villagerGroup,
      guardians,
      ...flags,
    },
  };
}
