/**
 * The matching of 四查三比对, pure (no database): household register × school roll, and the lists
 * it yields. Rows arrive in batches (the activity streams the views); the roll is indexed first,
 * because it is the smaller source, then every register row is matched as it comes:
 *
 * 1. on the 18-digit ID number;
 * 2. on a link a person accepted after reviewing a fuzzy match;
 * 3. on name + birth date, where one side has no ID number (two different ID numbers are two
 *    children, or a typo a person must look at);
 * 4. what is left is compared at the end: a school-age register row and an unmatched roll row with
 *    the same birth date and a name within `maxNameEdits` characters or of the same pinyin become a
 *    FUZZY_MATCH for review, never a match. A pair a person rejected is not proposed again.
 *
 * Results: NOT_ENROLLED (school age, on no roll), ROLL_WITHOUT_REGISTER, BIRTH_DATE_CONFLICT (matched
 * on the ID number, birth dates differ), ON_TWO_ROLLS (one ID number at two schools or with two 学籍号),
 * FUZZY_MATCH; and one merged record per child for the ledgers.
 */
import { pinyin } from 'pinyin-pro';
import { ageOn, schoolYearStart } from '../../registry/age-rules';
import type { FindingPolicy } from './finding-policy';
import type { FindingKind } from './vocabulary';

export interface RegisterRow {
  idNumber: string | null;
  name: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: string | null;
  area: string | null;
}

export interface RollRow {
  school: string;
  studentNumber: string;
  idNumber: string | null;
  name: string;
  birthDate: string | null;
  sex: string | null;
  grade: number | null;
  className: string | null;
}

/** One child as the sources know it (a row of finding_children). */
export interface ChildRecord {
  childKey: string;
  idNumber: string | null;
  name: string;
  birthDate: string | null;
  sex: string | null;
  area: string | null;
  school: string | null;
  grade: number | null;
  className: string | null;
  studentNumber: string | null;
  onRegister: boolean;
  onRoll: boolean;
  schoolAge: boolean;
}

export interface Finding {
  kind: FindingKind;
  /** Identity of the finding across runs (with kind): the same data give the same fingerprint. */
  fingerprint: string;
  child: ChildRecord;
  /** What was found, shown to the person (no more personal data than the lists show). */
  evidence: Record<string, unknown>;
  /** The part of the evidence whose change reopens a resolved item (default: all of it); a growing absence run keeps its start. */
  stable?: Record<string, unknown>;
}

/** A person's decision on a fuzzy pair (finding_match_links). */
export interface MatchLink {
  registerKey: string;
  rollKey: string;
  sameChild: boolean;
}

export const ID_NUMBER = /^[1-9][0-9]{16}[0-9X]$/;

/** The key a child is known by: the ID number, else name and birth date. */
export function childKeyOf(idNumber: string | null, name: string, birthDate: string | null): string {
  return idNumber && ID_NUMBER.test(idNumber) ? `ID:${idNumber}` : `NB:${name.trim()}|${birthDate ?? ''}`;
}

/** A roll entry is known by its school and 学籍号. */
export function rollKeyOf(row: Pick<RollRow, 'school' | 'studentNumber'>): string {
  return `ROLL:${row.school}|${row.studentNumber}`;
}

/** Levenshtein distance over characters (code points), stopping early past `max`. */
export function nameEdits(a: string, b: string, max = Infinity): number {
  const x = [...a.trim()];
  const y = [...b.trim()];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[y.length];
}

/** Toneless pinyin of a name ('张晓明' and '张小明' both 'zhang xiao ming'). */
export function namePinyin(name: string): string {
  return pinyin(name.trim(), { toneType: 'none', type: 'array' }).join(' ').toLowerCase();
}

/** Whether two names are close enough to ask a person: within `maxEdits` characters, or the same pinyin. */
export function namesClose(a: string, b: string, maxEdits: number): boolean {
  return nameEdits(a, b, maxEdits) <= maxEdits || namePinyin(a) === namePinyin(b);
}

/** School age by the policy: whole years on 1 September of the school year `today` is in. */
export function isSchoolAge(birthDate: string | null, policy: FindingPolicy, today: Date): boolean {
  if (!birthDate) return false;
  const age = ageOn(birthDate, schoolYearStart(today));
  return age >= policy.schoolAge.minAge && age <= policy.schoolAge.maxAge;
}

interface RollEntry {
  row: RollRow;
  key: string;
  claimed: boolean;
}

interface UnmatchedRegister {
  row: RegisterRow;
  key: string;
}

