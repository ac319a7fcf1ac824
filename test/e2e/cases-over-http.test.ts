/**
 * End to end over HTTP: the app as `npm start` composes it, with a real Temporal dev server and a
 * real PostgreSQL, and a policy whose windows are seconds. People log in as the demo accounts:
 * the principal reports, the village secretary visits, the town office issues the order.
 */
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import type { CaseEvent } from '../../src/workflows/messages';
import { caseWorkflowId } from '../../src/workflows/messages';
import { CASE_ENGINE, CaseEngine } from '../../src/api/case-engine.port';
import { as } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';
import { workflowEvents } from '../support/workflow-history';

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let temporal: Client;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url }));
  api = app.apiUrl!;
  temporal = new Client({ connection: await Connection.connect({ address: app.temporalAddress }) });
}, 120_000);

afterAll(async () => {
  await temporal?.connection.close();
  await app?.stop();
  await db?.drop();
});

async function report(body = reportBody()): Promise<string> {
  const res = await (await as(api, 'principal')).post('/api/cases').send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** An action by a demo account (by default the village secretary of 高坪村, where reportBody's child lives). */
async function act(caseId: string, action: Record<string, unknown>, username = 'secretary') {
  return (await as(api, username)).post(`/api/cases/${caseId}/actions`).send(action);
}

async function get(path: string, username = 'coordinator') {
  return (await as(api, username)).get(path);
}

/** The events the workflow handed to its projection activity, read back from Temporal's history. */
/** Temporal holds the events encrypted (src/temporal/codec): read with the app's codec. */
async function workflowTimeline(caseId: string): Promise<CaseEvent[]> {
  return workflowEvents(temporal, caseId, app.payloadCodec);
}

describe('a case over HTTP, on real Temporal and PostgreSQL', () => {
  it('reports a child, records a home visit, and the read model answers at once with the new stage', async () => {
    const res = await (await as(api, 'principal')).post('/api/cases').send(reportBody());
    expect(res.status).toBe(201);
    expect(res.body.openedBy).toBe('谢勇（principal）');
    // The answer comes once the workflow's opening is in the read model: due date and actions included.
    expect(res.body).toMatchObject({ id: expect.any(String), stage: 'HOME_VISIT', policyVersion: 'test-seconds.1', actionDueAt: expect.any(String) });
    expect(res.body.allowedActions).toEqual(expect.arrayContaining(['RECORD_HOME_VISIT', 'RECORD_RETURN']));
    expect(res.body.timeline.map((e: { type: string }) => e.type)).toEqual(['CASE_OPENED']);
    const id = res.body.id;

    const visit = await act(id, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长外出务工，孩子在家' });
    expect(visit.status).toBe(200);
    expect(visit.body.case).toMatchObject({ stage: 'PERSUASION' });

    // The action answered only after its events were projected: the read model already has them.
    const view = await get(`/api/cases/${id}`, 'secretary');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ stage: 'PERSUASION', open: true, policyVersion: 'test-seconds.1' });
    expect(view.body.allowedActions).toEqual(expect.arrayContaining(['RECORD_PERSUASION', 'PERSUASION_REFUSED', 'RECORD_RETURN']));
    expect(view.body.timeline.map((e: { type: string }) => e.type)).toEqual(['CASE_OPENED', 'RECORD_HOME_VISIT']);
    expect(view.body.timeline[1]).toMatchObject({ actor: '吴家俊（secretary）', automatic: false, stageBefore: 'HOME_VISIT', stageAfter: 'PERSUASION', reason: '家长外出务工，孩子在家' });
  });

  it('escalates by itself when a window ends, records why, and stops at the legal gate, where people are chased', async () => {
    const id = await report();
    expect((await act(id, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);

    // PERSUASION's window is 4 s: a reminder at 2 s, then the case moves to TOWN_CRITICISM on its own.
    const atGate = await waitForCase(api, id, (c) => c.stage === 'TOWN_CRITICISM');
    const escalation = atGate.timeline.find((e) => e.type === 'AUTO_ESCALATED')!;
    expect(escalation).toMatchObject({ automatic: true, actor: 'system', stageBefore: 'PERSUASION', stageAfter: 'TOWN_CRITICISM' });
    expect(escalation.reason).toContain('4s');
    expect(atGate.timeline.map((e) => e.type)).toContain('REMINDER_SENT');

    // The gate's order is due in 3 s; overdue goes to the supervisor, then 3 s later to the leader.
    const chased = await waitForCase(api, id, (c) => c.timeline.some((e) => e.type === 'ESCALATED_TO_LEADER'));
    expect(chased.stage).toBe('TOWN_CRITICISM');
    expect(chased.timeline.slice(-3).map((e) => e.type)).toEqual(['DEADLINE_MISSED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']);

    // A person opens the gate; the order's own deadline then runs out and the justice office is next.
    const order = await act(id, { type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕1号', correctWithin: '2s' }, 'town');
    expect(order.status).toBe(200);
    const judicial = await waitForCase(api, id, (c) => c.stage === 'JUDICIAL_DOCUMENT');
    expect(judicial.timeline.find((e) => e.type === 'ISSUE_CORRECTION_ORDER')?.actor).toBe('李尚春（town）');

    // The read model's timeline is the workflow's: same events, same order, nothing twice.
    const fromWorkflow = await workflowTimeline(id);
    expect(judicial.timeline.map((e) => [e.id, e.type, e.stageAfter])).toEqual(fromWorkflow.map((e) => [e.id, e.type, e.stageAfter]));
  });

  it('lists cases through Temporal search attributes by stage and area, without personal data in them', async () => {
    const id = await report(reportBody({ cause: 'POVERTY' }));
    expect((await act(id, { type: 'PAUSE', reason: '住院' })).status).toBe(200);
    const query = `WorkflowId = '${caseWorkflowId(id)}' AND BaoxueStage = 'HOME_VISIT' AND BaoxueArea = 'GAOPING' AND BaoxueSchool = 'GULING_PRIMARY'`;
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of temporal.workflow.list({ query })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([caseWorkflowId(id)]);
    const description = await temporal.workflow.getHandle(caseWorkflowId(id)).describe();
    const attributes = JSON.stringify(description.typedSearchAttributes) + description.workflowId;
    expect(attributes).not.toContain('李小花');
    expect(attributes).not.toMatch(/\d{17}[\dX]/);
  });

  it('lists and filters cases from the read model', async () => {
    const id = await report(reportBody({ child: { ...reportBody().child, area: '红椿村' } }));
    const res = await (await as(api, 'coordinator')).get('/api/cases').query({ area: 'HONGCHUN', stage: 'HOME_VISIT' });
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(res.body.total).toBe(1);
  });

  it('refuses an action the stage does not allow with 409 naming the allowed ones, and writes nothing', async () => {
    const id = await report();
    const res = await act(id, { type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕1号' }, 'coordinator');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CASE.ACTION_NOT_ALLOWED', details: { allowedActions: expect.arrayContaining(['RECORD_HOME_VISIT']) } });
    const view = await get(`/api/cases/${id}`);
    expect(view.body.timeline.map((e: { type: string }) => e.type)).toEqual(['CASE_OPENED']);
  });

  it('answers 400 ACTION.INVALID, in Chinese and English, for an extension that does not extend', async () => {
    const id = await report();
    const res = await act(id, { type: 'EXTEND_DEADLINE', newDueAt: new Date(Date.now() - 60_000).toISOString(), reason: '出差', approver: 'coordinator' }, 'leader');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'ACTION.INVALID', message: expect.stringContaining('新期限必须晚于现在'), messageEn: expect.stringContaining('must be in the future') });
    expect(res.body.messageEn).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers 409 for a second open case of the same child, also when both reports come at once', async () => {
    const body = reportBody();
    const principal = await as(api, 'principal');
    const [a, b] = await Promise.all([principal.post('/api/cases').send(body), principal.post('/api/cases').send(body)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.code).toBe('CASE.ALREADY_OPEN');

    // Once that case has ended, the child can be reported again.
    const opened = a.status === 201 ? a : b;
    expect((await act(opened.body.id, { type: 'CANCEL', reason: '误报' }, 'coordinator')).status).toBe(200);
    const again = await principal.post('/api/cases').send(body);
    expect(again.status).toBe(201);
  });

  it('answers 409 CASE.CLOSED for an action on an ended case and 404 for an unknown one', async () => {
    const id = await report();
    expect((await act(id, { type: 'TRANSFER', reason: '随父母迁居', newSchool: '万州区第二中学' }, 'principal')).status).toBe(200);
    const closed = await act(id, { type: 'ADD_NOTE', note: '补充' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CASE.CLOSED');

    const unknown = await act('6f1c2a3b-0000-4000-8000-000000000000', { type: 'ADD_NOTE', note: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CASE.NOT_FOUND');
  });

  it('applies an action once when the same request id comes twice (a retry after a lost answer)', async () => {
    const id = await report();
    const engine = app.app!.get<CaseEngine>(CASE_ENGINE);
    const note = { type: 'ADD_NOTE', actor: '秦豪（officer）', note: '电话未接通' } as const;
    const first = await engine.act(id, note, { requestId: 'retry-test-1' });
    const again = await engine.act(id, note, { requestId: 'retry-test-1' });
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    const view = await waitForCase(api, id, () => true);
    expect(view.timeline.filter((e) => e.type === 'ADD_NOTE')).toHaveLength(1);
  });

  it('reports Temporal and the database as healthy', async () => {
    const res = await request(api).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', temporal: { ok: true }, database: { ok: true } });
  });
});
