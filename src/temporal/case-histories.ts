/**
 * The histories of every run of a case's workflow, first to last: from the latest run back
 * through each run's continuedExecutionRunId (a long-lived case continues as new). A run whose
 * history Temporal no longer holds (past the namespace's retention) ends the walk: the runs after it
 * carry the state forward.
 */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { caseWorkflowId } from '../workflows/messages';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export async function runHistories(client: Client, caseId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  for (let runId: string | undefined = undefined; ; ) {
    let events: HistoryEvent[];
    try {
      events = (await client.workflow.getHandle(caseWorkflowId(caseId), runId).fetchHistory()).events ?? [];
    } catch (err) {
      if (runId !== undefined && err instanceof WorkflowNotFoundError) return runs;
      throw err;
    }
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (!runId) return runs;
  }
}