/**
 * Matches one town's register against its roll. Use: `addRoll` every batch of the roll, then
 * `matchRegister` every batch of the register (it returns the records and findings it can decide
 * at once), then `finish` for the rest.
 */
export class CrossMatcher {
  private readonly roll: RollEntry[] = [];
  private readonly byId = new Map<string, RollEntry[]>();
  private readonly byNameBirth = new Map<string, RollEntry[]>();
  private readonly byRollKey = new Map<string, RollEntry>();
  private readonly accepted = new Map<string, string>();
  private readonly rejected = new Set<string>();
  private readonly unmatched: UnmatchedRegister[] = [];
  private registerRows = 0;
  private matchedRows = 0;

  constructor(
    private readonly policy: FindingPolicy,
    private readonly today: Date,
    links: readonly MatchLink[] = [],
  ) {
    for (const link of links) {
      if (link.sameChild) this.accepted.set(link.registerKey, link.rollKey);
      else this.rejected.add(`${link.registerKey}→${link.rollKey}`);
    }
  }

  addRoll(rows: readonly RollRow[]): void {
    for (const row of rows) {
      const entry: RollEntry = { row, key: rollKeyOf(row), claimed: false };
      this.roll.push(entry);
      this.byRollKey.set(entry.key, entry);
      if (row.idNumber) push(this.byId, row.idNumber, entry);
      push(this.byNameBirth, `${row.name.trim()}|${row.birthDate ?? ''}`, entry);
    }
  }

  /** The roll entry a school's 学籍号 names (attendance rows are joined to the roll by it). */
  rollEntry(school: string, studentNumber: string): { row: RollRow; childKey: string } | undefined {
    const entry = this.byRollKey.get(rollKeyOf({ school, studentNumber }));
    return entry && { row: entry.row, childKey: childKeyOf(entry.row.idNumber, entry.row.name, entry.row.birthDate) };
  }

  matchRegister(rows: readonly RegisterRow[]): { records: ChildRecord[]; findings: Finding[] } {
    const records: ChildRecord[] = [];
    const findings: Finding[] = [];
    for (const row of rows) {
      this.registerRows++;
      const key = childKeyOf(row.idNumber, row.name, row.birthDate);
      const entries = this.findRoll(row, key);
      if (entries.length === 0) {
        const record = this.registerOnly(row, key);
        // Decided at the end, when every roll entry claimed has been claimed (fuzzy candidates are the unclaimed ones).
        if (record.schoolAge) this.unmatched.push({ row, key });
        else records.push(record);
        continue;
      }
      this.matchedRows++;
      for (const e of entries) e.claimed = true;
      const first = entries[0].row;
      const record: ChildRecord = {
        childKey: childKeyOf(row.idNumber ?? first.idNumber, row.name, row.birthDate),
        idNumber: row.idNumber ?? first.idNumber,
        name: row.name,
        birthDate: row.birthDate,
        sex: row.sex ?? first.sex,
        area: row.area,
        school: first.school,
        grade: first.grade,
        className: first.className,
        studentNumber: first.studentNumber,
        onRegister: true,
        onRoll: true,
        schoolAge: isSchoolAge(row.birthDate, this.policy, this.today),
      };
      records.push(record);
      const conflicting = entries.filter((e) => e.row.birthDate && e.row.birthDate !== row.birthDate);
      if (conflicting.length > 0) {
        findings.push({
          kind: 'BIRTH_DATE_CONFLICT',
          fingerprint: record.childKey,
          child: record,
          evidence: { registerBirthDate: row.birthDate, rollBirthDates: conflicting.map((e) => ({ school: e.row.school, studentNumber: e.row.studentNumber, birthDate: e.row.birthDate })) },
        });
      }
    }
    return { records, findings };
  }

