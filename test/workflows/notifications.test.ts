/**
 * Reminders and people escalation end to end on the time-skipping server: the real case workflow,
 * the real projection into PostgreSQL (tasks, notifications, outbox) and the real outbox
 * dispatcher with the in-app channel. At the legal gate (TOWN_CRITICISM, due 5 d) the town office
 * holds the task; the reminder reaches it at due - 1 d, the overdue escalation reaches the area's
 * supervisor (Qiaoting's 包片 leader, 罗阳) at due + supervisorAfter (0 s), and the leader (张术清)
 * at due + leaderAfter (3 d) — and not a moment before. And a long-lived case that continues as new
 * many times keeps one timeline in PostgreSQL: every event of every run exactly once.
 */
import { Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NormalModuleReplacementPlugin } from 'webpack';
import { createActivities } from '../../src/activities';
import { InAppChannel, OutboxDispatcher } from '../../src/notifications';
import { loadPolicy } from '../../src/policy/load-policy';
import { recordPolicy } from '../../src/read-model/policies';
import { TaskQueries } from '../../src/read-model/task-queries';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { loadResponsibilityDirectory } from '../../src/responsibility';
import { createTimeSkippingEnvironment } from '../../src/temporal/dev-server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { caseWorkflow } from '../../src/workflows/case-workflow';
import { ActionRequest, CaseAction, actUpdate, caseWorkflowId } from '../../src/workflows/messages';
import { parseDuration } from '../../src/workflows/policy';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { expectReadModelMatchesWorkflow, workflowEvents } from '../support/workflow-history';
import { runHistories } from '../../src/temporal/case-histories';
import { openCase } from '../support/fixtures';

const HOUR = 3_600_000;
const policy = loadPolicy();
const TASK_QUEUE = 'notifications-test';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let dispatcher: OutboxDispatcher;
let queries: TaskQueries;

beforeAll(async () => {
  installTemporalRuntime();
  [env, db] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase()]);
  await recordPolicy(db.dataSource, policy);
  const responsibility = loadResponsibilityDirectory([DEFAULT_TOWN_PATH], loadTowns(), policy);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: createActivities({ dataSource: db.dataSource, responsibility }),
    bundlerOptions: {
      webpackConfigHook: (config) => {
        config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(/case-search-attributes$/, require.resolve('./no-search-attributes'))];
        return config;
      },
    },
  });
  running = worker.run();
  dispatcher = new OutboxDispatcher(db.dataSource, [new InAppChannel(db.dataSource)]);
  queries = new TaskQueries(db.dataSource);
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.drop();
});

/** Timers fire a few milliseconds after their instant (the server starts them when it records the command). */
const TIMER_SLACK_MS = 60_000;

/**
 * The person's inbox as GET /api/me/notifications reads it, after the dispatcher delivered what
 * is due: [kind, when it happened on the case's clock], oldest first. A time within TIMER_SLACK_MS
 * after an expected instant of `expected` reads as that instant, so tests can compare exactly.
 */
async function inbox(username: string, expected: string[] = []): Promise<Array<[string, string]>> {
  await dispatcher.drain();
  const page = await queries.inbox({ town: 'GULING', username, unreadOnly: false, page: 1, pageSize: 100 });
  const snap = (t: number) => expected.find((e) => t >= Date.parse(e) && t - Date.parse(e) < TIMER_SLACK_MS) ?? new Date(t).toISOString();
  return page.items.map((n) => [n.kind, snap(new Date(n.occurredAt).getTime())] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
}

/** Waits (wall clock) until the worker has projected up to `seq` events of the case. */
async function projected(caseId: string, seq: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const rows = await db.dataSource.query(`SELECT last_seq FROM cases WHERE id = $1`, [caseId]);
    if (rows[0]?.last_seq >= seq) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`case ${caseId} was not projected up to seq ${seq}`);
}

