/** The matching of 四查三比对 (src/finding/check/matching.ts): register × roll, without a database. */
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { CrossMatcher, Finding, MatchLink, nameEdits, namesClose, RegisterRow, RollRow, isSchoolAge } from '../../src/finding/check/matching';

const policy = loadFindingPolicy();
const today = new Date('2026-11-20T00:00:00Z'); // school year from 2026-09-01

const reg = (name: string, birthDate: string, idNumber: string | null, area = 'GAOPING'): RegisterRow => ({ name, birthDate, idNumber, sex: 'M', area });
const roll = (name: string, birthDate: string | null, idNumber: string | null, studentNumber: string, school = 'GULING_PRIMARY'): RollRow => ({
  name,
  birthDate,
  idNumber,
  studentNumber,
  school,
  sex: 'M',
  grade: 5,
  className: '五年级一班',
});

function run(register: RegisterRow[], rolls: RollRow[], links: MatchLink[] = []) {
  const m = new CrossMatcher(policy, today, links);
  m.addRoll(rolls.slice(0, 1));
  m.addRoll(rolls.slice(1)); // in batches, as the activity streams them
  const first = m.matchRegister(register);
  const rest = m.finish();
  const findings: Finding[] = [...first.findings, ...rest.findings];
  return { records: [...first.records, ...rest.records], findings, kinds: findings.map((f) => `${f.kind}:${f.child.name}`).sort(), stats: rest.stats };
}

describe('matching the household register against the school roll', () => {
  it('matches on the ID number first, even when the names are written differently', () => {
    const { kinds, records } = run([reg('张小明', '2015-05-15', '500235201505150019')], [roll('张晓明', '2015-05-15', '500235201505150019', 'G001')]);
    expect(kinds).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ childKey: 'ID:500235201505150019', onRegister: true, onRoll: true, school: 'GULING_PRIMARY', area: 'GAOPING', schoolAge: true })]);
  });

  it('matches on name and birth date where one side has no ID number', () => {
    const { kinds, stats } = run([reg('李四', '2016-01-02', null)], [roll('李四', '2016-01-02', '500235201601020011', 'G002')]);
    expect(kinds).toEqual([]);
    expect(stats.matched).toBe(1);
  });

  it('does not match two different ID numbers on name and birth date: a person reviews the pair', () => {
    const { kinds } = run([reg('王五', '2016-03-03', '500235201603030014')], [roll('王五', '2016-03-03', '500235201603030022', 'G003')]);
    expect(kinds).toEqual(['FUZZY_MATCH:王五']);
  });

  it('lists a school-age child on the register and on no roll as 未入学, but not a child too young or too old', () => {
    const { kinds } = run([reg('赵六', '2014-02-02', '500235201402020016'), reg('幼儿', '2022-01-01', '500235202201010015'), reg('成人', '2005-01-01', '500235200501010012')], []);
    expect(kinds).toEqual(['NOT_ENROLLED:赵六']);
  });

  it('proposes a fuzzy match (same birth date, name one character or the same pinyin apart) for review, never applies it', () => {
    const { kinds, findings, stats } = run([reg('陈小红', '2015-07-07', null)], [roll('陈晓红', '2015-07-07', null, 'G004')]);
    expect(kinds).toEqual(['FUZZY_MATCH:陈小红']);
    expect(findings[0].evidence).toMatchObject({ nameEdits: 1, samePinyin: true, roll: { studentNumber: 'G004' } });
    expect(stats.matched).toBe(0);
  });

  it('uses a pair a person accepted as a match, and after a rejection lists both sides', () => {
    const register = [reg('陈小红', '2015-07-07', null)];
    const rolls = [roll('陈晓红', '2015-07-07', null, 'G004')];
    const registerKey = 'NB:陈小红|2015-07-07';
    const rollKey = 'ROLL:GULING_PRIMARY|G004';
    expect(run(register, rolls, [{ registerKey, rollKey, sameChild: true }]).kinds).toEqual([]);
    expect(run(register, rolls, [{ registerKey, rollKey, sameChild: false }]).kinds).toEqual(['NOT_ENROLLED:陈小红', 'ROLL_WITHOUT_REGISTER:陈晓红']);
  });

  it('lists a roll entry with no register entry, conflicting birth dates, and a child on two rolls', () => {
    const { kinds, findings } = run(
      [reg('孙七', '2015-08-08', '500235201508080017'), reg('周八', '2013-09-09', '500235201309090010')],
      [
        roll('孙七', '2015-08-18', '500235201508080017', 'G005'),
        roll('周八', '2013-09-09', '500235201309090010', 'M001', 'GULING_MIDDLE'),
        roll('周八', '2013-09-09', '500235201309090010', 'G006'),
        roll('外来生', '2016-06-06', '500235201606060019', 'G007'),
      ],
    );
    expect(kinds).toEqual(['BIRTH_DATE_CONFLICT:孙七', 'ON_TWO_ROLLS:周八', 'ROLL_WITHOUT_REGISTER:外来生']);
    expect(findings.find((f) => f.kind === 'BIRTH_DATE_CONFLICT')!.evidence).toMatchObject({ registerBirthDate: '2015-08-08', rollBirthDates: [{ birthDate: '2015-08-18' }] });
    expect(findings.find((f) => f.kind === 'ON_TWO_ROLLS')!.evidence.rolls).toHaveLength(2);
  });

  it('gives the same findings with the same fingerprints on a second run (a re-run changes nothing)', () => {
    const register = [reg('赵六', '2014-02-02', '500235201402020016'), reg('陈小红', '2015-07-07', null)];
    const rolls = [roll('陈晓红', '2015-07-07', null, 'G004'), roll('外来生', '2016-06-06', '500235201606060019', 'G007')];
    const a = run(register, rolls).findings.map((f) => [f.kind, f.fingerprint]);
    const b = run(register, rolls).findings.map((f) => [f.kind, f.fingerprint]);
    expect(b).toEqual(a);
    expect(a.length).toBe(3);
  });
});

describe('name closeness and school age', () => {
  it('counts edits by character and stops early', () => {
    expect(nameEdits('张小明', '张小明')).toBe(0);
    expect(nameEdits('张小明', '张晓明')).toBe(1);
    expect(nameEdits('张小明', '李大山', 1)).toBe(2);
    expect(namesClose('欧阳小明', '欧阳晓明', 0)).toBe(true); // same pinyin
    expect(namesClose('张小明', '李大山', 1)).toBe(false);
  });

  it('takes school age from the policy, counted on 1 September', () => {
    expect(isSchoolAge('2020-09-01', policy, today)).toBe(true); // 6 on 2026-09-01
    expect(isSchoolAge('2020-09-02', policy, today)).toBe(false); // 5 on 2026-09-01
    expect(isSchoolAge('2011-09-02', policy, today)).toBe(true); // 14
    expect(isSchoolAge('2011-09-01', policy, today)).toBe(false); // 15
  });
});
