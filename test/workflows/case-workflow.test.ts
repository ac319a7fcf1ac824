/**
 * The case workflow on the real time-skipping test server: days of escalation pass in seconds.
 * Activities are an in-memory projection (this file tests the workflow; the database projection
 * has its own tests against PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, WorkerOptions } from '@temporalio/worker';
import { NormalModuleReplacementPlugin } from 'webpack';
import { createTimeSkippingEnvironment } from '../../src/temporal/dev-server';
import { loadPolicy } from '../../src/policy/load-policy';
import { Policy } from '../../src/workflows/policy';
import { caseWorkflow } from '../../src/workflows/case-workflow';
import { ActionRequest, ActionResult, CaseAction, CaseActivities, CaseEvent, CaseSnapshot, ProjectedEvents, actUpdate, caseWorkflowId, projectedEvents, snapshotQuery } from '../../src/workflows/messages';
import { Cause, CaseEventType, Stage } from '../../src/workflows/vocabulary';
import { WorkingDayCalendar } from '../../src/workflows/working-days';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { historySteps } from '../../src/temporal/history-steps';

const DAY = 86_400_000;
const EventType = temporal.api.enums.v1.EventType;
const policy = loadPolicy();

/** What the read model would hold: every batch the workflow projected, per case. */
class FakeProjection implements CaseActivities {
  readonly events = new Map<string, CaseEvent[]>();
  readonly snapshots = new Map<string, CaseSnapshot>();
  /** How often each event id was handed over (the database projection writes a retry once; twice here is a bug). */
  readonly deliveries = new Map<string, number>();

  async projectCase({ snapshot, events }: { snapshot: CaseSnapshot; events: CaseEvent[] }): Promise<ProjectedEvents> {
    for (const e of events) this.deliveries.set(e.id, (this.deliveries.get(e.id) ?? 0) + 1);
    const list = this.events.get(snapshot.caseId) ?? [];
    for (const e of events) if (!list.some((x) => x.id === e.id)) list.push(e);
    this.events.set(snapshot.caseId, list);
    const prev = this.snapshots.get(snapshot.caseId);
    if (!prev || prev.lastSeq < snapshot.lastSeq) this.snapshots.set(snapshot.caseId, snapshot);
    return projectedEvents(events);
  }

  types(caseId: string): CaseEventType[] {
    return (this.events.get(caseId) ?? []).map((e) => e.type);
  }
}

