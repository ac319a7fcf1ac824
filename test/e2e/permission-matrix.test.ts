/**
 * The permission matrix: every role (a demo account each) against every endpoint — list, read,
 * report, each of the 20 action types, the audit log — on cases inside and outside its scope,
 * against the real application and a real PostgreSQL, with the in-memory engine (this is the HTTP
 * layer's matrix; the engine's own stage rules are tested elsewhere).
 *
 * The expectations are written out here by hand, from the issue and DOMAIN.md, not read from
 * src/access/permissions.ts: the table there must agree with this one. Allowed requests reach
 * the engine; refused ones (403, 404) never do.
 */
import { chinaDay } from '../../src/api/cases/act-on-case/action-dates';
import { ACTION_TYPES, ActionType } from '../../src/workflows/vocabulary';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const USERS = ['leader', 'deputy', 'coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police'] as const;
type Username = (typeof USERS)[number];

const DISPLAY_NAMES: Record<Username, string> = {
  leader: '张术清',
  deputy: '王军',
  coordinator: '谭巧玲',
  officer: '秦豪',
  principal: '谢勇',
  teacher: '五年级二班班主任',
  secretary: '吴家俊',
  cadre: '高坪村驻村干部',
  town: '李尚春',
  justice: '何秋潼',
  police: '杨峰',
};

/**
 * The fixture cases. The principal is of 故陵小学, the teacher of its 5 年级 五年级二班, the
 * secretary and the cadre of 高坪村 (GAOPING).
 */
const CASES = {
  /** Everybody local: the teacher's class, the principal's school, the secretary's village. */
  A: { area: '高坪村', school: '故陵小学', grade: 5, className: '五年级二班', stage: 'HOME_VISIT' },
  /** Nobody local: another village, the middle school. */
  B: { area: '红坪村', school: '故陵中学', grade: 8, className: '八年级一班', stage: 'HOME_VISIT' },
  /** The principal's school and the secretary's village, but another class. */
  C: { area: '高坪村', school: '故陵小学', grade: 4, className: '四年级一班', stage: 'PERSUASION' },
  /** The teacher's class living in another village, at the judicial step. */
  D: { area: '桥亭村', school: '故陵小学', grade: 5, className: '五年级二班', stage: 'JUDICIAL_DOCUMENT' },
  /** The middle school, another village, at legal liability. */
  E: { area: '宝兴村', school: '故陵中学', grade: 9, className: '九年级一班', stage: 'LEGAL_LIABILITY' },
} as const;
type CaseKey = keyof typeof CASES;

const ALL: CaseKey[] = ['A', 'B', 'C', 'D', 'E'];

/** Which fixture cases each user reads (and lists). */
const READS: Record<Username, CaseKey[]> = {
  leader: ALL,
  deputy: ALL,
  coordinator: ALL,
  officer: ALL,
  principal: ['A', 'C', 'D'],
  teacher: ['A', 'D'],
  secretary: ['A', 'C'],
  cadre: ['A', 'C'],
  town: ALL,
  justice: ['D', 'E'],
  police: ['E'],
};

const FIELD_WORK: ActionType[] = ['RECORD_HOME_VISIT', 'RECORD_PERSUASION', 'PERSUASION_REFUSED', 'RECORD_RETURN', 'RECORD_RELAPSE', 'ADD_NOTE', 'ADD_SUPPORT', 'PAUSE', 'RESUME', 'RECORD_SUPPORT_OUTCOME', 'REQUEST_APPROVAL'];

