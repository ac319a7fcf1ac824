/** The permission table and the pure functions around it (src/access/permissions.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  actionsOf,
  caseScope,
  CaseScopeFacts,
  inCaseScope,
  mayAct,
  mayReadAudit,
  mayReadCase,
  mayReport,
  permissionTableMarkdown,
  PERMISSIONS,
  ScopedUser,
  seesFullIdentity,
  visibleActions,
} from '../../src/access/permissions';
import { ROLES, Role } from '../../src/access/roles';
import { ACTION_TYPES, ActionType, STAGES } from '../../src/workflows/vocabulary';

/** Home visits, persuasion, refusal, return, relapse: what schools and villages both do. */
const FIELD_WORK: ActionType[] = ['RECORD_HOME_VISIT', 'RECORD_PERSUASION', 'PERSUASION_REFUSED', 'RECORD_RETURN', 'RECORD_RELAPSE'];

/** The table as the issue and DOMAIN.md state it, written out again by hand. */
const EXPECTED_ACTIONS: Record<Role, ActionType[]> = {
  // Approvals (issue 14): the leading group decides requests; caseworkers ask (the policy narrows who decides what).
  // Transfers: the leading group answers a transfer another town asks of its own.
  LEADER: ['APPROVE_CLOSURE', 'EXTEND_DEADLINE', 'ADD_NOTE', 'APPROVE_REQUEST', 'REJECT_REQUEST', 'ACCEPT_TRANSFER', 'DECLINE_TRANSFER'],
  DEPUTY_LEADER: ['APPROVE_CLOSURE', 'EXTEND_DEADLINE', 'ADD_NOTE', 'APPROVE_REQUEST', 'REJECT_REQUEST', 'ACCEPT_TRANSFER', 'DECLINE_TRANSFER'],
  COORDINATOR: [...ACTION_TYPES],
  DAILY_OFFICER: [...ACTION_TYPES],
  PRINCIPAL: [...FIELD_WORK, 'PAUSE', 'RESUME', 'ADD_NOTE', 'ADD_SUPPORT', 'RECORD_SUPPORT_OUTCOME', 'REQUEST_APPROVAL', 'TRANSFER', 'COMPLETE'],
  TEACHER: [...FIELD_WORK, 'PAUSE', 'RESUME', 'ADD_NOTE', 'ADD_SUPPORT', 'RECORD_SUPPORT_OUTCOME', 'REQUEST_APPROVAL', 'TRANSFER', 'COMPLETE'],
  VILLAGE_SECRETARY: [...FIELD_WORK, 'PAUSE', 'RESUME', 'ADD_NOTE', 'ADD_SUPPORT', 'RECORD_SUPPORT_OUTCOME', 'REQUEST_APPROVAL'],
  VILLAGE_CADRE: [...FIELD_WORK, 'PAUSE', 'RESUME', 'ADD_NOTE', 'ADD_SUPPORT', 'RECORD_SUPPORT_OUTCOME', 'REQUEST_APPROVAL'],
  TOWN_OFFICE: ['ISSUE_CORRECTION_ORDER', 'ADD_NOTE', 'REQUEST_APPROVAL'],
  JUSTICE_OFFICE: ['ISSUE_JUDICIAL_DOCUMENT', 'REFER_LEGAL_LIABILITY', 'ADD_NOTE'],
  POLICE_STATION: ['RECORD_LEGAL_OUTCOME', 'ADD_NOTE'],
  TOWN_ADMIN: [],
};

const FULL_IDENTITY: Role[] = ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE', 'TOWN_OFFICE', 'JUSTICE_OFFICE', 'POLICE_STATION'];
const REPORTERS: Role[] = ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE'];

function user(role: Role, place: Partial<ScopedUser> = {}): ScopedUser {
  return { role, town: 'GULING', area: null, school: null, grade: null, className: null, ...place };
}

const USERS: Record<Role, ScopedUser> = {
  LEADER: user('LEADER'),
  DEPUTY_LEADER: user('DEPUTY_LEADER'),
  COORDINATOR: user('COORDINATOR'),
  DAILY_OFFICER: user('DAILY_OFFICER'),
  PRINCIPAL: user('PRINCIPAL', { school: 'GULING_PRIMARY' }),
  TEACHER: user('TEACHER', { school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' }),
  VILLAGE_SECRETARY: user('VILLAGE_SECRETARY', { area: 'GAOPING' }),
  VILLAGE_CADRE: user('VILLAGE_CADRE', { area: 'GAOPING' }),
  TOWN_OFFICE: user('TOWN_OFFICE'),
  JUSTICE_OFFICE: user('JUSTICE_OFFICE'),
  POLICE_STATION: user('POLICE_STATION'),
  TOWN_ADMIN: user('TOWN_ADMIN'),
};

function facts(overrides: Partial<CaseScopeFacts> = {}): CaseScopeFacts {
  return { town: 'GULING', area: 'GAOPING', school: 'GULING_PRIMARY', stage: 'HOME_VISIT', grade: 5, className: '五年级二班', ...overrides };
}

describe('the permission table', () => {
  it.each(ROLES)('%s takes exactly the action types the issue gives it', (role) => {
    expect(new Set(actionsOf(role))).toEqual(new Set(EXPECTED_ACTIONS[role]));
    for (const type of ACTION_TYPES) expect(mayAct(role, type)).toBe(EXPECTED_ACTIONS[role].includes(type));
  });

  it('shows full ID numbers and phones in a case to the roles that visit, phone or write legal documents, not to the leading group', () => {
    expect(ROLES.filter(seesFullIdentity)).toEqual(FULL_IDENTITY);
  });

  it('lets schools, villages, the coordinator and the daily officer report; lets only the leading group read the audit log', () => {
    expect(ROLES.filter((r) => PERMISSIONS[r].report)).toEqual(REPORTERS);
    expect(ROLES.filter(mayReadAudit)).toEqual(['LEADER', 'DEPUTY_LEADER']);
  });

  it('has a row for every role and no unknown action types', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) for (const a of PERMISSIONS[role].actions) expect(ACTION_TYPES).toContain(a);
  });

  it('is the table docs/security.md documents', () => {
    const security = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    expect(security).toContain(permissionTableMarkdown());
  });
});

