/**
 * Approvals (审批) and alerts over HTTP, on the app as `npm start` composes it (real Temporal dev
 * server, real PostgreSQL, worker with the outbox dispatcher), under a policy in seconds with an
 * `approvals` section: a closure request is rejected, asked again and approved; the request is a
 * task of the approvers (and only theirs) while it waits and leaves their lists once decided; they
 * are notified of it and reminded; the requester hears the decision; a role the policy does not
 * name gets 403 in the error shape; and the case's responsible person is alerted when someone else acts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { as } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';
import { eventually } from '../support/eventually';
import { loadPolicy } from '../../src/policy/load-policy';

const POLICY = {
  ...loadPolicy(resolve(__dirname, '..', 'fixtures', 'policy-seconds.json')),
  version: 'test-approvals.1',
  approvals: {
    remindAfter: '2s',
    decisions: {
      // The daily officer may both ask and decide: never their own request.
      CLOSURE: { approverRoles: ['LEADER', 'DEPUTY_LEADER', 'DAILY_OFFICER'] },
      EXEMPTION: { approverRoles: ['LEADER'], pausesClocks: true },
    },
  },
};

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let caseId: string;

interface TaskView {
  id: string;
  source: string;
  caseId: string | null;
  approvalDecision: string | null;
  work: { zh: string; en: string };
}

const act = async (action: Record<string, unknown>, username: string) => (await as(api, username)).post(`/api/cases/${caseId}/actions`).send(action);
const approvalTasks = async (username: string): Promise<TaskView[]> =>
  ((await (await as(api, username)).get('/api/me/tasks?pageSize=100').expect(200)).body.items as TaskView[]).filter((t) => t.source === 'APPROVAL' && t.caseId === caseId);
const inbox = async (username: string, kind: string) =>
  ((await (await as(api, username)).get('/api/me/notifications?pageSize=100').expect(200)).body.items as Array<{ kind: string; caseId: string; title: { zh: string }; body: { zh: string } }>).filter(
    (n) => n.kind === kind && n.caseId === caseId,
  );
const arrives = (username: string, kind: string, count = 1) =>
  eventually(`${count} × ${kind} in ${username}'s inbox`, async () => {
    const found = await inbox(username, kind);
    return found.length >= count ? found : undefined;
  });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-approvals-policy-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url, policyPath: join(dir, 'policy.json') }));
  api = app.apiUrl!;
  const child = { ...reportBody().child, name: '审批儿童', idNumber: validIdNumber('2012-06-01', 'F') };
  const res = await (await as(api, 'coordinator')).post('/api/cases').send({ ...reportBody(), child });
  expect(res.status).toBe(201);
  caseId = res.body.id;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe('approvals over HTTP', () => {
  it('alerts the responsible person when someone else acts on the case, and not for their own steps', async () => {
    expect((await act({ type: 'REASSIGN', assignee: 'principal', reason: '由校长负责' }, 'coordinator')).status).toBe(200);
    expect((await act({ type: 'ADD_NOTE', note: '校长本人电话联系家长' }, 'principal')).status).toBe(200);
    expect((await act({ type: 'RECORD_RETURN' }, 'coordinator')).status).toBe(200);
    const [alert] = await arrives('principal', 'CASE_ACTED_BY_OTHER');
    expect(alert.title.zh).toContain('他人办理了您负责的案件');
    expect(alert.body.zh).toContain('coordinator');
    expect(alert.body.zh).toContain('复学');
    // The note was the principal's own: one alert only, for the return.
    expect(await inbox('principal', 'CASE_ACTED_BY_OTHER')).toHaveLength(1);
  }, 60_000);

  it('closure waits for approval: the direct closure is refused, a request becomes the approvers’ task and notification, a wrong role gets 403', async () => {
    await waitForCase(api, caseId, (c) => c.allowedActions.includes('REQUEST_APPROVAL') && c.timeline.some((e) => e.type === 'FOLLOW_UP_COMPLETED'));
    const direct = await act({ type: 'APPROVE_CLOSURE' }, 'leader');
    expect(direct.status).toBe(409);
    expect(direct.body.code).toBe('CASE.ACTION_NOT_ALLOWED');

    const asked = await act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '跟踪期满，学生稳定在校' }, 'principal');
    expect(asked.status).toBe(200);
    expect(asked.body.case.approvals).toEqual([expect.objectContaining({ decision: 'CLOSURE', status: 'PENDING', statusLabel: { zh: '待审批', en: 'Pending' }, requestedBy: expect.stringContaining('principal') })]);
    const id = asked.body.case.approvals[0].id;

    for (const approver of ['leader', 'deputy']) {
      expect(await approvalTasks(approver)).toEqual([expect.objectContaining({ id, approvalDecision: 'CLOSURE', work: { zh: '审批：销号', en: 'Decide: Closure' } })]);
      await arrives(approver, 'APPROVAL_REQUESTED');
    }
    expect(await approvalTasks('coordinator')).toEqual([]);

    const wrong = await act({ type: 'APPROVE_REQUEST', approvalId: id, comment: '同意' }, 'coordinator');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ statusCode: 403, code: 'APPROVAL.ROLE_NOT_ALLOWED', details: { approvalId: id, role: 'COORDINATOR' } });
    expect(wrong.body.message).toContain('无权审批');
    expect(wrong.body.messageEn).toContain('may not decide');
    expect(wrong.body.details.approverRoles.map((r: { role: string }) => r.role)).toEqual(['LEADER', 'DEPUTY_LEADER', 'DAILY_OFFICER']);
    // A role that may not decide anything at all is stopped by the permission table.
    const principal = await act({ type: 'APPROVE_REQUEST', approvalId: id, comment: '同意' }, 'principal');
    expect(principal.status).toBe(403);
    expect(principal.body.code).toBe('AUTH.FORBIDDEN');
  }, 60_000);

  it('reminds the approvers once the request waits past remindAfter', async () => {
    const [reminder] = await arrives('leader', 'APPROVAL_REMINDER');
    expect(reminder.body.zh).toContain('仍待审批');
    await arrives('deputy', 'APPROVAL_REMINDER');
  }, 60_000);

  it('a rejection leaves the case in follow-up and the approvers’ lists; asked again, an approval closes the case, each told to the requester', async () => {
    const [pending] = await approvalTasks('leader');
    const rejected = await act({ type: 'REJECT_REQUEST', approvalId: pending.id, comment: '请补充复学后的出勤记录' }, 'leader');
    expect(rejected.status).toBe(200);
    expect(rejected.body.case).toMatchObject({ stage: 'RETURNED', open: true });
    expect(rejected.body.case.approvals[0]).toMatchObject({ status: 'REJECTED', comment: '请补充复学后的出勤记录', decidedBy: expect.stringContaining('leader') });
    expect(await approvalTasks('leader')).toEqual([]);
    expect(await approvalTasks('deputy')).toEqual([]);
    const [told] = await arrives('principal', 'APPROVAL_DECIDED');
    expect(told.body.zh).toContain('已驳回');

    // Four eyes: the daily officer, an approver of closures, asks and may not approve it themself.
    const own = await act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '本人核实，学生在校' }, 'officer');
    expect(own.status).toBe(200);
    const ownId = own.body.case.approvals[1].id;
    const self = await act({ type: 'APPROVE_REQUEST', approvalId: ownId, comment: '同意' }, 'officer');
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ statusCode: 403, code: 'APPROVAL.OWN_REQUEST', details: { approvalId: ownId } });
    expect(self.body.message).toContain('不能审批自己');
    expect((await act({ type: 'REJECT_REQUEST', approvalId: ownId, comment: '请由校长提出' }, 'leader')).status).toBe(200);

    const again = await act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '已补充出勤记录' }, 'principal');
    expect(again.status).toBe(200);
    const second = again.body.case.approvals[2].id;
    expect((await approvalTasks('deputy')).map((t) => t.id)).toEqual([second]);
    const approved = await act({ type: 'APPROVE_REQUEST', approvalId: second, comment: '同意销号' }, 'deputy');
    expect(approved.status).toBe(200);
    expect(approved.body.case).toMatchObject({ stage: 'CLOSED', open: false });
    expect(approved.body.events.map((e: { type: string }) => e.type)).toEqual(['APPROVE_REQUEST', 'APPROVE_CLOSURE']);
    expect(await approvalTasks('leader')).toEqual([]);
    expect(await approvalTasks('deputy')).toEqual([]);
    await arrives('principal', 'APPROVAL_DECIDED', 2);

    // The case page reads it all back from the read model: the requests and the timeline.
    const detail = (await (await as(api, 'leader')).get(`/api/cases/${caseId}`).expect(200)).body;
    expect(detail.approvals.map((a: { status: string }) => a.status)).toEqual(['REJECTED', 'REJECTED', 'APPROVED']);
    expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['REQUEST_APPROVAL', 'REMINDER_SENT', 'REJECT_REQUEST', 'APPROVE_REQUEST', 'APPROVE_CLOSURE']));
  }, 60_000);

  it('refuses a request on the closed case with 409 CASE.CLOSED', async () => {
    const res = await act({ type: 'REQUEST_APPROVAL', decision: 'EXEMPTION', reason: '因病休学' }, 'principal');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.CLOSED');
  });
});
