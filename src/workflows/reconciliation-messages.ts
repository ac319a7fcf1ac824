/**
 * What the scheduled reconciliation (人账相符) passes between its workflow and its activity.
 * Pure types and constants: safe in the workflow sandbox. The comparison itself is in src/reconciliation.
 */

/** Who asked for a reconciliation: the Temporal Schedule, or a person running `npm run reconcile`. */
export type ReconciliationTrigger = 'schedule' | 'command';

export interface ReconciliationSummary {
  /** Id of the row in reconciliation_runs. */
  runId: string;
  consistent: boolean;
  openCases: number;
  runningWorkflows: number;
  differences: number;
}

export interface ReconciliationActivities {
  /** Compares the ledger's open cases with the running case workflows and stores the result. */
  reconcileCases(input: { trigger: ReconciliationTrigger }): Promise<ReconciliationSummary>;
}

/** The Temporal Schedule that runs reconciliationWorkflow (created at worker start-up). */
export const RECONCILIATION_SCHEDULE_ID = 'baoxue-reconciliation';
/** Workflow ids of its runs start with this (the schedule appends the time). */
export const RECONCILIATION_WORKFLOW_ID = 'baoxue-reconciliation';
