/** Who imports which source for which scope (src/finding/sources/source-scope.ts), role by role. */
import type { ScopedUser } from '../../src/access/permissions';
import { decideSourceImport } from '../../src/finding/sources/source-scope';

const SCHOOLS = ['GULING_PRIMARY', 'GULING_MIDDLE'];
const user = (role: ScopedUser['role'], place: Partial<ScopedUser> = {}): ScopedUser => ({ role, town: 'GULING', area: null, school: null, grade: null, className: null, ...place });
const coordinator = user('COORDINATOR');
const principal = user('PRINCIPAL', { school: 'GULING_PRIMARY' });
const teacher = user('TEACHER', { school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' });

describe('decideSourceImport', () => {
  it('gives the town-wide files to the ledger keepers only, scope ""', () => {
    for (const kind of ['HOUSEHOLD_REGISTER', 'POVERTY_LIST'] as const) {
      expect(decideSourceImport(coordinator, kind, null, SCHOOLS)).toEqual({ allowed: true, scope: '', classOnly: null });
      expect(decideSourceImport(user('DAILY_OFFICER'), kind, null, SCHOOLS)).toMatchObject({ allowed: true, scope: '' });
      expect(decideSourceImport(principal, kind, null, SCHOOLS)).toMatchObject({ allowed: false, reason: 'FORBIDDEN', message: { zh: expect.stringContaining('全镇') } });
    }
  });

  it('asks the keepers for the school of a roll, and refuses a school the town lacks', () => {
    expect(decideSourceImport(coordinator, 'SCHOOL_ROLL', null, SCHOOLS)).toMatchObject({ allowed: false, reason: 'SCHOOL_REQUIRED' });
    expect(decideSourceImport(coordinator, 'SCHOOL_ROLL', 'GULING_MIDDLE', SCHOOLS)).toEqual({ allowed: true, scope: 'GULING_MIDDLE', classOnly: null });
    expect(decideSourceImport(coordinator, 'ATTENDANCE', 'ELSEWHERE', SCHOOLS)).toMatchObject({ allowed: false, reason: 'UNKNOWN_SCHOOL' });
  });

  it("gives a principal their own school's roll and attendance, never another's", () => {
    expect(decideSourceImport(principal, 'SCHOOL_ROLL', null, SCHOOLS)).toEqual({ allowed: true, scope: 'GULING_PRIMARY', classOnly: null });
    expect(decideSourceImport(principal, 'ATTENDANCE', 'GULING_PRIMARY', SCHOOLS)).toMatchObject({ allowed: true, scope: 'GULING_PRIMARY' });
    expect(decideSourceImport(principal, 'SCHOOL_ROLL', 'GULING_MIDDLE', SCHOOLS)).toMatchObject({ allowed: false, reason: 'FORBIDDEN' });
  });

  it("gives a teacher the attendance of their class (checked row by row against the roll), not the roll", () => {
    expect(decideSourceImport(teacher, 'ATTENDANCE', null, SCHOOLS)).toEqual({ allowed: true, scope: 'GULING_PRIMARY', classOnly: { grade: 5, className: '五年级二班' } });
    expect(decideSourceImport(teacher, 'SCHOOL_ROLL', null, SCHOOLS)).toMatchObject({ allowed: false, reason: 'FORBIDDEN' });
    expect(decideSourceImport({ ...teacher, className: null }, 'ATTENDANCE', null, SCHOOLS)).toMatchObject({ allowed: false });
  });

  it.each(['LEADER', 'DEPUTY_LEADER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE', 'TOWN_OFFICE', 'JUSTICE_OFFICE', 'POLICE_STATION', 'TOWN_ADMIN'] as const)('refuses %s every source', (role) => {
    for (const kind of ['HOUSEHOLD_REGISTER', 'SCHOOL_ROLL', 'ATTENDANCE', 'POVERTY_LIST'] as const) {
      expect(decideSourceImport(user(role, { area: 'GAOPING' }), kind, 'GULING_PRIMARY', SCHOOLS).allowed).toBe(false);
    }
  });
});
