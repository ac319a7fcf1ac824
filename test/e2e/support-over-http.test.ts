/**
 * Support measures, the support-before-sanction gate and extensions with an approver, over HTTP on
 * real Temporal and PostgreSQL, with the seconds policy and the gate switched on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { as, DEMO_PASSWORD } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, SECONDS_POLICY, startApp, testConfig, waitForCase } from '../support/running-app';

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  const policy = { ...JSON.parse(readFileSync(SECONDS_POLICY, 'utf8')), version: 'test-seconds-support.1', supportBeforeSanction: true };
  const policyPath = join(mkdtempSync(join(tmpdir(), 'baoxue-support-policy-')), 'policy.json');
  writeFileSync(policyPath, JSON.stringify(policy));
  app = await startApp(testConfig({ databaseUrl: db.url, policyPath }));
  api = app.apiUrl!;
  // A leader of another town: neither an owner nor an approver for Guling's cases.
  await seedDemoAccounts(app.dataSource, DEMO_PASSWORD, [{ username: 'xinhe-leader', displayName: '新河组长', role: 'LEADER' }], 'XINHE');
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

async function report(cause: string): Promise<string> {
  const res = await (await as(api, 'principal')).post('/api/cases').send(reportBody({ cause }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function act(caseId: string, action: Record<string, unknown>, username = 'secretary') {
  return (await as(api, username)).post(`/api/cases/${caseId}/actions`).send(action);
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('support measures over HTTP', () => {
  it('ADD_SUPPORT records a measure with owner and due date; the case and the education-aid list show it, priority groups first', async () => {
    const caseId = await report('POVERTY');
    const added = await act(caseId, { type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: inAnHour(), note: '申请教育资助' });
    expect(added.status).toBe(200);
    const measure = added.body.case.supportMeasures[0];
    expect(measure).toMatchObject({ measure: 'EDUCATION_AID', measureLabel: { zh: '教育资助' }, owner: 'officer', outcome: 'PENDING', overdue: false });
    expect(added.body.case.allowedActions).toContain('RECORD_SUPPORT_OUTCOME');

    const detail = await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`).expect(200);
    expect(detail.body.supportMeasures).toEqual([expect.objectContaining({ id: measure.id, outcome: 'PENDING', addedBy: '吴家俊（secretary）' })]);
    expect(detail.body.heldForSupport).toBeNull();

    await db.dataSource.query(`UPDATE children SET is_left_behind = true WHERE id = (SELECT child_id FROM cases WHERE id = $1)`, [caseId]);
    const list = await (await as(api, 'coordinator')).get('/api/support/education-aid').expect(200);
    expect(list.body.items[0]).toMatchObject({ id: measure.id, caseId, priority: true, priorityGroups: [{ code: 'LEFT_BEHIND', label: { zh: '留守儿童' } }] });
    // Outside the role's scope it is not listed: the police station reads only cases at legal liability.
    expect((await (await as(api, 'police')).get('/api/support/education-aid').expect(200)).body.total).toBe(0);
  });

  it('refuses an owner who is not a user of the town with 400 ACTION.OWNER_UNKNOWN, in the one error shape', async () => {
    const caseId = await report('LEARNING_DIFFICULTY');
    const res = await act(caseId, { type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'nobody', dueAt: inAnHour() });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'ACTION.OWNER_UNKNOWN', details: { field: 'owner', value: 'nobody' } });
    expect(res.body.message).toContain('负责人');
    const otherTown = await act(caseId, { type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'xinhe-leader', dueAt: inAnHour() });
    expect(otherTown.body).toMatchObject({ statusCode: 400, code: 'ACTION.OWNER_UNKNOWN' });
  });

  it('holds a poverty case with pending aid at the end of the order to correct, and releases it into JUDICIAL_DOCUMENT when the aid is recorded', async () => {
    const caseId = await report('POVERTY');
    const added = await act(caseId, { type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: inAnHour() });
    const measureId = added.body.case.supportMeasures[0].id as string;
    expect((await act(caseId, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);
    expect((await act(caseId, { type: 'PERSUASION_REFUSED', reason: '家长拒绝' })).status).toBe(200);
    expect((await act(caseId, { type: 'ISSUE_CORRECTION_ORDER', correctWithin: '2s' }, 'town')).status).toBe(200);

    const held = await waitForCase(api, caseId, (c) => c.timeline.some((e) => e.type === 'HELD_FOR_SUPPORT'));
    expect(held.stage).toBe('CORRECTION_DEADLINE');
    const detail = await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`).expect(200);
    expect(detail.body.heldForSupport).toMatchObject({ to: 'JUDICIAL_DOCUMENT', measureIds: [measureId], reason: { zh: expect.stringContaining('先帮扶后惩戒') } });

    const decided = await act(caseId, { type: 'RECORD_SUPPORT_OUTCOME', measureId, outcome: 'GRANTED', note: '资助已发放' });
    expect(decided.status).toBe(200);
    expect(decided.body.events.map((e: { type: string }) => e.type)).toEqual(['RECORD_SUPPORT_OUTCOME', 'RELEASED', 'AUTO_ESCALATED']);
    expect(decided.body.case).toMatchObject({ stage: 'JUDICIAL_DOCUMENT', heldForSupport: null });
    const after = await waitForCase(api, caseId, (c) => c.stage === 'JUDICIAL_DOCUMENT');
    expect(after.timeline.map((e) => e.type)).toContain('RELEASED');
  });

  it('refuses an outcome the measure does not have, naming the allowed ones', async () => {
    const caseId = await report('POVERTY');
    const added = await act(caseId, { type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: inAnHour() });
    const res = await act(caseId, { type: 'RECORD_SUPPORT_OUTCOME', measureId: added.body.case.supportMeasures[0].id, outcome: 'DELIVERED' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ACTION.INVALID');
    expect(res.body.messageEn).toContain('GRANTED, REFUSED, NOT_ELIGIBLE');
  });
});

describe('EXTEND_DEADLINE with an approver', () => {
  it('refuses an approver who is not a user of the town (400) or whose role may not approve (403), and records a valid one in the timeline', async () => {
    const caseId = await report('GUARDIAN_REFUSES');
    const body = { type: 'EXTEND_DEADLINE', newDueAt: inAnHour(), reason: '监护人外出务工' };

    const unknown = await act(caseId, { ...body, approver: 'nobody' }, 'coordinator');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ statusCode: 400, code: 'ACTION.APPROVER_UNKNOWN', details: { field: 'approver', value: 'nobody' }, path: `/api/cases/${caseId}/actions` });

    const otherTown = await act(caseId, { ...body, approver: 'xinhe-leader' }, 'coordinator');
    expect(otherTown.body).toMatchObject({ statusCode: 400, code: 'ACTION.APPROVER_UNKNOWN' });

    const notAllowed = await act(caseId, { ...body, approver: 'principal' }, 'coordinator');
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.body).toMatchObject({ code: 'ACTION.APPROVER_NOT_ALLOWED', details: { role: 'PRINCIPAL', approverRoles: expect.arrayContaining([expect.objectContaining({ role: 'LEADER' })]) } });
    expect(notAllowed.body.message).toContain('组长');

    const before = await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`).expect(200);
    const extended = await act(caseId, { ...body, approver: 'deputy' }, 'coordinator');
    expect(extended.status).toBe(200);
    const detail = await (await as(api, 'leader')).get(`/api/cases/${caseId}`).expect(200);
    const event = detail.body.timeline.find((e: { type: string }) => e.type === 'EXTEND_DEADLINE');
    expect(event).toMatchObject({
      actor: '谭巧玲（coordinator）',
      reason: '监护人外出务工',
      data: { approver: '王军（deputy）', previousDueAt: before.body.actionDueAt, newDueAt: body.newDueAt, deadline: 'actionDueAt' },
    });
    expect(detail.body.actionDueAt).toBe(body.newDueAt);
  });
});
