/**
 * The rules of the cross-check and the three ledgers, as data (policies/finding.json): the numbers
 * differ by province (e.g. a suspected dropout after more than a week of unexplained absence, a
 * dropout after a month as suspected), so none is written in code. Checked when loaded: every
 * problem is listed with its path.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../project-root';
import { Duration, isDuration } from '../../workflows/policy';

export const DEFAULT_FINDING_POLICY_PATH = resolve(PROJECT_ROOT, 'policies/finding.json');

/** Who verifies a suspected dropout: the class teacher (as routing finds them) and the school's principal. */
export const VERIFY_ROLES = ['CLASS_TEACHER', 'PRINCIPAL'] as const;
export type VerifyRole = (typeof VERIFY_ROLES)[number];

export interface FindingPolicy {
  version: string;
  description?: string;
  /** School age (适龄): whole years on 1 September of the current school year, inclusive. */
  schoolAge: { minAge: number; maxAge: number; ageOn: 'SCHOOL_YEAR_START' };
  /** A pupil is a suspected dropout after more than this many school days of unexplained absence in a row. */
  suspected: { unexplainedAbsentDaysMoreThan: number };
  /** Absence reasons that explain nothing (compared after trimming); an empty or missing reason is unexplained too. */
  unexplainedReasons: string[];
  /** A suspected item open this long without verification counts the child as dropped out. */
  dropoutAfterSuspected: Duration;
  /** Due date of the verification task of a suspected item. */
  verifyDue: Duration;
  verifyResponsible: VerifyRole[];
  /** Fuzzy match for a review: the same birth date and a name within this many edits (characters). */
  fuzzy: { maxNameEdits: number };
  /** 四个一: the county's quarterly re-check and the visits at each term start, as scheduled tasks. */
  fourOnes: { quarterlyRecheckDue: Duration; termStarts: string[]; termStartVisitDue: Duration };
}

export function findingPolicyProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const p = raw as Partial<FindingPolicy> | null;
  if (!p || typeof p !== 'object') return ['the file is not a JSON object'];
  const int = (v: unknown, path: string, min = 0) => {
    if (!Number.isInteger(v) || (v as number) < min) problems.push(`${path}: a whole number of at least ${min} is required`);
  };
  const duration = (v: unknown, path: string) => {
    if (!isDuration(v)) problems.push(`${path}: a duration like 3d or 36h is required`);
  };
  if (typeof p.version !== 'string' || p.version.trim() === '') problems.push('version: a non-empty text is required');
  int(p.schoolAge?.minAge, 'schoolAge.minAge');
  int(p.schoolAge?.maxAge, 'schoolAge.maxAge');
  if (p.schoolAge && p.schoolAge.maxAge < p.schoolAge.minAge) problems.push('schoolAge.maxAge: must not be below schoolAge.minAge');
  if (p.schoolAge?.ageOn !== 'SCHOOL_YEAR_START') problems.push('schoolAge.ageOn: must be "SCHOOL_YEAR_START" (1 September)');
  int(p.suspected?.unexplainedAbsentDaysMoreThan, 'suspected.unexplainedAbsentDaysMoreThan');
  if (!Array.isArray(p.unexplainedReasons) || p.unexplainedReasons.some((r) => typeof r !== 'string')) problems.push('unexplainedReasons: a list of texts is required');
  duration(p.dropoutAfterSuspected, 'dropoutAfterSuspected');
  duration(p.verifyDue, 'verifyDue');
  if (!Array.isArray(p.verifyResponsible) || p.verifyResponsible.length === 0 || p.verifyResponsible.some((r) => !(VERIFY_ROLES as readonly string[]).includes(r))) {
    problems.push(`verifyResponsible: a non-empty list of ${VERIFY_ROLES.join(', ')} is required`);
  }
  int(p.fuzzy?.maxNameEdits, 'fuzzy.maxNameEdits');
  duration(p.fourOnes?.quarterlyRecheckDue, 'fourOnes.quarterlyRecheckDue');
  duration(p.fourOnes?.termStartVisitDue, 'fourOnes.termStartVisitDue');
  if (!Array.isArray(p.fourOnes?.termStarts) || p.fourOnes!.termStarts.some((d) => !/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/.test(String(d)))) {
    problems.push('fourOnes.termStarts: a list of MM-DD dates is required');
  }
  return problems;
}

export function loadFindingPolicy(path: string = process.env.BAOXUE_FINDING_POLICY ?? DEFAULT_FINDING_POLICY_PATH): FindingPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the cross-check policy ${path}: ${(err as Error).message}`);
  }
  const problems = findingPolicyProblems(raw);
  if (problems.length > 0) throw new Error(`the cross-check policy ${path} is not valid:\n  - ${problems.join('\n  - ')}`);
  return raw as FindingPolicy;
}
