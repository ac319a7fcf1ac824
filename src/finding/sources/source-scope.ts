/**
 * Who imports which source, and for which scope (the write rule of issue 16 for the four sources;
 * docs/finding.md). Pure. Town-wide files (the household register, the poverty-monitoring list)
 * replace the town's version: only the ledger keepers, whose scope is the whole town, import them.
 * A roll or an attendance sheet is one school's: the ledger keepers import any school's (naming it),
 * a principal their own school's, a teacher the attendance of their own class (each row's pupil on
 * the school's current roll in that class). Everyone else imports none.
 */
import { caseScope, registryAccess, ScopedUser } from '../../access/permissions';
import { ROLE_LABELS } from '../../access/roles';
import type { SourceKind } from '../../read-model/entities';
import type { Label } from '../../workflows/vocabulary';

export const SOURCE_KIND_LABELS: Record<SourceKind, Label> = {
  HOUSEHOLD_REGISTER: { zh: '户籍', en: 'Household register' },
  SCHOOL_ROLL: { zh: '学籍', en: 'School roll' },
  ATTENDANCE: { zh: '考勤', en: 'Attendance' },
  POVERTY_LIST: { zh: '脱贫户/监测户名单', en: 'Poverty-monitoring list' },
};

export type SourceScopeDecision =
  | { allowed: true; scope: string; classOnly: { grade: number; className: string } | null }
  | { allowed: false; reason: 'FORBIDDEN' | 'SCHOOL_REQUIRED' | 'UNKNOWN_SCHOOL'; message: Label };

export function isSchoolSource(kind: SourceKind): boolean {
  return kind === 'SCHOOL_ROLL' || kind === 'ATTENDANCE';
}

/** `school`: the school code the request names (resolved against the town by the caller), if any. */
export function decideSourceImport(user: ScopedUser, kind: SourceKind, school: string | null, townSchools: readonly string[]): SourceScopeDecision {
  const scope = caseScope(user);
  const role = ROLE_LABELS[user.role];
  const label = SOURCE_KIND_LABELS[kind];
  const forbidden = (zh: string, en: string): SourceScopeDecision => ({ allowed: false, reason: 'FORBIDDEN', message: { zh, en } });
  if (registryAccess(user.role) !== 'WRITE') return forbidden(`您的岗位（${role.zh}）不能导入${label.zh}`, `Your role (${role.en}) does not import the ${label.en.toLowerCase()}`);
  if (!isSchoolSource(kind)) {
    if (scope.kind === 'ALL') return { allowed: true, scope: '', classOnly: null };
    return forbidden(`${label.zh}是全镇的名单，由镇统筹负责人或日常工作人员导入`, `The ${label.en.toLowerCase()} is the whole town's; the coordinator or the daily officer imports it`);
  }
  if (scope.kind === 'ALL') {
    if (!school) return { allowed: false, reason: 'SCHOOL_REQUIRED', message: { zh: `请选择学校：${label.zh}按学校分别导入`, en: `Choose the school: the ${label.en.toLowerCase()} is imported school by school` } };
    if (!townSchools.includes(school)) return { allowed: false, reason: 'UNKNOWN_SCHOOL', message: { zh: '本镇没有这所学校', en: 'No such school in the town' } };
    return { allowed: true, scope: school, classOnly: null };
  }
  const own = scope.kind === 'SCHOOL' || scope.kind === 'CLASS' ? scope.school : null;
  if (!own) return forbidden(`您的岗位（${role.zh}）不能导入${label.zh}`, `Your role (${role.en}) does not import the ${label.en.toLowerCase()}`);
  if (school && school !== own) return forbidden(`您只能导入本校的${label.zh}`, `You import your own school's ${label.en.toLowerCase()} only`);
  if (scope.kind === 'SCHOOL') return { allowed: true, scope: own, classOnly: null };
  if (kind === 'ATTENDANCE' && scope.kind === 'CLASS') return { allowed: true, scope: own, classOnly: { grade: scope.grade, className: scope.className } };
  return forbidden('学籍由校长或镇统筹负责人导入', "The school roll is imported by the principal or the town's coordinator");
}
