/**
 * The scheduled check that the ledger and the workflows agree (人账相符): every open case in the
 * read model has its running workflow and every running case workflow has its open row. A Temporal
 * Schedule starts it (src/reconciliation/schedule.ts); the work is one activity, because it reads
 * the database and Temporal's visibility store, both side effects.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ReconciliationActivities, ReconciliationSummary } from './reconciliation-messages';

const { reconcileCases } = proxyActivities<ReconciliationActivities>({
  // Lists every open case and every running workflow: minutes for a large town, seconds usually.
  startToCloseTimeout: '10 minutes',
  // The next scheduled run comes anyway: a few attempts, not forever.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function reconciliationWorkflow(): Promise<ReconciliationSummary> {
  return reconcileCases({ trigger: 'schedule' });
}