describe('read scope', () => {
  it('the leading group, the coordinator, the daily officer and the town office read every case of the town', () => {
    for (const role of ['LEADER', 'DEPUTY_LEADER', 'COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'] as Role[]) {
      expect(caseScope(USERS[role])).toEqual({ kind: 'ALL' });
      for (const stage of STAGES) expect(mayReadCase(USERS[role], facts({ stage, area: 'HONGPING', school: 'GULING_MIDDLE' }))).toBe(true);
    }
  });

  it('a principal reads the cases of their school, whatever the area or class', () => {
    const principal = USERS.PRINCIPAL;
    expect(mayReadCase(principal, facts({ area: 'HONGPING', grade: 2, className: '二年级一班' }))).toBe(true);
    expect(mayReadCase(principal, facts({ school: 'GULING_MIDDLE', grade: 8 }))).toBe(false);
  });

  it('a teacher reads the cases of their class only: school, grade and class must all match', () => {
    const teacher = USERS.TEACHER;
    expect(mayReadCase(teacher, facts())).toBe(true);
    expect(mayReadCase(teacher, facts({ area: 'HONGPING' }))).toBe(true);
    expect(mayReadCase(teacher, facts({ className: '五年级一班' }))).toBe(false);
    expect(mayReadCase(teacher, facts({ grade: 4 }))).toBe(false);
    expect(mayReadCase(teacher, facts({ school: 'GULING_MIDDLE' }))).toBe(false);
  });

  it('village secretaries and cadres read the cases of their area, whatever the school', () => {
    for (const role of ['VILLAGE_SECRETARY', 'VILLAGE_CADRE'] as Role[]) {
      expect(mayReadCase(USERS[role], facts({ school: 'GULING_MIDDLE', grade: 8 }))).toBe(true);
      expect(mayReadCase(USERS[role], facts({ area: 'QIAOTING' }))).toBe(false);
    }
  });

  it('the justice office reads cases at the judicial step and after; the police station at legal liability only', () => {
    const reads = (role: Role) => STAGES.filter((stage) => mayReadCase(USERS[role], facts({ stage })));
    expect(reads('JUSTICE_OFFICE')).toEqual(['JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY']);
    expect(reads('POLICE_STATION')).toEqual(['LEGAL_LIABILITY']);
  });

  it('the account administrator reads no case at any stage', () => {
    expect(caseScope(USERS.TOWN_ADMIN)).toEqual({ kind: 'NONE' });
    for (const stage of STAGES) expect(mayReadCase(USERS.TOWN_ADMIN, facts({ stage }))).toBe(false);
  });

  it('a user whose row lacks the place its role needs reads nothing', () => {
    expect(caseScope(user('PRINCIPAL'))).toEqual({ kind: 'NONE' });
    expect(caseScope(user('TEACHER', { school: 'GULING_PRIMARY', grade: 5 }))).toEqual({ kind: 'NONE' });
    expect(caseScope(user('VILLAGE_CADRE'))).toEqual({ kind: 'NONE' });
    expect(inCaseScope({ kind: 'NONE' }, facts())).toBe(false);
  });
});

describe('reporting', () => {
  const child = { town: 'GULING', area: 'GAOPING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' };

  it('is for reporters, and only for a child whose case they would then read', () => {
    expect(ROLES.filter((role) => mayReport(USERS[role], child))).toEqual(REPORTERS);
    const elsewhere = { town: 'GULING', area: 'HONGPING', school: 'GULING_MIDDLE', grade: 8, className: '八年级一班' };
    expect(ROLES.filter((role) => mayReport(USERS[role], elsewhere))).toEqual(['COORDINATOR', 'DAILY_OFFICER']);
    expect(mayReport(USERS.TEACHER, { ...child, className: '五年级一班' })).toBe(false);
    expect(mayReport(USERS.PRINCIPAL, { ...child, area: 'HONGPING', className: '三年级一班', grade: 3 })).toBe(true);
  });
});

describe('allowedActions as users see them', () => {
  it('are what the case allows now and the role may do', () => {
    const now: ActionType[] = ['ISSUE_JUDICIAL_DOCUMENT', 'REFER_LEGAL_LIABILITY', 'RECORD_RETURN', 'PAUSE', 'ADD_NOTE', 'EXTEND_DEADLINE'];
    expect(visibleActions('JUSTICE_OFFICE', now)).toEqual(['ISSUE_JUDICIAL_DOCUMENT', 'REFER_LEGAL_LIABILITY', 'ADD_NOTE']);
    expect(visibleActions('TEACHER', now)).toEqual(['RECORD_RETURN', 'PAUSE', 'ADD_NOTE']);
    expect(visibleActions('LEADER', now)).toEqual(['ADD_NOTE', 'EXTEND_DEADLINE']);
    expect(visibleActions('COORDINATOR', now)).toEqual(now);
  });
});