/** Which action types each user takes on the cases it reads. */
const ACTS: Record<Username, ActionType[]> = {
  leader: ['APPROVE_CLOSURE', 'EXTEND_DEADLINE', 'ADD_NOTE', 'APPROVE_REQUEST', 'REJECT_REQUEST'],
  deputy: ['APPROVE_CLOSURE', 'EXTEND_DEADLINE', 'ADD_NOTE', 'APPROVE_REQUEST', 'REJECT_REQUEST'],
  coordinator: [...ACTION_TYPES],
  officer: [...ACTION_TYPES],
  principal: [...FIELD_WORK, 'TRANSFER', 'COMPLETE'],
  teacher: [...FIELD_WORK, 'TRANSFER', 'COMPLETE'],
  secretary: FIELD_WORK,
  cadre: FIELD_WORK,
  town: ['ISSUE_CORRECTION_ORDER', 'ADD_NOTE', 'REQUEST_APPROVAL'],
  justice: ['ISSUE_JUDICIAL_DOCUMENT', 'REFER_LEGAL_LIABILITY', 'ADD_NOTE'],
  police: ['RECORD_LEGAL_OUTCOME', 'ADD_NOTE'],
};

/** Who reports: a child of case A's place, and one of case B's. */
const REPORTS: Record<Username, { local: boolean; elsewhere: boolean }> = {
  leader: { local: false, elsewhere: false },
  deputy: { local: false, elsewhere: false },
  coordinator: { local: true, elsewhere: true },
  officer: { local: true, elsewhere: true },
  principal: { local: true, elsewhere: false },
  teacher: { local: true, elsewhere: false },
  secretary: { local: true, elsewhere: false },
  cadre: { local: true, elsewhere: false },
  town: { local: false, elsewhere: false },
  justice: { local: false, elsewhere: false },
  police: { local: false, elsewhere: false },
};

/** Who sees full ID numbers and phones in a case (lists are masked for all). */
const FULL_IDENTITY: Record<Username, boolean> = {
  leader: false,
  deputy: false,
  coordinator: true,
  officer: true,
  principal: true,
  teacher: true,
  secretary: true,
  cadre: true,
  town: true,
  justice: true,
  police: true,
};

const AUDIT_READERS: Username[] = ['leader', 'deputy'];

/** Today in China: the days an action names may be neither in the future nor before the case (action-dates.ts). */
const TODAY = chinaDay(new Date());