/** The workflow bundle without our search attributes (this server cannot register them). */
const searchAttributesLeftOut = {
  webpackConfigHook: (config: Parameters<NonNullable<NonNullable<WorkerOptions['bundlerOptions']>['webpackConfigHook']>>[0]) => {
    config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(/case-search-attributes$/, require.resolve('./no-search-attributes'))];
    return config;
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const projection = new FakeProjection();

beforeAll(async () => {
  installTemporalRuntime();
  env = await createTimeSkippingEnvironment();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'case-workflow-test',
    workflowsPath: require.resolve('../../src/workflows'),
    activities: { projectCase: (batch) => projection.projectCase(batch) } satisfies CaseActivities,
    bundlerOptions: searchAttributesLeftOut,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

interface TestCase {
  id: string;
  handle: WorkflowHandleWithFirstExecutionRunId<typeof caseWorkflow>;
  act(action: ActionRequest): Promise<ActionResult>;
  stage(): Promise<Stage>;
  types(): CaseEventType[];
  /** Waits until the projection shows the stage: timers fire on the server, then the worker catches up. */
  reaches(stage: Stage): Promise<void>;
}

async function openCase(
  p: Policy = policy,
  { cause = 'GUARDIAN_REFUSES', calendar, continueAsNewAfterEvents }: { cause?: Cause; calendar?: WorkingDayCalendar; continueAsNewAfterEvents?: number } = {},
): Promise<TestCase> {
  const id = randomUUID();
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: 'case-workflow-test',
    workflowId: caseWorkflowId(id),
    args: [
      {
        facts: { caseId: id, childId: randomUUID(), cause, area: 'GAOPING', school: 'GULING_MIDDLE', openedAt: new Date().toISOString(), openedBy: 'test' },
        policy: p,
        calendar,
        continueAsNewAfterEvents,
      },
    ],
  });
  const tc: TestCase = {
    id,
    handle,
    act: (action) => handle.executeUpdate(actUpdate, { args: [{ actor: '测试员', ...action } as CaseAction] }),
    stage: async () => (await handle.query(snapshotQuery)).stage,
    types: () => projection.types(id),
    reaches: async (stage) => {
      for (let i = 0; i < 200; i++) {
        if (projection.snapshots.get(id)?.stage === stage) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`case never reached ${stage}; it is at ${projection.snapshots.get(id)?.stage}, events ${tc.types().join(',')}`);
    },
  };
  await tc.reaches('HOME_VISIT');
  return tc;
}

/** A timer fires at its instant, or a few milliseconds after as the server delivers it. */
function expectFiredAt(occurredAt: string, dueAt: string): void {
  expect(Date.parse(occurredAt) - Date.parse(dueAt)).toBeGreaterThanOrEqual(0);
  expect(Date.parse(occurredAt) - Date.parse(dueAt)).toBeLessThan(60_000);
}

async function skip(ms: number): Promise<void> {
  await env.sleep(ms);
}

describe('the case workflow on the time-skipping server', () => {
  it('a working-day window that spans National Day ends at 24:00 on its last working day', async () => {
    // A calendar in the shape src/policy/holiday-calendar.ts reads from chinese-days. The server's
    // clock cannot go back to 2026, and the State Council has not published 2027 yet, so this is
    // National Day 2027 as the 2026 pattern would give it: Fri 10-01 to Thu 10-07 off, Sun 09-26
    // and Sat 10-09 worked. (The real 2026 calendar is tested in test/unit/working-days.test.ts.)
    const calendar: WorkingDayCalendar = {
      source: 'test',
      years: [2027],
      holidays: ['2027-10-01', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'],
      workdays: ['2027-09-26', '2027-10-09'],
    };
    const working: Policy = { ...JSON.parse(JSON.stringify(policy)), version: 'test-working', calendar: 'WORKING' };
    // First in the file: the other tests skip the server's clock months ahead.
    const untilOpening = Date.parse('2027-09-29T10:00:00+08:00') - (await env.currentTimeMs());
    if (untilOpening <= 0) throw new Error('the test server is already past 2027-09-29: run this test before the others skip time');
    await skip(untilOpening);
    const c = await openCase(working, { calendar });
    // Wed 09-29: Thu 09-30 (1), National Day, Fri 10-08 (2), Sat 10-09 worked (3): due 10-09 24:00 Shanghai.
    const dueAt = '2027-10-09T16:00:00.000Z';
    expect((await c.handle.query(snapshotQuery)).actionDueAt).toBe(dueAt);
    await skip(Date.parse(dueAt) - (await env.currentTimeMs()) - 60_000);
    expect(await c.stage()).toBe('HOME_VISIT');
    await skip(61_000);
    await c.reaches('PERSUASION');
    const escalated = projection.events.get(c.id)!.find((e) => e.type === 'AUTO_ESCALATED')!;
    expectFiredAt(escalated.occurredAt, dueAt);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('runs the whole chain with the default windows in days, stopping at the legal gate until a person acts', async () => {
    const c = await openCase();
    await skip(3 * DAY + 1000);
    await c.reaches('PERSUASION');
    expect(c.types()).toEqual(['CASE_OPENED', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);

    await skip(15 * DAY);
    await c.reaches('TOWN_CRITICISM');

    // The legal gate: 5 days for the order, then people are chased; the case does not move on its own.
    await skip(9 * DAY);
    expect(await c.stage()).toBe('TOWN_CRITICISM');
    expect(c.types().slice(-4)).toEqual(['REMINDER_SENT', 'DEADLINE_MISSED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']);

    const order = await c.act({ type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕3号' });
    expect(order.snapshot.stage).toBe('CORRECTION_DEADLINE');
    await skip(15 * DAY + 1000);
    await c.reaches('JUDICIAL_DOCUMENT');

    await c.act({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕7号' });
    await skip(15 * DAY + 1000);
    await c.reaches('LEGAL_LIABILITY');

    await c.act({ type: 'RECORD_LEGAL_OUTCOME', outcome: '监护人受训诫，已送学' });
    const closed = await c.act({ type: 'APPROVE_CLOSURE', note: '领导小组决定销号' });
    expect(closed.snapshot).toMatchObject({ stage: 'CLOSED', open: false });
    expect((await c.handle.result()).stage).toBe('CLOSED');

    const events: CaseEvent[] = projection.events.get(c.id)!;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const escalation = events.find((e) => e.type === 'AUTO_ESCALATED')!;
    expect(escalation).toMatchObject({ automatic: true, actor: 'system', stageBefore: 'HOME_VISIT', stageAfter: 'PERSUASION' });
    expect(escalation.reason).toContain('3d');
  });

  it('sends the reminder one day before the due date, at the skipped time', async () => {
    const c = await openCase();
    const opened = Date.parse(projection.events.get(c.id)![0].occurredAt);
    await skip(2 * DAY + 1000);
    for (let i = 0; i < 100 && !c.types().includes('REMINDER_SENT'); i++) await new Promise((r) => setTimeout(r, 50));
    const reminder = projection.events.get(c.id)!.find((e) => e.type === 'REMINDER_SENT')!;
    expect(Date.parse(reminder.occurredAt) - opened).toBeGreaterThanOrEqual(2 * DAY);
    expect(Date.parse(reminder.occurredAt) - opened).toBeLessThan(2 * DAY + 60_000);
    expect(await c.stage()).toBe('HOME_VISIT');
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('refuses an action the stage does not allow before anything is written, and names the allowed actions', async () => {
    const c = await openCase();
    const before = c.types().length;
    const err: unknown = await c.act({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('ACTION_NOT_ALLOWED');
    expect(cause.details?.[0]).toMatchObject({ stage: 'HOME_VISIT', allowedActions: expect.arrayContaining(['RECORD_HOME_VISIT', 'RECORD_RETURN']) });
    expect(c.types().length).toBe(before);

    // The validator kept it out of history: no update was accepted.
    const history = await c.handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('pause stops the clock and resume keeps the remaining time', async () => {
    const c = await openCase();
    await skip(DAY);
    await c.act({ type: 'PAUSE', reason: '住院治疗' });
    await skip(30 * DAY);
    expect(await c.stage()).toBe('HOME_VISIT');
    const resumed = await c.act({ type: 'RESUME' });
    const due = Date.parse(resumed.snapshot.actionDueAt!);
    const resumedAt = Date.parse(resumed.events[0].occurredAt);
    expect(due - resumedAt).toBeGreaterThan(2 * DAY - 60_000); // two of the three days were left
    expect(due - resumedAt).toBeLessThanOrEqual(2 * DAY);
    await skip(2 * DAY + 1000);
    await c.reaches('PERSUASION');
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('an approved extension at the home visit moves the stage window: no escalation at the old window end, escalation at the new one', async () => {
    const c = await openCase();
    const opened = Date.parse(projection.events.get(c.id)![0].occurredAt);
    const oldEnd = (await c.handle.query(snapshotQuery)).windowEndsAt!;
    expect(Date.parse(oldEnd)).toBe(opened + 3 * DAY);
    await skip(DAY);
    const newDueAt = new Date(opened + 5 * DAY).toISOString();
    const extended = await c.act({ type: 'EXTEND_DEADLINE', newDueAt, reason: '家长外出务工，下周返乡', approver: '谭巧玲' });
    expect(extended.snapshot).toMatchObject({ stage: 'HOME_VISIT', actionDueAt: newDueAt, windowEndsAt: newDueAt, nextDeadlineAt: newDueAt });
    expect(extended.events[0].data).toMatchObject({ deadline: 'actionDueAt', windowEndsAt: newDueAt, previousWindowEndsAt: oldEnd });

    await skip(Date.parse(oldEnd) - (await env.currentTimeMs()) + 3_600_000); // an hour past the old window end
    expect(await c.stage()).toBe('HOME_VISIT');
    expect(c.types()).toEqual(['CASE_OPENED', 'EXTEND_DEADLINE']);

    await skip(Date.parse(newDueAt) - (await env.currentTimeMs()) + 1000);
    await c.reaches('PERSUASION');
    expect(c.types()).toEqual(['CASE_OPENED', 'EXTEND_DEADLINE', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);
    const escalated = projection.events.get(c.id)!.find((e) => e.type === 'AUTO_ESCALATED')!;
    expectFiredAt(escalated.occurredAt, newDueAt);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('a return starts the follow-up; a relapse reopens the case at the later of PERSUASION and the stage it left', async () => {
    const c = await openCase();
    await skip(18 * DAY + 1000);
    await c.reaches('TOWN_CRITICISM');
    await c.act({ type: 'RECORD_RETURN', note: '已返校' });
    await c.reaches('RETURNED');
    const relapse = await c.act({ type: 'RECORD_RELAPSE', reason: '再次不到校' });
    expect(relapse.snapshot).toMatchObject({ stage: 'TOWN_CRITICISM', actionDueAt: expect.any(String) });

    await c.act({ type: 'RECORD_RETURN' });
    await skip(30 * DAY + 1000);
    for (let i = 0; i < 100 && c.types().at(-1) !== 'FOLLOW_UP_COMPLETED'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(c.types().at(-1)).toBe('FOLLOW_UP_COMPLETED');
    const closed = await c.act({ type: 'APPROVE_CLOSURE' });
    expect(closed.snapshot.stage).toBe('CLOSED');
    expect((await c.handle.result()).stage).toBe('CLOSED');
  });

  it.each(['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'] as const)(
    'a return from %s moves the case to RETURNED and remembers where it left',
    async (stage) => {
      const c = await openCase();
      if (stage !== 'HOME_VISIT') {
        await skip(3 * DAY + 1000);
        await c.reaches('PERSUASION');
      }
      if (['TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'].includes(stage)) {
        await c.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝' });
      }
      if (['CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'].includes(stage)) {
        await c.act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '10d' });
      }
      if (['JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'].includes(stage)) {
        await skip(10 * DAY + 1000);
        await c.reaches('JUDICIAL_DOCUMENT');
      }
      if (stage === 'LEGAL_LIABILITY') await c.act({ type: 'REFER_LEGAL_LIABILITY', reason: '情节严重' });
      expect(await c.stage()).toBe(stage);

      const back = await c.act({ type: 'RECORD_RETURN', note: '已返校上课' });
      expect(back.snapshot).toMatchObject({ stage: 'RETURNED', returnedFrom: stage, open: true });
      await c.act({ type: 'CANCEL', reason: '测试结束' });
    },
  );

  it.each([
    ['EXEMPT', 'EXEMPTED', { reason: '经县教委批准缓学' }],
    ['TRANSFER', 'TRANSFERRED', { reason: '随父母迁居', newSchool: '万州区某中学' }],
    ['COMPLETE', 'COMPLETED', { reason: '已满16周岁' }],
    ['CANCEL', 'CANCELLED', { reason: '误报' }],
  ] as const)('%s ends the workflow as %s', async (type, ending, fields) => {
    const c = await openCase();
    const result = await c.act({ type, ...fields } as never);
    expect(result.snapshot.stage).toBe(ending);
    expect((await c.handle.result()).stage).toBe(ending);
  });

  it('a running case keeps the policy it started with; a new case gets the new one', async () => {
    const quick: Policy = JSON.parse(JSON.stringify(policy));
    quick.version = 'test-quick';
    quick.stages.HOME_VISIT.due = '1d';
    quick.stages.HOME_VISIT.window = '1d';
    const old = await openCase();
    const fresh = await openCase(quick);
    await skip(DAY + 1000);
    await fresh.reaches('PERSUASION');
    expect(await old.stage()).toBe('HOME_VISIT');
    expect(projection.snapshots.get(fresh.id)!.policyVersion).toBe('test-quick');
    expect(projection.snapshots.get(old.id)!.policyVersion).toBe(policy.version);
    await old.act({ type: 'CANCEL', reason: '测试结束' });
    await fresh.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('reminds the owner of a support measure at its skipped due date when it has no outcome', async () => {
    const c = await openCase(policy, { cause: 'LEARNING_DIFFICULTY' });
    const dueAt = new Date((await env.currentTimeMs()) + DAY).toISOString();
    await c.act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'teacher', dueAt });
    await skip(DAY + 1000);
    const reminded = () => projection.events.get(c.id)!.find((e) => e.type === 'REMINDER_SENT' && e.data.deadline === 'supportDueAt');
    for (let i = 0; i < 200 && !reminded(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(reminded()).toMatchObject({ automatic: true, data: { owner: 'teacher', measure: 'TUTORING', dueAt } });
    expectFiredAt(reminded()!.occurredAt, dueAt);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('support before sanction: a poverty case with pending aid is held at the end of CORRECTION_DEADLINE and released when the aid is recorded', async () => {
    const c = await openCase(policy, { cause: 'POVERTY' });
    const added = await c.act({ type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: new Date((await env.currentTimeMs()) + 400 * DAY).toISOString() });
    const measureId = added.events[0].id;
    await c.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await c.act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝' });
    const order = await c.act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '10d' });
    const correctBy = order.snapshot.windowEndsAt!;

    await skip(10 * DAY + 1000);
    for (let i = 0; i < 200 && !c.types().includes('HELD_FOR_SUPPORT'); i++) await new Promise((r) => setTimeout(r, 50));
    const held = projection.events.get(c.id)!.find((e) => e.type === 'HELD_FOR_SUPPORT')!;
    expect(held).toMatchObject({ automatic: true, stageAfter: 'CORRECTION_DEADLINE', data: { to: 'JUDICIAL_DOCUMENT', measureIds: [measureId] } });
    expectFiredAt(held.occurredAt, correctBy);
    await skip(20 * DAY);
    const waiting = await c.handle.query(snapshotQuery);
    expect(waiting).toMatchObject({ stage: 'CORRECTION_DEADLINE', heldForSupport: { since: held.occurredAt, to: 'JUDICIAL_DOCUMENT' } });
    expect(c.types()).not.toContain('AUTO_ESCALATED');

    const decided = await c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId, outcome: 'GRANTED', note: '资助已发放' });
    expect(decided.events.map((e) => e.type)).toEqual(['RECORD_SUPPORT_OUTCOME', 'RELEASED', 'AUTO_ESCALATED']);
    expect(decided.snapshot.stage).toBe('JUDICIAL_DOCUMENT');
    expect(decided.snapshot).not.toHaveProperty('heldForSupport');
    await c.reaches('JUDICIAL_DOCUMENT');
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

});

describe('one workflow task per step (patch baoxue-one-task-step, v5)', () => {
  it("an action's update completes in the workflow task that projects it; an opening and a timer firing take one task each", async () => {
    const c = await openCase();
    await c.act({ type: 'ADD_NOTE', note: '家访前先电话联系' });
    await c.act({ type: 'REASSIGN', assignee: '李老师', reason: '班主任更换' });
    await skip(2 * DAY + 1000); // the reminder, one day before the home visit is due
    for (let i = 0; i < 100 && !c.types().includes('REMINDER_SENT'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(c.types()).toContain('REMINDER_SENT');
    await c.act({ type: 'CANCEL', reason: '测试结束' });

    const history = (await c.handle.fetchHistory()).events ?? [];
    const steps = historySteps(history);
    console.log(`history per step (v5): ${steps.map((s) => `${s.kind} ${s.types.length}: ${s.types.join(' ')}`).join('\n  ')}`);
    expect(steps.map((s) => s.kind)).toEqual(['open', 'action', 'action', 'timer', 'action']);
    for (const step of steps) {
      expect(step.workflowTasks).toBe(1);
      // The projection is the local activity's marker, in the step's own task; no activity task.
      expect(step.types.filter((t) => t === 'MARKER_RECORDED').length).toBeGreaterThanOrEqual(1);
      expect(step.types.filter((t) => t.startsWith('ACTIVITY_TASK_'))).toEqual([]);
    }
    for (const step of steps.filter((s) => s.kind === 'action')) {
      const completed = step.types.indexOf('WORKFLOW_TASK_COMPLETED');
      const accepted = step.types.indexOf('WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
      const projected = step.types.lastIndexOf('MARKER_RECORDED');
      const answered = step.types.indexOf('WORKFLOW_EXECUTION_UPDATE_COMPLETED');
      // Accepted, projected and answered by the commands of one task, in that order.
      expect(completed).toBeLessThan(accepted);
      expect(accepted).toBeLessThan(projected);
      expect(projected).toBeLessThan(answered);
    }
    // A note moves no deadline: its step keeps the timer (no TIMER_CANCELED, no TIMER_STARTED).
    expect(steps[1].types).not.toContain('TIMER_CANCELED');
    expect(steps[1].types).not.toContain('TIMER_STARTED');
  });
});

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

/** The events a history event handed to the projection (a local activity's marker, since v5). */
function projectedBy(e: HistoryEvent): CaseEvent[] {
  const marker = e.markerRecordedEventAttributes;
  const result = marker?.markerName === 'core_local_activity' ? marker.details?.result?.payloads?.[0] : undefined;
  return result ? defaultPayloadConverter.fromPayload<ProjectedEvents>(result as Payload).events : [];
}

describe('continue-as-new: a long-lived case', () => {
  /** The runs of a case's workflow, first to last, each with its history (followed through CONTINUED_AS_NEW). */
  async function runsOf(c: TestCase): Promise<Array<{ runId: string; history: History; events: HistoryEvent[] }>> {
    const runs: Array<{ runId: string; history: History; events: HistoryEvent[] }> = [];
    for (let runId: string | undefined = c.handle.firstExecutionRunId; runId; ) {
      const history: History = await env.client.workflow.getHandle(c.handle.workflowId, runId).fetchHistory();
      const events: HistoryEvent[] = history.events ?? [];
      runs.push({ runId, history, events });
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return runs;
  }

  it('crosses the boundary many times and keeps its state, timers, concurrent updates and timeline exactly once', async () => {
    const c = await openCase(policy, { continueAsNewAfterEvents: 40 });
    const opened = Date.parse(projection.events.get(c.id)![0].occurredAt);
    const supportDue = new Date(opened + 10 * DAY).toISOString();
    await c.act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'teacher', dueAt: supportDue });
    await c.act({ type: 'REASSIGN', assignee: '李老师', reason: '班主任更换' });
    const visit = await c.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长外出务工' });
    const persuasionEnds = visit.snapshot.windowEndsAt!;

    // Twelve days of casework: each day five notes at once (as five caseworkers would send them),
    // so updates are in flight when a run reaches the threshold; the support measure's reminder
    // falls due on day 10, in a later run than the one that set it.
    const answered: ActionResult[] = [];
    for (let day = 0; day < 12; day++) {
      answered.push(...(await Promise.all([1, 2, 3, 4, 5].map((n) => c.act({ type: 'ADD_NOTE', note: `第 ${day + 1} 天电话联系 ${n}` })))));
      await skip(DAY);
    }
    await skip(Date.parse(persuasionEnds) - (await env.currentTimeMs()) + 1000);
    await c.reaches('TOWN_CRITICISM');
    const snapshot = await c.handle.query(snapshotQuery);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
    await c.handle.result();

    const runs = await runsOf(c);
    console.log(`long-lived case: ${runs.length} runs, history lengths ${runs.map((r) => r.events.length).join(', ')}`);
    expect(runs.length).toBeGreaterThanOrEqual(5);
    for (const run of runs.slice(0, -1)) expect(run.events.at(-1)?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    // Every accepted update was answered in the run that accepted it: none is left behind at a boundary.
    for (const run of runs) {
      const accepted = run.events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      expect({ run: run.runId, completed: run.events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes).length }).toEqual({ run: run.runId, completed: accepted });
    }

    // State carried over: the assignee, the measure, the policy; the case counts on from the last seq.
    expect(snapshot).toMatchObject({ stage: 'TOWN_CRITICISM', assignee: '李老师', policyVersion: policy.version });
    expect(snapshot.supportMeasures).toEqual([expect.objectContaining({ measure: 'TUTORING', owner: 'teacher', dueAt: supportDue, outcome: 'PENDING' })]);

    // Each of the 60 notes was carried out once, with its own seq.
    const notes = answered.flatMap((r) => r.events).filter((e) => e.type === 'ADD_NOTE');
    expect(notes).toHaveLength(60);
    expect(new Set(notes.map((e) => e.seq)).size).toBe(60);

    // The timeline: seq 1..n without a gap, each event handed to the projection exactly once, across every run.
    const events: CaseEvent[] = projection.events.get(c.id)!;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => projection.deliveries.get(e.id) !== 1).map((e) => e.id)).toEqual([]);
    expect(events.filter((e) => e.type === 'ADD_NOTE')).toHaveLength(60);

    // Timers set in one run fired in a later one, once, at their instant.
    const reminders = events.filter((e) => e.type === 'REMINDER_SENT' && e.data.deadline === 'supportDueAt');
    expect(reminders).toHaveLength(1);
    expectFiredAt(reminders[0].occurredAt, supportDue);
    const escalations = events.filter((e) => e.type === 'AUTO_ESCALATED');
    expect(escalations.map((e) => e.stageAfter)).toEqual(['TOWN_CRITICISM']);
    expectFiredAt(escalations[0].occurredAt, persuasionEnds);
    // History agrees: the runs' projections (local activity markers) hold every event once, and the
    // reminder and the escalation were projected by later runs than the ones that set their timers.
    const perRun = runs.map((r) => r.events.flatMap(projectedBy));
    expect(perRun.flat().map((e) => e.id)).toEqual(events.map((e) => e.id));
    const runOf = (id: string) => perRun.findIndex((batch) => batch.some((e) => e.id === id));
    expect(runOf(reminders[0].id)).toBeGreaterThan(runOf(events.find((e) => e.type === 'ADD_SUPPORT')!.id));
    expect(runOf(escalations[0].id)).toBeGreaterThan(runOf(events.find((e) => e.type === 'RECORD_HOME_VISIT')!.id));

    // And every run, the continue-as-new included, replays on the current code.
    const replayed: Array<string | undefined> = [];
    const histories = runs.map((r) => ({ workflowId: `${c.handle.workflowId}/${r.runId}`, history: r.history }));
    for await (const r of Worker.runReplayHistories({ workflowsPath: require.resolve('../../src/workflows'), bundlerOptions: searchAttributesLeftOut }, histories)) {
      replayed.push(r.error?.name);
    }
    expect(replayed).toEqual(runs.map(() => undefined));
  });
});

describe('approvals (policy guling-2026.2-approvals, patch baoxue-approvals, v7)', () => {
  const approvals = loadPolicy(`${__dirname}/../../policies/guling-2026.2-approvals.json`);

  async function refusal(c: TestCase, action: ActionRequest): Promise<ApplicationFailure> {
    const err: unknown = await c.act(action).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  }

  it('closure waits for approval: a rejected request leaves the case in follow-up, a second request approved closes it', async () => {
    const c = await openCase(approvals);
    await c.act({ type: 'RECORD_RETURN' });
    await skip(30 * DAY + 1000);
    await c.reaches('RETURNED');
    for (let i = 0; i < 100 && !c.types().includes('FOLLOW_UP_COMPLETED'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(c.types()).toContain('FOLLOW_UP_COMPLETED');

    // The direct closure is gone under this policy; the request takes its place.
    expect((await refusal(c, { type: 'APPROVE_CLOSURE' })).type).toBe('ACTION_NOT_ALLOWED');
    const asked = await c.act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '跟踪期满，学生稳定在校' });
    const first = asked.snapshot.approvals![0];
    expect(first).toMatchObject({ decision: 'CLOSURE', status: 'PENDING', requestedBy: '测试员', approverRoles: ['LEADER', 'DEPUTY_LEADER'], reason: '跟踪期满，学生稳定在校' });
    expect(first.id).toBe(asked.events[0].id);
    expect(asked.snapshot.allowedActions).toEqual(expect.arrayContaining(['APPROVE_REQUEST', 'REJECT_REQUEST']));
    expect(asked.snapshot.requestableApprovals).not.toContain('CLOSURE');
    // One pending request per decision.
    expect((await refusal(c, { type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '再次申请' })).type).toBe('INVALID_ACTION');

    const rejected = await c.act({ type: 'REJECT_REQUEST', approvalId: first.id, comment: '请补充复学后的出勤记录' });
    expect(rejected.snapshot).toMatchObject({ stage: 'RETURNED', open: true });
    expect(rejected.snapshot.approvals![0]).toMatchObject({ status: 'REJECTED', decidedBy: '测试员', comment: '请补充复学后的出勤记录' });
    expect(rejected.snapshot.approvals![0].decidedAt).toBe(rejected.events[0].occurredAt);
    expect(rejected.snapshot.requestableApprovals).toContain('CLOSURE');
    // A decided request cannot be decided again: with none pending, no decision is allowed at all.
    expect((await refusal(c, { type: 'APPROVE_REQUEST', approvalId: first.id, comment: '同意' })).type).toBe('ACTION_NOT_ALLOWED');

    const again = await c.act({ type: 'REQUEST_APPROVAL', decision: 'CLOSURE', reason: '已补充出勤记录' });
    const second = again.snapshot.approvals![1];
    const approved = await c.handle.executeUpdate(actUpdate, { args: [{ type: 'APPROVE_REQUEST', approvalId: second.id, comment: '同意销号', actor: '王军（deputy）' }] });
    expect(approved.snapshot).toMatchObject({ stage: 'CLOSED', open: false });
    expect(approved.events.map((e) => e.type)).toEqual(['APPROVE_REQUEST', 'APPROVE_CLOSURE']);
    expect(approved.events[1]).toMatchObject({ actor: '王军（deputy）', data: { approvalId: second.id } });
    expect(approved.snapshot.approvals!.map((a) => a.status)).toEqual(['REJECTED', 'APPROVED']);
    expect(c.types().slice(-5)).toEqual(['REQUEST_APPROVAL', 'REJECT_REQUEST', 'REQUEST_APPROVAL', 'APPROVE_REQUEST', 'APPROVE_CLOSURE']);
  });

  it('the judicial stage waits for approval when the correction window ends; a pending request reminds its approvers after remindAfter', async () => {
    const c = await openCase(approvals);
    await c.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    await c.act({ type: 'PERSUASION_REFUSED', reason: '监护人拒绝' });
    await c.act({ type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕9号' });
    const asked = await c.act({ type: 'REQUEST_APPROVAL', decision: 'JUDICIAL', reason: '监护人仍拒不改正' });
    const id = asked.events[0].id;
    // The clocks keep running (no pausesClocks for JUDICIAL).
    expect(asked.snapshot.paused).toBe(false);

    await skip(2 * DAY + 1000);
    for (let i = 0; i < 100 && !c.types().includes('REMINDER_SENT'); i++) await new Promise((r) => setTimeout(r, 50));
    const reminder = projection.events.get(c.id)!.find((e) => e.type === 'REMINDER_SENT' && e.data.deadline === 'approvalRemindAt')!;
    expect(reminder.data).toMatchObject({ approvalId: id, decision: 'JUDICIAL', approverRoles: ['LEADER'] });
    expectFiredAt(reminder.occurredAt, String(reminder.data.dueAt));

    await skip(13 * DAY + 1000);
    for (let i = 0; i < 100 && !c.types().includes('AWAITING_APPROVAL'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await c.stage()).toBe('CORRECTION_DEADLINE');
    expect(c.types()).not.toContain('AUTO_ESCALATED');
    // Only one reminder, however long it waits.
    expect(projection.events.get(c.id)!.filter((e) => e.data.deadline === 'approvalRemindAt')).toHaveLength(1);

    const approved = await c.act({ type: 'APPROVE_REQUEST', approvalId: id, comment: '同意进入司法程序' });
    expect(approved.snapshot.stage).toBe('JUDICIAL_DOCUMENT');
    expect(approved.events.map((e) => e.type)).toEqual(['APPROVE_REQUEST', 'AUTO_ESCALATED']);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('an exemption request stops the clocks while pending (pausesClocks); the rejection starts them again with the time left', async () => {
    const c = await openCase(approvals);
    await skip(DAY);
    const asked = await c.act({ type: 'REQUEST_APPROVAL', decision: 'EXEMPTION', reason: '因病申请休学一年' });
    expect(asked.snapshot.paused).toBe(true);
    expect((await refusal(c, { type: 'EXEMPT', reason: '直接缓学' })).type).toBe('ACTION_NOT_ALLOWED');
    await skip(10 * DAY);
    expect(await c.stage()).toBe('HOME_VISIT');
    const rejected = await c.act({ type: 'REJECT_REQUEST', approvalId: asked.events[0].id, comment: '病情证明不足' });
    expect(rejected.snapshot.paused).toBe(false);
    const left = Date.parse(rejected.snapshot.actionDueAt!) - Date.parse(rejected.events[0].occurredAt);
    expect(left).toBeGreaterThan(2 * DAY - 60_000); // two of the three days were left
    expect(left).toBeLessThanOrEqual(2 * DAY);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });

  it('an extension within the limit is taken directly; beyond it the request, once approved, extends with the approver named', async () => {
    const c = await openCase(approvals);
    const snapshot = await c.handle.query(snapshotQuery);
    const due = Date.parse(snapshot.actionDueAt!);
    const within = await c.act({ type: 'EXTEND_DEADLINE', newDueAt: new Date(due + 2 * DAY).toISOString(), reason: '外出', approver: '王军（deputy）' });
    expect(within.events[0].type).toBe('EXTEND_DEADLINE');
    const far = new Date(due + 20 * DAY).toISOString();
    expect((await refusal(c, { type: 'EXTEND_DEADLINE', newDueAt: far, reason: '外出务工', approver: '王军（deputy）' })).type).toBe('ACTION_NOT_ALLOWED');
    const asked = await c.act({ type: 'REQUEST_APPROVAL', decision: 'EXTENSION', reason: '监护人春节后返乡', newDueAt: far });
    const approved = await c.act({ type: 'APPROVE_REQUEST', approvalId: asked.events[0].id, comment: '同意延期' });
    expect(approved.events.map((e) => e.type)).toEqual(['APPROVE_REQUEST', 'EXTEND_DEADLINE']);
    expect(approved.events[1]).toMatchObject({ actor: '测试员', data: { approver: '测试员', approvalId: asked.events[0].id } });
    expect(approved.snapshot.actionDueAt).toBe(far);
    await c.act({ type: 'CANCEL', reason: '测试结束' });
  });
});