  /** The rest: register rows on no roll (fuzzy review or 未入学), roll rows on no register, children on two rolls. */
  finish(): { records: ChildRecord[]; findings: Finding[]; stats: MatchStats } {
    const records: ChildRecord[] = [];
    const findings: Finding[] = [];
    const unclaimedByBirth = new Map<string, RollEntry[]>();
    for (const e of this.roll) if (!e.claimed && e.row.birthDate) push(unclaimedByBirth, e.row.birthDate, e);
    const inReview = new Set<RollEntry>();
    let fuzzy = 0;
    for (const { row, key } of this.unmatched) {
      const record = this.registerOnly(row, key);
      records.push(record);
      const candidates = (unclaimedByBirth.get(row.birthDate) ?? []).filter(
        (e) => !this.rejected.has(`${key}→${e.key}`) && namesClose(row.name, e.row.name, this.policy.fuzzy.maxNameEdits),
      );
      if (candidates.length === 0) {
        findings.push({ kind: 'NOT_ENROLLED', fingerprint: key, child: record, evidence: { area: row.area, birthDate: row.birthDate } });
        continue;
      }
      for (const e of candidates) {
        inReview.add(e);
        fuzzy++;
        findings.push({
          kind: 'FUZZY_MATCH',
          fingerprint: `${key}→${e.key}`,
          child: record,
          evidence: {
            registerKey: key,
            rollKey: e.key,
            register: { name: row.name, birthDate: row.birthDate, area: row.area, hasIdNumber: row.idNumber !== null },
            roll: { name: e.row.name, birthDate: e.row.birthDate, school: e.row.school, studentNumber: e.row.studentNumber, grade: e.row.grade, className: e.row.className, hasIdNumber: e.row.idNumber !== null },
            nameEdits: nameEdits(row.name, e.row.name),
            samePinyin: namePinyin(row.name) === namePinyin(e.row.name),
          },
        });
      }
    }
    let rollOnly = 0;
    for (const e of this.roll) {
      if (e.claimed) continue;
      const record = this.rollOnly(e.row);
      records.push(record);
      if (inReview.has(e)) continue; // a person decides first whether it is the register's child
      rollOnly++;
      findings.push({
        kind: 'ROLL_WITHOUT_REGISTER',
        fingerprint: e.key,
        child: record,
        evidence: { school: e.row.school, studentNumber: e.row.studentNumber, grade: e.row.grade, className: e.row.className },
      });
    }
    let twoRolls = 0;
    for (const [idNumber, entries] of this.byId) {
      const places = new Set(entries.map((e) => e.key));
      if (places.size < 2) continue;
      twoRolls++;
      const first = entries[0].row;
      const record = { ...this.rollOnly(first), onRegister: entries.some((e) => e.claimed) };
      findings.push({
        kind: 'ON_TWO_ROLLS',
        fingerprint: `ID:${idNumber}`,
        child: record,
        evidence: { rolls: entries.map((e) => ({ school: e.row.school, studentNumber: e.row.studentNumber, grade: e.row.grade, className: e.row.className })).sort((a, b) => `${a.school}|${a.studentNumber}`.localeCompare(`${b.school}|${b.studentNumber}`)) },
      });
    }
    const stats: MatchStats = {
      registerRows: this.registerRows,
      rollRows: this.roll.length,
      matched: this.matchedRows,
      notEnrolled: findings.filter((f) => f.kind === 'NOT_ENROLLED').length,
      fuzzyPairs: fuzzy,
      rollWithoutRegister: rollOnly,
      onTwoRolls: twoRolls,
    };
    return { records, findings, stats };
  }

  private findRoll(row: RegisterRow, key: string): RollEntry[] {
    if (row.idNumber) {
      const byId = this.byId.get(row.idNumber);
      if (byId) return byId;
    }
    const linked = this.accepted.get(key);
    const link = linked ? this.byRollKey.get(linked) : undefined;
    if (link) return [link];
    // Name + birth date only where one side has no ID number, and each roll entry once.
    const candidate = (this.byNameBirth.get(`${row.name.trim()}|${row.birthDate}`) ?? []).find((e) => !e.claimed && (!row.idNumber || !e.row.idNumber));
    return candidate ? [candidate] : [];
  }

  private registerOnly(row: RegisterRow, key: string): ChildRecord {
    return {
      childKey: key,
      idNumber: row.idNumber,
      name: row.name,
      birthDate: row.birthDate,
      sex: row.sex,
      area: row.area,
      school: null,
      grade: null,
      className: null,
      studentNumber: null,
      onRegister: true,
      onRoll: false,
      schoolAge: isSchoolAge(row.birthDate, this.policy, this.today),
    };
  }

  private rollOnly(row: RollRow): ChildRecord {
    return {
      childKey: childKeyOf(row.idNumber, row.name, row.birthDate),
      idNumber: row.idNumber,
      name: row.name,
      birthDate: row.birthDate,
      sex: row.sex,
      area: null,
      school: row.school,
      grade: row.grade,
      className: row.className,
      studentNumber: row.studentNumber,
      onRegister: false,
      onRoll: true,
      schoolAge: isSchoolAge(row.birthDate, this.policy, this.today),
    };
  }
}

export interface MatchStats {
  registerRows: number;
  rollRows: number;
  matched: number;
  notEnrolled: number;
  fuzzyPairs: number;
  rollWithoutRegister: number;
  onTwoRolls: number;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