/** A valid body for each action type. */
const BODIES: Record<ActionType, Record<string, unknown>> = {
  RECORD_HOME_VISIT: { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', visitedOn: TODAY },
  RECORD_PERSUASION: { type: 'RECORD_PERSUASION', outcome: 'NOT_RETURNED' },
  PERSUASION_REFUSED: { type: 'PERSUASION_REFUSED', reason: '监护人拒绝' },
  ISSUE_CORRECTION_ORDER: { type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕1号', correctWithin: '15d' },
  ISSUE_JUDICIAL_DOCUMENT: { type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕1号' },
  REFER_LEGAL_LIABILITY: { type: 'REFER_LEGAL_LIABILITY', reason: '情节严重' },
  RECORD_LEGAL_OUTCOME: { type: 'RECORD_LEGAL_OUTCOME', outcome: '训诫' },
  RECORD_RETURN: { type: 'RECORD_RETURN', returnedOn: TODAY },
  RECORD_RELAPSE: { type: 'RECORD_RELAPSE', reason: '再次未到校' },
  APPROVE_CLOSURE: { type: 'APPROVE_CLOSURE' },
  PAUSE: { type: 'PAUSE', reason: '住院' },
  RESUME: { type: 'RESUME' },
  EXTEND_DEADLINE: { type: 'EXTEND_DEADLINE', newDueAt: '2099-03-20T17:00:00+08:00', reason: '外出务工', approver: 'leader' },
  REASSIGN: { type: 'REASSIGN', assignee: 'officer', reason: '调整分工' },
  ADD_NOTE: { type: 'ADD_NOTE', note: '电话回访' },
  ADD_SUPPORT: { type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'principal', dueAt: '2099-03-20T17:00:00+08:00' },
  EXEMPT: { type: 'EXEMPT', reason: '经批准缓学' },
  TRANSFER: { type: 'TRANSFER', reason: '随父母迁居', newSchool: '万州区第二中学' },
  COMPLETE: { type: 'COMPLETE', reason: '超龄' },
  CANCEL: { type: 'CANCEL', reason: '误报' },
  RECORD_SUPPORT_OUTCOME: { type: 'RECORD_SUPPORT_OUTCOME', measureId: 'x:2', outcome: 'DONE' },
  REQUEST_APPROVAL: { type: 'REQUEST_APPROVAL', decision: 'EXEMPTION', reason: '因病休学' },
  APPROVE_REQUEST: { type: 'APPROVE_REQUEST', approvalId: 'x:2', comment: '同意' },
  REJECT_REQUEST: { type: 'REJECT_REQUEST', approvalId: 'x:2', comment: '材料不全' },
};

let db: TestDatabase;
let api: TestApi;
const people = {} as Record<Username, AsUser>;
const ids = {} as Record<CaseKey, { caseId: string; childId: string; idNumber: string; phone: string }>;

function childBody(key: CaseKey | 'A' | 'B', n: number) {
  const place = CASES[key];
  return {
    name: `矩阵儿童${key}${n}`,
    idNumber: validIdNumber(`2012-0${(n % 9) + 1}-1${n % 10}`, n % 2 ? 'M' : 'F'),
    school: place.school,
    grade: place.grade,
    className: place.className,
    area: place.area,
    guardians: [{ name: '监护人', phone: `139${String(10_000_000 + n).slice(-8)}`, relation: '母亲' }],
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  for (const username of USERS) people[username] = await as(api.server, username);
  for (const [n, key] of ALL.entries()) {
    const body = childBody(key, n);
    const res = await people.coordinator.post('/api/cases').send({ child: body, cause: 'GUARDIAN_REFUSES' }).expect(201);
    ids[key] = { caseId: res.body.id, childId: res.body.child.id, idNumber: body.idNumber, phone: body.guardians[0].phone };
    // Move the case to its stage and let the case allow every action now, so what a user sees is its role's part.
    await db.dataSource.query(`UPDATE cases SET stage = $2, allowed_actions = $3 WHERE id = $1`, [res.body.id, CASES[key].stage, [...ACTION_TYPES]]);
  }
}, 60_000);

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const caseOf = (caseId: string) => ALL.find((k) => ids[k].caseId === caseId);

describe('the fixture', () => {
  it('is what the matrix assumes: every role reads some case and misses another, except the town-wide ones', () => {
    for (const username of USERS) {
      const reads = READS[username];
      expect(reads.length).toBeGreaterThan(0);
      if (reads.length < ALL.length) expect(ALL.filter((k) => !reads.includes(k)).length).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/cases: each role lists exactly its scope, filtered in the database', () => {
  it.each(USERS)('%s', async (username) => {
    const res = await people[username].get('/api/cases?pageSize=100').expect(200);
    expect(res.body.items.map((c: { id: string }) => caseOf(c.id)).sort()).toEqual([...READS[username]].sort());
    expect(res.body.total).toBe(READS[username].length);
    // Filtered before paging: page 1 of size 1 holds one of the user's cases and the total counts only theirs.
    const first = await people[username].get('/api/cases?pageSize=1').expect(200);
    expect(first.body.total).toBe(READS[username].length);
    expect(READS[username]).toContain(caseOf(first.body.items[0].id));
    // ID numbers are masked in every list, for every role.
    for (const item of res.body.items) {
      expect(item.child.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(item.child.masked).toBe(true);
    }
    // allowedActions: what the case allows now (everything, here) and the role may do.
    for (const item of res.body.items) expect(item.allowedActions).toEqual(ACTION_TYPES.filter((t) => ACTS[username].includes(t)));
     // One child's cases (the registry's child page): that child's only, and still only within the scope.
    for (const key of ALL) {
      const ofChild = await people[username].get(`/api/cases?childId=${ids[key].childId}`).expect(200);
      expect([key, ofChild.body.items.map((c: { id: string }) => caseOf(c.id))]).toEqual([key, READS[username].includes(key) ? [key] : []]);
    }
  });
});

describe('GET /api/cases/:id: a case outside the scope does not exist (404)', () => {
  it.each(USERS)('%s', async (username) => {
    const seen: string[] = [];
    for (const key of ALL) {
      const res = await people[username].get(`/api/cases/${ids[key].caseId}`);
      seen.push(`${key}:${res.status}${res.status === 404 ? `:${res.body.code}` : ''}`);
      if (res.status !== 200) continue;
      // Masked for the roles that do not need the identity; in full for the others.
      const { child } = res.body;
      if (FULL_IDENTITY[username]) {
        expect(child).toMatchObject({ idNumber: ids[key].idNumber, masked: false, guardians: [expect.objectContaining({ phone: ids[key].phone })] });
      } else {
        expect(child.idNumber).toBe(`${ids[key].idNumber.slice(0, 6)}********${ids[key].idNumber.slice(-4)}`);
        expect(child.masked).toBe(true);
        expect(child.guardians[0].phone).toBe(`${ids[key].phone.slice(0, 3)}****${ids[key].phone.slice(-4)}`);
        expect(JSON.stringify(res.body)).not.toContain(ids[key].idNumber);
      }
      expect(res.body.allowedActions).toEqual(ACTION_TYPES.filter((t) => ACTS[username].includes(t)));
    }
    expect(seen).toEqual(ALL.map((k) => (READS[username].includes(k) ? `${k}:200` : `${k}:404:CASE.NOT_FOUND`)));
  });
});

describe('POST /api/cases/:id/actions: every action type on every case', () => {
  it.each(USERS)('%s', async (username) => {
    const mismatches: string[] = [];
    for (const key of ALL) {
      for (const type of ACTION_TYPES) {
        const before = api.engine.actions.length;
        const res = await people[username].post(`/api/cases/${ids[key].caseId}/actions`).send(BODIES[type]);
        const expected = !READS[username].includes(key) ? 404 : ACTS[username].includes(type) ? 200 : 403;
        const reached = api.engine.actions.length - before;
        if (res.status !== expected) mismatches.push(`${key} ${type}: ${res.status} ${res.body.code ?? ''}, expected ${expected}`);
        if (reached !== (expected === 200 ? 1 : 0)) mismatches.push(`${key} ${type}: the engine was asked ${reached} times`);
        if (expected === 200 && reached === 1) {
          const asked = api.engine.actions.at(-1)!;
          if (asked.caseId !== ids[key].caseId || asked.action.type !== type || asked.action.actor !== `${DISPLAY_NAMES[username]}（${username}）`) {
            mismatches.push(`${key} ${type}: the engine got ${JSON.stringify(asked)}`);
          }
        }
        if (expected === 403) {
          if (res.body.code !== 'AUTH.FORBIDDEN') mismatches.push(`${key} ${type}: code ${res.body.code}`);
          // The refusal names what the role may do.
          if (JSON.stringify(res.body.details?.roleActions) !== JSON.stringify(ACTION_TYPES.filter((t) => ACTS[username].includes(t)))) {
            mismatches.push(`${key} ${type}: roleActions ${JSON.stringify(res.body.details?.roleActions)}`);
          }
        }
        if (expected === 404 && res.body.code !== 'CASE.NOT_FOUND') mismatches.push(`${key} ${type}: code ${res.body.code}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('POST /api/cases: who reports which child', () => {
  it.each(USERS)('%s', async (username) => {
    const n = 100 + USERS.indexOf(username) * 2;
    const before = api.engine.started.length;
    const local = await people[username].post('/api/cases').send({ child: childBody('A', n), cause: 'POVERTY' });
    const elsewhere = await people[username].post('/api/cases').send({ child: childBody('B', n + 1), cause: 'POVERTY' });
    expect([local.status, local.body.code]).toEqual(REPORTS[username].local ? [201, undefined] : [403, 'AUTH.FORBIDDEN']);
    expect([elsewhere.status, elsewhere.body.code]).toEqual(REPORTS[username].elsewhere ? [201, undefined] : [403, 'AUTH.FORBIDDEN']);
    const opened = [REPORTS[username].local, REPORTS[username].elsewhere].filter(Boolean).length;
    expect(api.engine.started.length - before).toBe(opened);
    if (REPORTS[username].local) expect(local.body.openedBy).toBe(`${DISPLAY_NAMES[username]}（${username}）`);
    // A child on file outside the scope is not found, as an unknown id would be; inside, its open case answers 409.
    const onFile = await people[username].post('/api/cases').send({ childId: ids.B.childId, cause: 'POVERTY' });
    const expectOnFile = !REPORTS[username].local ? 'AUTH.FORBIDDEN' : REPORTS[username].elsewhere ? 'CASE.ALREADY_OPEN' : 'CHILD.NOT_FOUND';
    expect(onFile.body.code).toBe(expectOnFile);
    expect(api.engine.started.length - before).toBe(opened);
  });

  it('a report of a child on file outside the reporter’s scope says only that another unit handles it: not its case, not its fields', async () => {
    const res = await people.principal.post('/api/cases').send({ child: { ...childBody('A', 300), idNumber: ids.B.idNumber }, cause: 'POVERTY' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CHILD.HANDLED_ELSEWHERE');
    expect(res.body.details).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain(ids.B.caseId);
    expect(JSON.stringify(res.body)).not.toContain(ids.B.childId);
  });
});

describe('GET /api/audit', () => {
  it.each(USERS)('%s', async (username) => {
    const res = await people[username].get('/api/audit');
    expect([res.status, res.body.code]).toEqual(AUDIT_READERS.includes(username) ? [200, undefined] : [403, 'AUTH.FORBIDDEN']);
  });
});

describe('without a token', () => {
  it('every endpoint answers 401 AUTH.REQUIRED and nothing reaches the engine', async () => {
    const { default: request } = await import('supertest');
    const before = { actions: api.engine.actions.length, started: api.engine.started.length };
    const calls = [
      request(api.server).get('/api/cases'),
      request(api.server).get(`/api/cases/${ids.A.caseId}`),
      request(api.server).post('/api/cases').send({ child: childBody('A', 400), cause: 'POVERTY' }),
      ...ACTION_TYPES.map((t) => request(api.server).post(`/api/cases/${ids.A.caseId}/actions`).send(BODIES[t])),
      request(api.server).get('/api/audit'),
      request(api.server).get('/api/me/tasks'),
      request(api.server).get('/api/me/notifications'),
      request(api.server).post('/api/me/notifications/x/read'),
      request(api.server).get(`/api/responsibility/cases/${ids.A.caseId}`),
    ];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.code]).toEqual([401, 'AUTH.REQUIRED']);
    expect({ actions: api.engine.actions.length, started: api.engine.started.length }).toEqual(before);
  });
});

describe('the audit log of the matrix', () => {
  it('has a row for every refused action, with the user and the code', async () => {
    const rows: Array<{ username: string; status: number; n: number }> = await db.dataSource.query(
      `SELECT username, status, count(*)::int AS n FROM audit_log WHERE what = 'ACT' GROUP BY username, status`,
    );
    const count = (username: Username, status: number) => rows.find((r) => r.username === username && r.status === status)?.n ?? 0;
    for (const username of USERS) {
      const readable = READS[username].length;
      expect([username, count(username, 404)]).toEqual([username, (ALL.length - readable) * ACTION_TYPES.length]);
      expect([username, count(username, 403)]).toEqual([username, readable * (ACTION_TYPES.length - ACTS[username].length)]);
      expect([username, count(username, 200)]).toEqual([username, readable * ACTS[username].length]);
    }
  });
});
