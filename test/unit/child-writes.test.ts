/** The one write rule for a child (src/access/child-writes.ts): role, proposed values, the record on file and its open case. */
import { ChildOnFileFacts, decideChildWrite, handledElsewhere } from '../../src/access/child-writes';
import type { ChildScopeFacts, ScopedUser } from '../../src/access/permissions';
import type { Role } from '../../src/access/roles';

function user(role: Role, place: Partial<ScopedUser> = {}): ScopedUser {
  return { role, town: 'GULING', area: null, school: null, grade: null, className: null, ...place };
}

const SECRETARY = user('VILLAGE_SECRETARY', { area: 'GAOPING' });
const TEACHER = user('TEACHER', { school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' });
const PRINCIPAL = user('PRINCIPAL', { school: 'GULING_PRIMARY' });
const COORDINATOR = user('COORDINATOR');

/** In the secretary's area, the principal's school and the teacher's class. */
const OWN: ChildScopeFacts = { town: 'GULING', area: 'GAOPING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' };
/** 双店村, the middle school: nobody's above but the town-wide roles'. */
const SHUANGDIAN: ChildScopeFacts = { town: 'GULING', area: 'SHUANGDIAN', school: 'GULING_MIDDLE', grade: 8, className: '八年级一班' };

const onFile = (child: ChildScopeFacts, openCase: Partial<ChildOnFileFacts['openCase']> | null = null): ChildOnFileFacts => ({
  child,
  openCase: openCase === null ? null : { ...child, stage: 'HOME_VISIT', ...openCase },
});

describe('decideChildWrite', () => {
  it.each([
    ['secretary', SECRETARY],
    ['teacher', TEACHER],
    ['principal', PRINCIPAL],
  ])('%s: a new child or a record of its own scope, with values of its scope, is allowed', (_name, who) => {
    expect(decideChildWrite(who, 'REGISTRY', null, OWN)).toEqual({ allowed: true });
    expect(decideChildWrite(who, 'REGISTRY', onFile(OWN), OWN)).toEqual({ allowed: true });
    expect(decideChildWrite(who, 'REGISTRY', onFile(OWN, {}), OWN)).toEqual({ allowed: true });
    expect(decideChildWrite(who, 'REPORT', onFile(OWN), null)).toEqual({ allowed: true });
  });

  it.each([
    ['secretary', SECRETARY],
    ['teacher', TEACHER],
    ['principal', PRINCIPAL],
  ])('%s: the record of another unit is refused even when the values are its own (the issue’s probe)', (_name, who) => {
    for (const kind of ['REGISTRY', 'REPORT'] as const) {
      expect(decideChildWrite(who, kind, onFile(SHUANGDIAN), OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
      expect(decideChildWrite(who, kind, onFile(SHUANGDIAN, { stage: 'JUDICIAL_DOCUMENT' }), OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
      expect(decideChildWrite(who, kind, onFile(SHUANGDIAN), null)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
    }
  });

  it('values outside the scope are refused first, whatever is on file: that refusal tells nothing about the registry', () => {
    expect(decideChildWrite(SECRETARY, 'REGISTRY', null, SHUANGDIAN)).toEqual({ allowed: false, refusal: 'VALUES_OUTSIDE_SCOPE' });
    expect(decideChildWrite(SECRETARY, 'REGISTRY', onFile(SHUANGDIAN), SHUANGDIAN)).toEqual({ allowed: false, refusal: 'VALUES_OUTSIDE_SCOPE' });
    expect(decideChildWrite(SECRETARY, 'REGISTRY', onFile(OWN), SHUANGDIAN)).toEqual({ allowed: false, refusal: 'VALUES_OUTSIDE_SCOPE' });
    expect(decideChildWrite(TEACHER, 'REGISTRY', onFile(OWN), { ...OWN, className: '五年级一班' })).toEqual({ allowed: false, refusal: 'VALUES_OUTSIDE_SCOPE' });
    expect(decideChildWrite(SECRETARY, 'REPORT', null, { ...OWN, town: 'XINHE' })).toEqual({ allowed: false, refusal: 'VALUES_OUTSIDE_SCOPE' });
  });

  it('a child of the scope whose open case stays with another unit (moved after the case opened) is not the user’s to write', () => {
    const movedIn = onFile(OWN, { area: 'SHUANGDIAN', school: 'GULING_MIDDLE' });
    expect(decideChildWrite(SECRETARY, 'REGISTRY', movedIn, OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
    expect(decideChildWrite(TEACHER, 'REGISTRY', movedIn, OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
    expect(decideChildWrite(COORDINATOR, 'REGISTRY', movedIn, OWN)).toEqual({ allowed: true });
    // The case's school is the teacher's, its area another village's: the teacher reads it, the secretary does not.
    const otherVillage = onFile(OWN, { area: 'QIAOTING' });
    expect(decideChildWrite(TEACHER, 'REGISTRY', otherVillage, OWN)).toEqual({ allowed: true });
    expect(decideChildWrite(SECRETARY, 'REGISTRY', otherVillage, OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
  });

  it('the town-wide writers write every child of their town, and only of their town', () => {
    expect(decideChildWrite(COORDINATOR, 'REGISTRY', onFile(SHUANGDIAN, { stage: 'JUDICIAL_DOCUMENT' }), OWN)).toEqual({ allowed: true });
    expect(decideChildWrite(COORDINATOR, 'REGISTRY', onFile({ ...SHUANGDIAN, town: 'XINHE' }), OWN)).toEqual({ allowed: false, refusal: 'RECORD_OUTSIDE_SCOPE' });
  });

  it('roles that do not write the registry or report are refused before anything else', () => {
    for (const role of ['LEADER', 'DEPUTY_LEADER', 'TOWN_OFFICE', 'JUSTICE_OFFICE', 'POLICE_STATION'] as const) {
      for (const kind of ['REGISTRY', 'REPORT'] as const) {
        expect([role, kind, decideChildWrite(user(role), kind, onFile(SHUANGDIAN), SHUANGDIAN)]).toEqual([role, kind, { allowed: false, refusal: 'NOT_PERMITTED' }]);
      }
    }
  });
});

describe('handledElsewhere', () => {
  it('names the coordinator and nothing about the child', () => {
    expect(handledElsewhere('谭巧玲')).toEqual({
      zh: '该儿童由其他单位负责，请与镇统筹负责人（谭巧玲）联系',
      en: "This child is handled by another unit; contact the town's coordinator (谭巧玲)",
    });
    expect(handledElsewhere().zh).toBe('该儿童由其他单位负责，请与镇统筹负责人联系');
  });
});
