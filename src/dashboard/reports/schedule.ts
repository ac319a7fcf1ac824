/**
 * The Temporal Schedule of the monthly monitoring report: 01:00 China time on the 1st of each
 * month, for the month before. Every worker ensures it at start-up (created once, updated when the
 * task queue changed, left alone otherwise), like the reconciliation's (src/reconciliation/schedule.ts).
 */
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { TASK_QUEUE } from '../../workflows/messages';
import { MONTHLY_REPORT_SCHEDULE_ID, MONTHLY_REPORT_WORKFLOW_ID } from '../../workflows/monthly-report-messages';
import { monthlyReportWorkflow } from '../../workflows/monthly-report-workflow';

export const MONTHLY_REPORT_CALENDAR = { dayOfMonth: 1, hour: 1, minute: 0 };
export const MONTHLY_REPORT_TIME_ZONE = 'Asia/Shanghai';

export async function ensureMonthlyReportSchedule(client: Client, options: { taskQueue?: string; scheduleId?: string } = {}): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = options.scheduleId ?? MONTHLY_REPORT_SCHEDULE_ID;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const spec = { calendars: [MONTHLY_REPORT_CALENDAR], timezone: MONTHLY_REPORT_TIME_ZONE };
  const action = { type: 'startWorkflow' as const, workflowType: monthlyReportWorkflow, workflowId: MONTHLY_REPORT_WORKFLOW_ID, taskQueue, args: [] as [] };
  // After downtime on the 1st, one catch-up run within a day.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, memo: { purpose: '动态监测书面报告 / monthly monitoring report' } });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  const same =
    current.action.type === 'startWorkflow' &&
    current.action.workflowType === 'monthlyReportWorkflow' &&
    current.action.taskQueue === taskQueue &&
    current.spec.timezone === MONTHLY_REPORT_TIME_ZONE &&
    (current.spec.calendars ?? []).length === 1;
  if (same) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  return 'updated';
}
