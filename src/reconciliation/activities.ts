/**
 * The activity of the scheduled reconciliation (src/workflows/reconciliation-workflow.ts), built
 * from its dependencies like the case activities:
 *
 *   Worker.create({ ..., activities: { ...createActivities({ dataSource }), ...createReconciliationActivities({ dataSource, client }) } })
 */
import { Context, log } from '@temporalio/activity';
import type { ReconciliationActivities } from '../workflows/reconciliation-messages';
import { ReconcileDeps, ReconcileOptions, reconcile } from './reconcile';
import { describeDifference } from './report';
import { recordReconciliationRun } from './runs';

export function createReconciliationActivities(deps: ReconcileDeps, options: ReconcileOptions = {}) {
  return {
    async reconcileCases({ trigger }) {
      const report = await reconcile(deps, options);
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      const runId = await recordReconciliationRun(deps.dataSource, report, trigger, workflowId);
      const counts = { openCases: report.openCases, runningWorkflows: report.runningWorkflows, differences: report.differences.length, runId };
      if (report.consistent) {
        log.info('人账相符 / reconciliation: the ledger and the workflows agree', counts);
      } else {
        // Case ids and stages only: safe in logs.
        log.warn('人账不符 / reconciliation found differences', { ...counts, differences: report.differences.map(describeDifference) });
      }
      return { runId, consistent: report.consistent, openCases: report.openCases, runningWorkflows: report.runningWorkflows, differences: report.differences.length };
    },
  } satisfies ReconciliationActivities;
}
