/**
 * Starting the cross-check, the one way for every trigger: a person's request (the API), a
 * finished source import, the nightly Temporal Schedule. A requested run has the workflow id
 * `baoxue-cross-check:<town>`: while one runs, a second request joins it (USE_EXISTING) instead of
 * running twice. Every worker ensures the schedules at start-up (created once, updated when they
 * changed), like the reconciliation's: the nightly cross-check (02:00 China time), the quarterly
 * re-check (1 Jan/Apr/Jul/Oct) and the term-start visits (the policy's term starts), both 08:00.
 */
import { CalendarSpec, Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { TASK_QUEUE } from '../../workflows/messages';
import {
  CROSS_CHECK_SCHEDULE_ID,
  CROSS_CHECK_WORKFLOW_ID,
  crossCheckAgainSignal,
  CrossCheckTrigger,
  FourOnesKind,
  QUARTERLY_RECHECK_SCHEDULE_ID,
  TERM_START_VISIT_SCHEDULE_ID,
} from '../../workflows/cross-check-messages';
import { crossCheckWorkflow, fourOnesWorkflow } from '../../workflows/cross-check-workflow';
import type { FindingPolicy } from './finding-policy';

export const FINDING_TIME_ZONE = 'Asia/Shanghai';

/**
 * Starts the town's cross-check; if one is running, asks it for one more pass once it is done
 * (its snapshot may be older than this request's data). Returns the workflow id to follow.
 */
export async function startCrossCheck(client: Client, input: { town: string; trigger: CrossCheckTrigger; requestedBy?: string; taskQueue?: string }): Promise<{ workflowId: string; runId: string }> {
  const workflowId = `${CROSS_CHECK_WORKFLOW_ID}:${input.town}`;
  const args = { trigger: input.trigger, towns: [input.town], requestedBy: input.requestedBy };
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await client.workflow.start(crossCheckWorkflow, { workflowId, taskQueue: input.taskQueue ?? TASK_QUEUE, args: [args] });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const handle = client.workflow.getHandle(workflowId);
    try {
      await handle.signal(crossCheckAgainSignal, args);
      return { workflowId, runId: (await handle.describe()).runId };
    } catch (err) {
      // It finished between the two calls: start a new one.
      if (!(err instanceof WorkflowNotFoundError) || attempt >= 3) throw err;
    }
  }
}

/** What the API holds to start a cross-check (bootstrap gives it a Temporal client; tests a fake or a test server). */
export interface CrossCheckStarter {
  start(input: { town: string; trigger: CrossCheckTrigger; requestedBy?: string }): Promise<{ workflowId: string; runId: string }>;
}

export function temporalCrossCheckStarter(client: Client, taskQueue?: string): CrossCheckStarter {
  return { start: (input) => startCrossCheck(client, { ...input, taskQueue }) };
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;
type Calendar = CalendarSpec;

export async function ensureFindingSchedules(client: Client, policy: FindingPolicy, options: { taskQueue?: string } = {}): Promise<Record<string, 'created' | 'updated' | 'unchanged'>> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const terms = policy.fourOnes.termStarts.map((d) => ({ month: MONTHS[Number(d.slice(0, 2)) - 1], dayOfMonth: Number(d.slice(3, 5)), hour: 8, minute: 0 }));
  const fourOnes = (kind: FourOnesKind) => ({ workflowType: fourOnesWorkflow, workflowId: `baoxue-four-ones-${kind.toLowerCase()}`, args: [{ kind }] as [{ kind: FourOnesKind }] });
  return {
    [CROSS_CHECK_SCHEDULE_ID]: await ensure(client, CROSS_CHECK_SCHEDULE_ID, [{ hour: 2, minute: 0 }], { workflowType: crossCheckWorkflow, workflowId: CROSS_CHECK_WORKFLOW_ID, args: [{ trigger: 'SCHEDULE' as const }] }, taskQueue, '四查三比对（每晚）/ nightly cross-check'),
    [QUARTERLY_RECHECK_SCHEDULE_ID]: await ensure(client, QUARTERLY_RECHECK_SCHEDULE_ID, [{ month: [MONTHS[0], MONTHS[3], MONTHS[6], MONTHS[9]], dayOfMonth: 1, hour: 8, minute: 0 }], fourOnes('QUARTERLY_RECHECK'), taskQueue, '四个一：县级季度复核 / quarterly re-check'),
    [TERM_START_VISIT_SCHEDULE_ID]: await ensure(client, TERM_START_VISIT_SCHEDULE_ID, terms, fourOnes('TERM_START_VISIT'), taskQueue, '四个一：开学走访 / term-start visits'),
  };
}

async function ensure(
  client: Client,
  scheduleId: string,
  calendars: Calendar[],
  workflow: { workflowType: typeof crossCheckWorkflow | typeof fourOnesWorkflow; workflowId: string; args: unknown[] },
  taskQueue: string,
  purpose: string,
): Promise<'created' | 'updated' | 'unchanged'> {
  const spec = { calendars, timezone: FINDING_TIME_ZONE };
  const action = { type: 'startWorkflow' as const, workflowType: workflow.workflowType, workflowId: workflow.workflowId, taskQueue, args: workflow.args as [] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, memo: { purpose } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  const same =
    current.action.type === 'startWorkflow' &&
    current.action.workflowType === workflow.workflowType.name &&
    current.action.taskQueue === taskQueue &&
    current.spec.timezone === FINDING_TIME_ZONE &&
    (current.spec.calendars ?? []).length === calendars.length;
  if (same) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  return 'updated';
}
