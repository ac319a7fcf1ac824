/**
 * The Temporal Schedule that runs reconciliationWorkflow every BAOXUE_RECONCILE_EVERY (default 1h).
 * Every worker ensures it at start-up: idempotent (created once, updated when the interval or the
 * task queue changed, left alone otherwise) and safe when several workers start together.
 * `BAOXUE_RECONCILE_EVERY=off` deletes it.
 */
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { TASK_QUEUE } from '../workflows/messages';
import { RECONCILIATION_SCHEDULE_ID, RECONCILIATION_WORKFLOW_ID } from '../workflows/reconciliation-messages';
import { reconciliationWorkflow } from '../workflows/reconciliation-workflow';

export type ScheduleOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

export interface ReconciliationScheduleOptions {
  /** Interval in ms; undefined: no scheduled reconciliation (the schedule is deleted if it exists). */
  everyMs?: number;
  taskQueue?: string;
  scheduleId?: string;
}

export async function ensureReconciliationSchedule(client: Client, options: ReconciliationScheduleOptions): Promise<ScheduleOutcome> {
  const scheduleId = options.scheduleId ?? RECONCILIATION_SCHEDULE_ID;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const handle = client.schedule.getHandle(scheduleId);
  if (options.everyMs === undefined) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'absent';
      throw err;
    }
  }
  const every = Math.max(1_000, Math.round(options.everyMs / 1_000) * 1_000); // Temporal rounds to seconds
  const action = {
    type: 'startWorkflow' as const,
    workflowType: reconciliationWorkflow,
    workflowId: RECONCILIATION_WORKFLOW_ID,
    taskQueue,
    args: [] as [],
  };
  const policies = {
    // One check at a time; after downtime, one catch-up run, not one per missed interval.
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: Math.min(every, 5 * 60_000),
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action,
      policies,
      memo: { purpose: '人账相符 / reconciliation of the ledger and the case workflows' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const current = await handle.describe();
  const intervals = current.spec.intervals ?? [];
  const same =
    intervals.length === 1 &&
    intervals[0].every === every &&
    !current.spec.calendars?.length &&
    current.action.type === 'startWorkflow' &&
    current.action.workflowType === 'reconciliationWorkflow' &&
    current.action.taskQueue === taskQueue;
  if (same) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: { intervals: [{ every }] },
    action,
    policies: { ...previous.policies, ...policies },
  }));
  return 'updated';
}
