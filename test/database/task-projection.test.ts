/**
 * Tasks, notifications and the outbox, written by the projection against a real PostgreSQL:
 * in the events' transaction, idempotent (a retried batch writes nothing twice), following the
 * case (stage left, action done, case ended, extended, paused, reassigned); and the dispatcher
 * that delivers the outbox (SKIP LOCKED, retry with backoff, FAILED after the last attempt).
 */
import { createActivities } from '../../src/activities';
import { loadPolicy } from '../../src/policy/load-policy';
import { recordPolicy } from '../../src/read-model/policies';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { ResponsibilityDirectory, loadResponsibilityDirectory } from '../../src/responsibility';
import { InAppChannel, NotificationChannel, OutboxDispatcher, OutgoingNotification } from '../../src/notifications';
import type { CaseEvent, CaseSnapshot } from '../../src/workflows/messages';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { TaskQueries } from '../../src/read-model/task-queries';
import { join } from 'node:path';
import { event, openCase, snapshot } from '../support/fixtures';

let db: TestDatabase;
let directory: ResponsibilityDirectory;
let activities: ReturnType<typeof createActivities>;
const policy = loadPolicy();

beforeAll(async () => {
  db = await createTestDatabase();
  await recordPolicy(db.dataSource, policy);
  // The fixtures' cases started under guling-2023.1 and keep it: tasks are planned from the case's own version.
  await recordPolicy(db.dataSource, loadPolicy(join(__dirname, '..', '..', 'policies', 'guling-2023.1.json')));
  directory = loadResponsibilityDirectory([DEFAULT_TOWN_PATH], loadTowns(), policy);
  activities = createActivities({ dataSource: db.dataSource, responsibility: directory });
});

afterAll(async () => {
  await db?.drop();
});

interface TaskRow {
  id: string;
  stage: string;
  holder: string;
  routed_to: string;
  due_at: Date;
  paused: boolean;
  status: string;
  closed_reason: string | null;
}

async function tasks(caseId: string): Promise<TaskRow[]> {
  return db.dataSource.query(`SELECT id, stage, holder, routed_to, due_at, paused, status, closed_reason FROM tasks WHERE case_id = $1 ORDER BY stage_entered_at, routed_to`, [caseId]);
}

async function notifications(caseId: string): Promise<Array<{ recipient: string; kind: string }>> {
  return db.dataSource.query(`SELECT recipient, kind FROM notifications WHERE case_id = $1 ORDER BY occurred_at, kind, recipient`, [caseId]);
}

