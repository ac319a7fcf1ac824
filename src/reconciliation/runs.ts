/** The reconciliation_runs table: where every reconciliation's result is kept (see its migration). */
import type { DataSource } from 'typeorm';
import type { ReconciliationTrigger } from '../workflows/reconciliation-messages';
import type { ReconciliationReport } from './report';

export interface StoredReconciliationRun {
  id: string;
  trigger: ReconciliationTrigger;
  temporalWorkflowId: string | null;
  startedAt: Date;
  finishedAt: Date;
  openCases: number;
  runningWorkflows: number;
  differences: number;
  consistent: boolean;
  report: ReconciliationReport;
}

/** Stores a run; a second call with the same workflow id (a retried activity) replaces the first. Returns the row id. */
export async function recordReconciliationRun(
  dataSource: DataSource,
  report: ReconciliationReport,
  trigger: ReconciliationTrigger,
  temporalWorkflowId?: string,
): Promise<string> {
  const rows: Array<{ id: string }> = await dataSource.query(
    `INSERT INTO reconciliation_runs (trigger, temporal_workflow_id, started_at, finished_at, open_cases, running_workflows, differences, consistent, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (temporal_workflow_id) DO UPDATE SET
       started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, open_cases = EXCLUDED.open_cases,
       running_workflows = EXCLUDED.running_workflows, differences = EXCLUDED.differences,
       consistent = EXCLUDED.consistent, report = EXCLUDED.report
     RETURNING id`,
    [
      trigger,
      temporalWorkflowId ?? null,
      report.startedAt,
      report.finishedAt,
      report.openCases,
      report.runningWorkflows,
      report.differences.length,
      report.consistent,
      JSON.stringify(report),
    ],
  );
  return rows[0].id;
}

/** The latest runs, newest first. */
export async function latestReconciliationRuns(dataSource: DataSource, limit = 10): Promise<StoredReconciliationRun[]> {
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT id, trigger, temporal_workflow_id, started_at, finished_at, open_cases, running_workflows, differences, consistent, report
     FROM reconciliation_runs ORDER BY started_at DESC, id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id as string,
    trigger: r.trigger as ReconciliationTrigger,
    temporalWorkflowId: (r.temporal_workflow_id as string | null) ?? null,
    startedAt: new Date(r.started_at as string),
    finishedAt: new Date(r.finished_at as string),
    openCases: r.open_cases as number,
    runningWorkflows: r.running_workflows as number,
    differences: r.differences as number,
    consistent: r.consistent as boolean,
    report: r.report as ReconciliationReport,
  }));
}