async function eventTypes(caseId: string): Promise<string[]> {
  const rows = await db.dataSource.query(`SELECT type FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
  return rows.map((r: { type: string }) => r.type);
}

describe('reminders and escalations reach the right inboxes at the skipped times', () => {
  it('town office reminded at due - 1 d; Qiaoting’s supervisor at due; the leader at due + 3 d', async () => {
    const { caseId, childId } = await openCase(db.dataSource, { area: 'QIAOTING', school: 'GULING_MIDDLE', grade: 8, className: '八年级一班' });
    const handle = await env.client.workflow.start(caseWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: caseWorkflowId(caseId),
      args: [{ facts: { caseId, childId, cause: 'GUARDIAN_REFUSES', area: 'QIAOTING', school: 'GULING_MIDDLE', openedAt: new Date().toISOString(), openedBy: '测试员' }, policy }],
    });
    const act = (action: ActionRequest) => handle.executeUpdate(actUpdate, { args: [{ actor: '测试员（officer）', ...action } as CaseAction] });
    await projected(caseId, 1);
    // HOME_VISIT: the class teacher (包班级) and Qiaoting's resident cadre (包村) were given the home visit.
    expect((await inbox('middle-g8c1')).map(([kind]) => kind)).toEqual(['TASK_ASSIGNED']);
    expect((await inbox('cadre-qiaoting')).map(([kind]) => kind)).toEqual(['TASK_ASSIGNED']);

    await act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    const refused = await act({ type: 'PERSUASION_REFUSED', reason: '监护人拒绝送学' });
    expect(refused.snapshot.stage).toBe('TOWN_CRITICISM');
    const due = Date.parse(refused.snapshot.actionDueAt!);
    const at = (offset: number) => new Date(due + offset).toISOString();
    const reminderAt = at(-parseDuration(policy.escalation.reminderBefore));
    const supervisorAt = at(parseDuration(policy.escalation.supervisorAfter));
    const leaderAt = at(parseDuration(policy.escalation.leaderAfter));
    const entered = Date.parse(refused.snapshot.stageEnteredAt);
    const seq = refused.snapshot.lastSeq;
    await projected(caseId, seq);
    expect(await inbox('town')).toEqual([['TASK_ASSIGNED', refused.snapshot.stageEnteredAt]]);

    // An hour before the reminder: nothing new anywhere.
    await env.sleep(Date.parse(reminderAt) - entered - HOUR);
    expect(await inbox('town')).toEqual([['TASK_ASSIGNED', refused.snapshot.stageEnteredAt]]);

    // Past the reminder: the task holder has it, at due - 1 d exactly; nobody is chased yet.
    await env.sleep(2 * HOUR);
    await projected(caseId, seq + 1);
    expect(await inbox('town', [reminderAt])).toEqual([
      ['TASK_ASSIGNED', refused.snapshot.stageEnteredAt],
      ['REMINDER', reminderAt],
    ]);
    expect(await inbox('luoyang')).toEqual([]);

    // Past the due date: overdue for the holder, escalated to Qiaoting's 包片 leader at due + 0 s; not to Gaoping's, not yet to the leader.
    await env.sleep(parseDuration(policy.escalation.reminderBefore));
    await projected(caseId, seq + 3);
    expect(await inbox('luoyang', [supervisorAt])).toEqual([['ESCALATED_TO_SUPERVISOR', supervisorAt]]);
    expect((await inbox('town', [at(0)])).slice(-1)).toEqual([['DEADLINE_MISSED', at(0)]]);
    expect(await inbox('deputy')).toEqual([]);
    expect(await inbox('leader')).toEqual([]);

    // Just before due + 3 d: still not the leader; after it, the leader at due + 3 d exactly.
    await env.sleep(parseDuration(policy.escalation.leaderAfter) - 2 * HOUR);
    expect(await inbox('leader')).toEqual([]);
    await env.sleep(2 * HOUR);
    await projected(caseId, seq + 4);
    expect(await inbox('leader', [leaderAt])).toEqual([['ESCALATED_TO_LEADER', leaderAt]]);
    expect(await eventTypes(caseId)).toEqual([
      'CASE_OPENED',
      'RECORD_HOME_VISIT',
      'PERSUASION_REFUSED',
      'REMINDER_SENT',
      'DEADLINE_MISSED',
      'ESCALATED_TO_SUPERVISOR',
      'ESCALATED_TO_LEADER',
    ]);

    // The town office's task is overdue in its list; the order closes it (action done).
    const tasks = await queries.openTasks({ town: 'GULING', username: 'town', now: new Date(Date.parse(leaderAt) + HOUR), page: 1, pageSize: 10 });
    expect(tasks.items.map((t) => [t.caseId, t.stage, t.overdue])).toEqual([[caseId, 'TOWN_CRITICISM', true]]);
    const order = await act({ type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕1号' });
    await projected(caseId, order.snapshot.lastSeq);
    const closed = await db.dataSource.query(`SELECT holder, status, closed_reason FROM tasks WHERE case_id = $1 AND stage = 'TOWN_CRITICISM'`, [caseId]);
    expect(closed).toEqual([{ holder: 'town', status: 'CLOSED', closed_reason: 'STAGE_LEFT' }]);
    await act({ type: 'CANCEL', reason: '测试结束' });
  });
});

describe('a long-lived case that continues as new, projected into PostgreSQL', () => {
  it('has every event of every run in the read model exactly once, with the times the workflow gave them', async () => {
    const { caseId, childId } = await openCase(db.dataSource, { area: 'GAOPING' });
    const handle = await env.client.workflow.start(caseWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: caseWorkflowId(caseId),
      args: [{ facts: { caseId, childId, cause: 'POVERTY', area: 'GAOPING', school: 'GULING_PRIMARY', openedAt: new Date().toISOString(), openedBy: '测试员' }, policy, continueAsNewAfterEvents: 40 }],
    });
    const act = (action: ActionRequest) => handle.executeUpdate(actUpdate, { args: [{ actor: '测试员（officer）', ...action } as CaseAction] });
    await projected(caseId, 1);
    await act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    // Ten days of notes, four at once each day; the persuasion window (15 d) ends in a later run.
    for (let day = 0; day < 10; day++) {
      await Promise.all([1, 2, 3, 4].map((n) => act({ type: 'ADD_NOTE', note: `第 ${day + 1} 天第 ${n} 次电话联系` })));
      await env.sleep(24 * HOUR);
    }
    await env.sleep(6 * 24 * HOUR);
    const last = (await handle.query('snapshot')) as { lastSeq: number; stage: string };
    expect(last.stage).toBe('TOWN_CRITICISM');
    await projected(caseId, last.lastSeq);
    await act({ type: 'CANCEL', reason: '测试结束' });
    await handle.result();

    const runs = await runHistories(env.client, caseId);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const n = await expectReadModelMatchesWorkflow(db.dataSource, env.client, caseId);
    expect(n).toBe(last.lastSeq + 1);
    const rows: Array<{ id: string; occurred_at: Date }> = await db.dataSource.query(`SELECT id, occurred_at FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
    const fromWorkflow = await workflowEvents(env.client, caseId);
    expect(rows.map((r) => [r.id, r.occurred_at.toISOString()])).toEqual(fromWorkflow.map((e) => [e.id, e.occurredAt]));
    expect(await eventTypes(caseId)).toEqual(expect.arrayContaining(['AUTO_ESCALATED', 'CANCEL']));
    const [row] = await db.dataSource.query(`SELECT stage, last_seq FROM cases WHERE id = $1`, [caseId]);
    expect(row).toEqual({ stage: 'CANCELLED', last_seq: n });
  });
});
