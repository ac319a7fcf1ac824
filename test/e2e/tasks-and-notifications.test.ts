/**
 * Tasks and notifications over HTTP, on the app as `npm start` composes it (real Temporal dev
 * server, real PostgreSQL, worker with the outbox dispatcher): GET /api/me/tasks lists a person's
 * open tasks overdue first; REASSIGN moves a case's tasks; reminders and escalations arrive in the
 * inboxes; nobody reads or marks another person's. The policy: long windows, except the legal
 * gate TOWN_CRITICISM (due 2 s), so overdue work appears within seconds and nothing else moves.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { as } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';
import { eventually } from '../support/eventually';

const POLICY = {
  version: 'test-tasks.1',
  escalation: { reminderBefore: '1s', supervisorAfter: '0s', leaderAfter: '2s' },
  stages: {
    HOME_VISIT: { responsible: ['CLASS_TEACHER', 'VILLAGE_CADRE'], requiredAction: 'RECORD_HOME_VISIT', due: '1d', window: '1d', onWindowEnd: 'PERSUASION' },
    PERSUASION: { responsible: ['SCHOOL', 'VILLAGE'], window: '1d', onWindowEnd: 'TOWN_CRITICISM' },
    TOWN_CRITICISM: { responsible: ['TOWN_GOVERNMENT'], requiredAction: 'ISSUE_CORRECTION_ORDER', due: '2s', legalGate: true },
    CORRECTION_DEADLINE: { responsible: ['GUARDIAN', 'TOWN_GOVERNMENT'], window: '1d', onWindowEnd: 'JUDICIAL_DOCUMENT' },
    JUDICIAL_DOCUMENT: { responsible: ['JUSTICE_OFFICE'], requiredAction: 'ISSUE_JUDICIAL_DOCUMENT', due: '1d', window: '1d', windowStarts: 'AFTER_REQUIRED_ACTION', onWindowEnd: 'LEGAL_LIABILITY' },
    LEGAL_LIABILITY: { responsible: ['POLICE_STATION', 'COURT'], requiredAction: 'RECORD_LEGAL_OUTCOME', due: '30d' },
    RETURNED: { responsible: ['SCHOOL'], followUp: '30d', closureNeedsApproval: true },
  },
};

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
const ids: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };

interface TaskView {
  caseId: string;
  stage: string;
  overdue: boolean;
  paused: boolean;
  overdueByMs: number | null;
  child: { name: string; masked: boolean };
  routedTo: string;
  reassignedBy: string | null;
}

interface NotificationView {
  id: string;
  kind: string;
  caseId: string;
  readAt: string | null;
}

async function report(name: string): Promise<string> {
  const child = { ...reportBody().child, name, idNumber: validIdNumber('2012-06-01', 'F') };
  const res = await (await as(api, 'coordinator')).post('/api/cases').send({ ...reportBody(), child });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function act(caseId: string, action: Record<string, unknown>, username = 'coordinator') {
  return (await as(api, username)).post(`/api/cases/${caseId}/actions`).send(action);
}

async function toTownCriticism(caseId: string): Promise<void> {
  expect((await act(caseId, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);
  expect((await act(caseId, { type: 'PERSUASION_REFUSED', reason: '监护人拒绝送学' })).status).toBe(200);
}

async function tasksOf(username: string): Promise<TaskView[]> {
  const res = await (await as(api, username)).get('/api/me/tasks?pageSize=100').expect(200);
  return res.body.items;
}

async function notificationsOf(username: string, query = ''): Promise<{ items: NotificationView[]; unread: number; total: number }> {
  return (await (await as(api, username)).get(`/api/me/notifications?pageSize=100${query}`).expect(200)).body;
}

const inbox = (username: string, kind: string, caseId: string) =>
  eventually(`${kind} of case ${caseId} in ${username}'s inbox`, async () => (await notificationsOf(username)).items.find((n) => n.kind === kind && n.caseId === caseId));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-tasks-policy-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url, policyPath: join(dir, 'policy.json') }));
  api = app.apiUrl!;

  // A, B, C go to the legal gate; B's order moves it on (CORRECTION_DEADLINE, due in a day); D stays at the home visit.
  ids.A = await report('李小花');
  ids.B = await report('王小草');
  ids.C = await report('赵小树');
  ids.D = await report('钱小叶');
  for (const key of ['A', 'B', 'C'] as const) await toTownCriticism(ids[key]);
  expect((await act(ids.B, { type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕9号' }, 'town')).status).toBe(200);
  // A's and C's orders are overdue after 2 s; then C is paused (in hospital): a paused task is not overdue.
  for (const key of ['A', 'C'] as const) await waitForCase(api, ids[key], (c) => c.timeline.some((e) => e.type === 'DEADLINE_MISSED'));
  expect((await act(ids.C, { type: 'PAUSE', reason: '住院治疗' })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe('GET /api/me/tasks', () => {
  it('lists the town office’s open tasks overdue first, then by due date (a paused one is not overdue), with stage, work, due and overdue-by', async () => {
    const res = await (await as(api, 'town')).get('/api/me/tasks').expect(200);
    expect(res.body.items.map((t: TaskView) => [t.caseId, t.stage, t.overdue, t.paused])).toEqual([
      [ids.A, 'TOWN_CRITICISM', true, false],
      [ids.C, 'TOWN_CRITICISM', false, true],
      [ids.B, 'CORRECTION_DEADLINE', false, false],
    ]);
    const [a] = res.body.items;
    expect(a).toMatchObject({
      stageLabel: { zh: '批评教育', en: expect.any(String) },
      work: { zh: expect.stringContaining('责令限期改正'), en: expect.any(String) },
      role: 'TOWN_GOVERNMENT',
      routedTo: 'town',
      child: { name: '李小花', masked: false },
    });
    expect(a.overdueByMs).toBeGreaterThan(0);
    expect(a.overdueBy.zh).toMatch(/分钟|小时|天/);
    expect(res.body.total).toBe(3);
  });

  it('filters the list by stage, area, overdue and due-by day, the total counting the filtered ones (the task page’s filters)', async () => {
    const town = await as(api, 'town');
    const ids_ = async (query: string) => {
      const res = await town.get(`/api/me/tasks?${query}`).expect(200);
      expect(res.body.total).toBe(res.body.items.length);
      return res.body.items.map((t: TaskView & { area: string }) => [t.caseId, t.area]);
    };
    expect(await ids_('stage=TOWN_CRITICISM')).toEqual([[ids.A, 'GAOPING'], [ids.C, 'GAOPING']]);
    expect(await ids_('stage=CORRECTION_DEADLINE')).toEqual([[ids.B, 'GAOPING']]);
    expect(await ids_('overdue=true')).toEqual([[ids.A, 'GAOPING']]);
    expect(await ids_('overdue=false')).toEqual([[ids.C, 'GAOPING'], [ids.B, 'GAOPING']]);
    expect(await ids_(`area=${encodeURIComponent('高坪村')}&stage=TOWN_CRITICISM&overdue=true`)).toEqual([[ids.A, 'GAOPING']]);
    expect(await ids_('area=LANCAO')).toEqual([]);
    // B's order is due in a day: not by yesterday, by the day after tomorrow.
    const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await ids_(`dueBy=${day(2)}`)).map(([id]: [string]) => id)).toContain(ids.B);
    expect((await ids_(`dueBy=${day(-1)}`)).map(([id]: [string]) => id)).not.toContain(ids.B);
    // Bad filters are 400s in the error shape.
    expect((await town.get('/api/me/tasks?area=月亮村').expect(400)).body.code).toBe('AREA.UNKNOWN');
    expect((await town.get('/api/me/tasks?stage=CLOSED').expect(400)).body.details.fields[0].field).toBe('stage');
    expect((await town.get('/api/me/tasks?dueBy=2026-13-01').expect(400)).body.details.fields[0].field).toBe('dueBy');
  });

  it('gives the home visit to the class teacher (包班级) and the area’s resident cadre (包村), and shows each only their own', async () => {
    expect((await tasksOf('primary-g6c1')).map((t) => [t.caseId, t.stage, t.overdue])).toEqual([[ids.D, 'HOME_VISIT', false]]);
    expect((await tasksOf('cadre')).map((t) => [t.caseId, t.stage])).toEqual([[ids.D, 'HOME_VISIT']]);
    expect(await tasksOf('principal')).toEqual([]);
  });

  it('REASSIGN moves the case’s open tasks to the named person, is in the timeline, and tells them; a name that is no account, or whose role cannot read the case, is refused', async () => {
    const res = await act(ids.B, { type: 'REASSIGN', assignee: 'Gaoping-G1', reason: '驻村干部调整' });
    expect(res.status).toBe(200);
    expect(res.body.events[0]).toMatchObject({ type: 'REASSIGN', reason: '驻村干部调整' });
    expect((await tasksOf('town')).map((t) => t.caseId)).toEqual([ids.A, ids.C]);
    expect((await tasksOf('gaoping-g1')).map((t) => [t.caseId, t.routedTo, t.reassignedBy])).toEqual([[ids.B, 'town', '谭巧玲（coordinator）']]);
    await inbox('gaoping-g1', 'TASK_REASSIGNED', ids.B);
    const timeline = (await (await as(api, 'coordinator')).get(`/api/cases/${ids.B}`).expect(200)).body.timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'REASSIGN', actor: '谭巧玲（coordinator）' });

    const unknown = await act(ids.B, { type: 'REASSIGN', assignee: 'nobody-here', reason: '调整' });
    expect([unknown.status, unknown.body.code, unknown.body.details]).toEqual([400, 'ACTION.ASSIGNEE_UNKNOWN', { field: 'assignee', value: 'nobody-here' }]);
    // Lancao's cadre cannot open a Gaoping case: the task would wait forever.
    const outOfScope = await act(ids.B, { type: 'REASSIGN', assignee: 'cadre-lancao', reason: '调整' });
    expect([outOfScope.status, outOfScope.body.code, outOfScope.body.details.value]).toEqual([400, 'ACTION.ASSIGNEE_OUT_OF_SCOPE', 'cadre-lancao']);
    expect((await tasksOf('cadre-lancao')).map((t) => t.caseId)).not.toContain(ids.B);
    const forbidden = await act(ids.B, { type: 'REASSIGN', assignee: 'cadre', reason: '调整' }, 'teacher');
    expect(forbidden.status).toBe(404); // B is not the teacher's class: it does not exist for them
    const teacherOwn = await act(ids.D, { type: 'REASSIGN', assignee: 'cadre', reason: '调整' }, 'primary-g6c1');
    expect([teacherOwn.status, teacherOwn.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
  });

  it('masks the child’s name for a holder whose role needs no identity (the leader)', async () => {
    expect((await act(ids.A, { type: 'REASSIGN', assignee: 'leader', reason: '领导督办' })).status).toBe(200);
    expect((await tasksOf('leader')).map((t) => [t.caseId, t.child])).toEqual([[ids.A, { name: '李*花', masked: true }]]);
  });
});

describe('GET /api/responsibility/cases/:id', () => {
  it('names who answers for the case now, with names and links of the chain, for those who read the case only', async () => {
    const res = await (await as(api, 'coordinator')).get(`/api/responsibility/cases/${ids.D}`).expect(200);
    expect(res.body.openTasks.map((t: { holder: string; holderName: string; link: { zh: string }; stage: string }) => [t.holder, t.holderName, t.link.zh, t.stage])).toEqual([
      ['cadre', '高坪村驻村干部', '包村驻村干部', 'HOME_VISIT'],
      ['primary-g6c1', '六年级一班班主任', '包班级教师', 'HOME_VISIT'],
    ]);
    const outside = await (await as(api, 'teacher')).get(`/api/responsibility/cases/${ids.D}`);
    expect([outside.status, outside.body.code]).toEqual([404, 'CASE.NOT_FOUND']);
    const malformed = await (await as(api, 'coordinator')).get('/api/responsibility/cases/not-a-uuid');
    expect([malformed.status, malformed.body.code]).toEqual([400, 'CASE.INVALID_ID']);
  });
});

describe('GET /api/me/notifications', () => {
  it('the holder is reminded and told it is overdue; the area’s supervisor (高坪村 → 王军) and then the leader get the escalation', async () => {
    await inbox('town', 'REMINDER', ids.A);
    await inbox('town', 'DEADLINE_MISSED', ids.A);
    await inbox('deputy', 'ESCALATED_TO_SUPERVISOR', ids.A);
    await inbox('leader', 'ESCALATED_TO_LEADER', ids.A);
    expect((await notificationsOf('luoyang')).items.filter((n) => n.caseId === ids.A)).toEqual([]);
  });

  it('lists unread first, marks one read (once), and another person cannot mark it (404)', async () => {
    const before = await notificationsOf('town');
    const target = before.items[before.items.length - 1];
    expect(target.readAt).toBeNull();
    const read = await (await as(api, 'town')).post(`/api/me/notifications/${encodeURIComponent(target.id)}/read`).expect(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await (await as(api, 'town')).post(`/api/me/notifications/${encodeURIComponent(target.id)}/read`).expect(200);
    expect(again.body.readAt).toBe(read.body.readAt);

    const after = await notificationsOf('town');
    expect(after.unread).toBe(before.unread - 1);
    expect(after.items[after.items.length - 1].id).toBe(target.id); // the read one goes after every unread one
    expect(after.items.slice(0, -1).every((n) => n.readAt === null)).toBe(true);
    expect((await notificationsOf('town', '&unread=true')).items.map((n) => n.id)).not.toContain(target.id);

    const other = await (await as(api, 'deputy')).post(`/api/me/notifications/${encodeURIComponent(target.id)}/read`);
    expect([other.status, other.body.code]).toEqual([404, 'NOTIFICATION.NOT_FOUND']);
    expect((await notificationsOf('deputy')).items.map((n) => n.id)).not.toContain(target.id);
  });
});

describe('permissions of /api/me and /api/responsibility', () => {
  it('every endpoint needs a log-in (401 AUTH.REQUIRED)', async () => {
    const calls = [
      request(api).get('/api/me/tasks'),
      request(api).get('/api/me/notifications'),
      request(api).post('/api/me/notifications/x/read'),
      request(api).get(`/api/responsibility/cases/${ids.A}`),
    ];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.code]).toEqual([401, 'AUTH.REQUIRED']);
  });

  it('every role reads its own tasks and inbox, and bad paging is a 400', async () => {
    for (const username of ['leader', 'deputy', 'coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police']) {
      const user = await as(api, username);
      await user.get('/api/me/tasks').expect(200);
      await user.get('/api/me/notifications').expect(200);
    }
    const bad = await (await as(api, 'town')).get('/api/me/tasks?pageSize=0');
    expect([bad.status, bad.body.code]).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
  });
});