async function outboxCount(caseId: string): Promise<number> {
  const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM notification_outbox o JOIN notifications n ON n.id = o.notification_id WHERE n.case_id = $1`, [caseId]);
  return rows[0].n;
}

/** A case at HOME_VISIT in Gaoping, class 五年级二班 of the primary school, projected once. */
async function caseAtHomeVisit(): Promise<{ caseId: string; childId: string; at: (seq: number, over?: Partial<CaseSnapshot>) => CaseSnapshot }> {
  const { caseId, childId } = await openCase(db.dataSource);
  const at = (seq: number, over: Partial<CaseSnapshot> = {}) => snapshot(caseId, childId, { lastSeq: seq, ...over });
  await activities.projectCase({ snapshot: at(1), events: [event(caseId, 1)] });
  return { caseId, childId, at };
}

function auto(caseId: string, seq: number, type: CaseEvent['type'], over: Partial<CaseEvent> = {}): CaseEvent {
  return event(caseId, seq, { type, automatic: true, actor: 'system', reason: type, occurredAt: '2024-03-03T00:00:00.000Z', ...over });
}

describe('tasks written by the projection', () => {
  it('a case entering HOME_VISIT gives the class teacher and the area cadre a task due with the home visit; a retried batch writes nothing twice', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    await activities.projectCase({ snapshot: at(1), events: [event(caseId, 1)] });
    await activities.projectCase(structuredClone({ snapshot: at(1), events: [event(caseId, 1)] }));

    const rows = await tasks(caseId);
    expect(rows.map((t) => [t.holder, t.stage, t.status, new Date(t.due_at).toISOString()])).toEqual([
      ['cadre', 'HOME_VISIT', 'OPEN', '2024-03-04T00:00:00.000Z'],
      ['teacher', 'HOME_VISIT', 'OPEN', '2024-03-04T00:00:00.000Z'],
    ]);
    expect(rows.map((t) => t.id)).toEqual([`${caseId}:HOME_VISIT:1709251200000:cadre`, `${caseId}:HOME_VISIT:1709251200000:teacher`]);
    expect(await notifications(caseId)).toEqual([
      { recipient: 'cadre', kind: 'TASK_ASSIGNED' },
      { recipient: 'teacher', kind: 'TASK_ASSIGNED' },
    ]);
    expect(await outboxCount(caseId)).toBe(2);
  });

  it('leaving the stage closes its tasks and opens the next stage’s, due at the window end', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    const persuasion = at(2, { stage: 'PERSUASION', stageEnteredAt: '2024-03-02T00:00:00.000Z', actionDueAt: undefined, windowEndsAt: '2024-03-17T00:00:00.000Z' });
    const batch = { snapshot: persuasion, events: [event(caseId, 2, { type: 'RECORD_HOME_VISIT', stageAfter: 'PERSUASION' })] };
    await activities.projectCase(batch);
    await activities.projectCase(batch);

    const rows = await tasks(caseId);
    expect(rows.filter((t) => t.stage === 'HOME_VISIT').map((t) => [t.status, t.closed_reason])).toEqual([
      ['CLOSED', 'STAGE_LEFT'],
      ['CLOSED', 'STAGE_LEFT'],
    ]);
    expect(rows.filter((t) => t.stage === 'PERSUASION').map((t) => [t.holder, t.status, new Date(t.due_at).toISOString()])).toEqual([
      ['cadre', 'OPEN', '2024-03-17T00:00:00.000Z'],
      ['primary-upper', 'OPEN', '2024-03-17T00:00:00.000Z'],
      ['secretary', 'OPEN', '2024-03-17T00:00:00.000Z'],
      ['teacher', 'OPEN', '2024-03-17T00:00:00.000Z'],
    ]);
  });

  it('EXTEND_DEADLINE moves the due date, PAUSE marks the tasks paused, the case’s end closes them', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    await activities.projectCase({ snapshot: at(2, { actionDueAt: '2024-03-10T00:00:00.000Z' }), events: [event(caseId, 2, { type: 'EXTEND_DEADLINE' })] });
    expect((await tasks(caseId)).map((t) => new Date(t.due_at).toISOString())).toEqual(['2024-03-10T00:00:00.000Z', '2024-03-10T00:00:00.000Z']);

    await activities.projectCase({ snapshot: at(3, { actionDueAt: '2024-03-10T00:00:00.000Z', paused: true }), events: [event(caseId, 3, { type: 'PAUSE' })] });
    expect((await tasks(caseId)).map((t) => [t.status, t.paused])).toEqual([
      ['OPEN', true],
      ['OPEN', true],
    ]);

    await activities.projectCase({ snapshot: at(4, { stage: 'CANCELLED', open: false, actionDueAt: undefined, windowEndsAt: undefined }), events: [event(caseId, 4, { type: 'CANCEL', stageAfter: 'CANCELLED' })] });
    expect((await tasks(caseId)).map((t) => [t.status, t.closed_reason])).toEqual([
      ['CLOSED', 'CASE_ENDED'],
      ['CLOSED', 'CASE_ENDED'],
    ]);
  });

  it('the required action done closes the stage’s tasks while the case stays in the stage (the judicial document issued)', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    const judicial = { stage: 'JUDICIAL_DOCUMENT' as const, stageEnteredAt: '2024-04-01T00:00:00.000Z', actionDueAt: '2024-04-08T00:00:00.000Z', windowEndsAt: undefined };
    await activities.projectCase({ snapshot: at(2, judicial), events: [event(caseId, 2, { type: 'AUTO_ESCALATED', stageAfter: 'JUDICIAL_DOCUMENT' })] });
    expect((await tasks(caseId)).filter((t) => t.status === 'OPEN').map((t) => [t.holder, t.stage])).toEqual([['justice', 'JUDICIAL_DOCUMENT']]);

    const issued = { ...judicial, actionDueAt: undefined, windowEndsAt: '2024-04-20T00:00:00.000Z' };
    await activities.projectCase({ snapshot: at(3, issued), events: [event(caseId, 3, { type: 'ISSUE_JUDICIAL_DOCUMENT', stageAfter: 'JUDICIAL_DOCUMENT' })] });
    expect((await tasks(caseId)).filter((t) => t.stage === 'JUDICIAL_DOCUMENT').map((t) => [t.status, t.closed_reason])).toEqual([['CLOSED', 'ACTION_DONE']]);
  });

  it('REASSIGN moves the case’s open tasks to the assignee and tells them once; the stage’s later tasks go by the chains again', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    const reassign = { snapshot: at(2, { assignee: 'cadre-lancao' }), events: [event(caseId, 2, { type: 'REASSIGN', occurredAt: '2024-03-02T00:00:00.000Z', data: { assignee: 'cadre-lancao', reason: '驻村干部调整' } })] };
    await activities.projectCase(reassign);
    await activities.projectCase(reassign);

    expect((await tasks(caseId)).map((t) => [t.routed_to, t.holder, t.status])).toEqual([
      ['cadre', 'cadre-lancao', 'OPEN'],
      ['teacher', 'cadre-lancao', 'OPEN'],
    ]);
    expect((await notifications(caseId)).filter((n) => n.kind === 'TASK_REASSIGNED')).toEqual([{ recipient: 'cadre-lancao', kind: 'TASK_REASSIGNED' }]);

    await activities.projectCase({
      snapshot: at(3, { assignee: 'cadre-lancao', stage: 'TOWN_CRITICISM', stageEnteredAt: '2024-03-03T00:00:00.000Z', actionDueAt: '2024-03-08T00:00:00.000Z', windowEndsAt: undefined }),
      events: [event(caseId, 3, { type: 'PERSUASION_REFUSED', stageAfter: 'TOWN_CRITICISM' })],
    });
    expect((await tasks(caseId)).filter((t) => t.status === 'OPEN').map((t) => t.holder)).toEqual(['town']);
  });

  it('a reminder goes to the task holders, an overdue escalation to the area’s supervisor, then to the leader; each once', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    const batches = [
      { snapshot: at(2), events: [auto(caseId, 2, 'REMINDER_SENT', { data: { dueAt: '2024-03-04T00:00:00.000Z' } })] },
      { snapshot: at(3), events: [auto(caseId, 3, 'DEADLINE_MISSED', { occurredAt: '2024-03-04T00:00:00.000Z' })] },
      { snapshot: at(4), events: [auto(caseId, 4, 'ESCALATED_TO_SUPERVISOR', { occurredAt: '2024-03-04T00:00:00.000Z' })] },
      { snapshot: at(5), events: [auto(caseId, 5, 'ESCALATED_TO_LEADER', { occurredAt: '2024-03-07T00:00:00.000Z' })] },
    ];
    for (const b of batches) await activities.projectCase(b);
    for (const b of batches) await activities.projectCase(structuredClone(b));

    expect((await notifications(caseId)).filter((n) => n.kind !== 'TASK_ASSIGNED')).toEqual([
      { recipient: 'cadre', kind: 'REMINDER' },
      { recipient: 'teacher', kind: 'REMINDER' },
      { recipient: 'cadre', kind: 'DEADLINE_MISSED' },
      { recipient: 'teacher', kind: 'DEADLINE_MISSED' },
      { recipient: 'deputy', kind: 'ESCALATED_TO_SUPERVISOR' },
      { recipient: 'leader', kind: 'ESCALATED_TO_LEADER' },
    ]);
    expect(await outboxCount(caseId)).toBe(8);
  });

  it('an overdue support measure reminds its owner only, not the stage’s task holders', async () => {
    const { caseId, at } = await caseAtHomeVisit();
    const reminder = auto(caseId, 2, 'REMINDER_SENT', { data: { deadline: 'supportDueAt', owner: 'officer', measureId: `${caseId}:9` } });
    await activities.projectCase({ snapshot: at(2), events: [reminder] });

    expect((await notifications(caseId)).filter((n) => n.kind === 'REMINDER')).toEqual([{ recipient: 'officer', kind: 'REMINDER' }]);
  });

  it('is written in the events’ transaction: a batch that fails leaves no task behind', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    // The case row and the event are written, then routing fails (a policy version never recorded): all of it rolls back.
    const failing = { snapshot: snapshot(caseId, childId, { policyVersion: 'unknown-version' }), events: [event(caseId, 1)] };
    await expect(activities.projectCase(failing)).rejects.toThrow('policy version unknown-version');
    expect(await tasks(caseId)).toEqual([]);
    const events = await db.dataSource.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [caseId]);
    expect(events[0].n).toBe(0);
  });
});

describe('two towns in one deployment', () => {
  it('a case is routed by its own town’s chains, and each person’s list holds only their town’s tasks', async () => {
    const xinheFile = join(__dirname, '..', 'fixtures', 'towns', 'xinhe.json');
    const both = loadResponsibilityDirectory([DEFAULT_TOWN_PATH, xinheFile], loadTowns([DEFAULT_TOWN_PATH, xinheFile]), policy);
    const twoTowns = createActivities({ dataSource: db.dataSource, responsibility: both });
    // Both towns have a 高坪村 (GAOPING): the town decides who is responsible.
    const xinhe = await openCase(db.dataSource, { school: 'XINHE_SCHOOL', grade: 5, className: '五年级一班' }, 'XINHE');
    const guling = await openCase(db.dataSource);
    await twoTowns.projectCase({ snapshot: snapshot(xinhe.caseId, xinhe.childId, { town: 'XINHE', school: 'XINHE_SCHOOL' }), events: [event(xinhe.caseId, 1)] });
    await twoTowns.projectCase({ snapshot: snapshot(guling.caseId, guling.childId), events: [event(guling.caseId, 1)] });

    const rows: Array<{ town: string; holder: string }> = await db.dataSource.query(`SELECT town, holder FROM tasks WHERE case_id = $1 ORDER BY holder`, [xinhe.caseId]);
    expect(rows).toEqual([
      { town: 'XINHE', holder: 'xinhe-coordinator' }, // no class teacher on file: the principal
      { town: 'XINHE', holder: 'xinhe-secretary' },
    ]);
    const queries = new TaskQueries(db.dataSource);
    const now = new Date('2024-03-02T00:00:00.000Z');
    const mine = async (town: string, username: string) => (await queries.openTasks({ town, username, now, page: 1, pageSize: 100 })).items.map((t) => t.caseId);
    expect(await mine('XINHE', 'xinhe-secretary')).toEqual([xinhe.caseId]);
    expect(await mine('GULING', 'cadre')).toContain(guling.caseId);
    expect(await mine('GULING', 'cadre')).not.toContain(xinhe.caseId);
  });
});

describe('the outbox dispatcher', () => {
  it('delivers every outbox row into the inbox exactly once, with two dispatchers racing (SKIP LOCKED)', async () => {
    const { caseId } = await caseAtHomeVisit();
    const delivered: string[] = [];
    const counting = (inner: NotificationChannel): NotificationChannel => ({
      name: inner.name,
      deliver: async (m) => {
        delivered.push(m.outboxId);
        await inner.deliver(m);
      },
    });
    const a = new OutboxDispatcher(db.dataSource, [counting(new InAppChannel(db.dataSource))], { batchSize: 1 });
    const b = new OutboxDispatcher(db.dataSource, [counting(new InAppChannel(db.dataSource))], { batchSize: 1 });
    await Promise.all([a.drain(), b.drain()]);

    const mine = delivered.filter((id) => id.startsWith(caseId));
    expect(mine).toHaveLength(2);
    expect(new Set(delivered).size).toBe(delivered.length);
    const rows = await db.dataSource.query(`SELECT delivered_at IS NOT NULL AS shown FROM notifications WHERE case_id = $1`, [caseId]);
    expect(rows.every((r: { shown: boolean }) => r.shown)).toBe(true);
  });

  it('retries a failing channel with growing delays and marks the row FAILED after the last attempt, naming the error', async () => {
    const { caseId } = await caseAtHomeVisit();
    await db.dataSource.query(`UPDATE notification_outbox SET status = 'SENT' WHERE status = 'PENDING' AND channel = 'in-app'`);
    const [{ id: notificationId }] = await db.dataSource.query(`SELECT id FROM notifications WHERE case_id = $1 ORDER BY id LIMIT 1`, [caseId]);
    await db.dataSource.query(`INSERT INTO notification_outbox (id, notification_id, channel) VALUES ($1 || ':sms', $1, 'sms')`, [notificationId]);
    const attempts: OutgoingNotification[] = [];
    const sms: NotificationChannel = {
      name: 'sms',
      deliver: async (m) => {
        attempts.push(m);
        throw new Error('短信网关不可用 / SMS gateway down');
      },
    };
    const dispatcher = new OutboxDispatcher(db.dataSource, [sms], { maxAttempts: 3, backoffMs: 60_000 });
    const row = async () => (await db.dataSource.query(`SELECT status, attempts, last_error, next_attempt_at - now() > interval '50 seconds' AS waits FROM notification_outbox WHERE id = $1`, [`${notificationId}:sms`]))[0];

    expect(await dispatcher.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0, skipped: 0, deferred: 0 });
    expect(await row()).toMatchObject({ status: 'PENDING', attempts: 1, last_error: '短信网关不可用 / SMS gateway down', waits: true });
    // Not due yet: nothing happens; then make it due twice more.
    expect(await dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 0, deferred: 0 });
    await db.dataSource.query(`UPDATE notification_outbox SET next_attempt_at = now() WHERE id = $1`, [`${notificationId}:sms`]);
    expect(await dispatcher.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0, skipped: 0, deferred: 0 });
    await db.dataSource.query(`UPDATE notification_outbox SET next_attempt_at = now() WHERE id = $1`, [`${notificationId}:sms`]);
    expect(await dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 1, skipped: 0, deferred: 0 });
    expect(await row()).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(attempts.map((m) => [m.attempt, m.recipient, m.caseId])).toEqual([
      [1, expect.any(String), caseId],
      [2, expect.any(String), caseId],
      [3, expect.any(String), caseId],
    ]);
  });
});

describe('the chains against the accounts', () => {
  it('every person the Guling chains name has a demo account; a deactivated one is reported at start-up', async () => {
    await seedDemoAccounts(db.dataSource, 'demo-password-1');
    expect(await directory.missingAccounts(db.dataSource)).toEqual([]);
    await db.dataSource.query(`UPDATE users SET active = false WHERE username = 'cadre-hongping'`);
    expect(await directory.missingAccounts(db.dataSource)).toEqual(['cadre-hongping']);
  });
});
