/**
 * 人账相符: compares every open case of the ledger (cases.open) with the running case workflows
 * (Temporal's visibility store), both ways, and the stage each side shows.
 *
 * The two sides are read at slightly different moments and visibility lags a little behind, so a
 * first pass over the two lists only finds candidates; each candidate is then looked at again,
 * one by one, from the authoritative sources (describe the workflow, re-read the row, ask the
 * workflow's snapshot query). Only what is still different then is reported. A report in
 * progress (row written, workflow not started yet) is not a difference while it is young.
 * Cheap when everything agrees: two list reads, no per-case call.
 */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { STAGE_KEY } from '../temporal/search-attributes';
import { caseWorkflowId, snapshotQuery } from '../workflows/messages';
import type { ReconciliationDifference, ReconciliationReport } from './report';
import { isUuid } from '../read-model/uuid';

export const RUNNING_CASE_WORKFLOWS_QUERY = `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'`;

/** A report younger than this whose workflow has not started yet is in progress, not a difference. */
export const DEFAULT_GRACE_MS = 60_000;
/** How long to wait for a workflow's snapshot query (no worker running: it would wait forever). */
const QUERY_DEADLINE_MS = 5_000;

export interface ReconcileDeps {
  dataSource: DataSource;
  /** With the payload codec: the snapshot query's answer is encrypted. */
  client: Client;
}

export interface ReconcileOptions {
  graceMs?: number;
  now?: () => Date;
}

interface OpenRow {
  caseId: string;
  stage: string;
  lastSeq: number;
  openedAt: Date;
}

interface RunningWorkflow {
  caseId: string;
  workflowId: string;
  stage?: string;
}

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
  const now = options.now ?? (() => new Date());
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const startedAt = now();

  const rows = await openRows(deps.dataSource);
  const running = await runningWorkflows(deps.client);
  const rowsByCase = new Map(rows.map((r) => [r.caseId, r]));
  const runningByCase = new Map(running.map((w) => [w.caseId, w]));

  const differences: ReconciliationDifference[] = [];
  let inProgress = 0;
  let matched = 0;

  for (const row of rows) {
    const workflow = runningByCase.get(row.caseId);
    if (!workflow) {
      const status = await workflowStatus(deps.client, caseWorkflowId(row.caseId));
      if (status === 'RUNNING') {
        // Started after the list was read (or visibility lagged): compare it like the others.
        const difference = await stageDifference(deps, row, undefined);
        if (difference) differences.push(difference);
        else matched++;
        continue;
      }
      const current = await rowOf(deps.dataSource, row.caseId);
      if (!current?.open) continue; // closed (or gone) meanwhile: the workflow ended with it
      const young = current.lastSeq === 0 && startedAt.getTime() - current.openedAt.getTime() < graceMs;
      if (young && status === 'NOT_FOUND') {
        inProgress++;
        continue;
      }
      differences.push({ kind: 'OPEN_ROW_WITHOUT_WORKFLOW', caseId: row.caseId, rowStage: current.stage, workflowStatus: status });
      continue;
    }
    const difference = await stageDifference(deps, row, workflow.stage);
    if (difference) differences.push(difference);
    else matched++;
  }

  for (const workflow of running) {
    if (rowsByCase.has(workflow.caseId)) continue;
    const current = isUuid(workflow.caseId) ? await rowOf(deps.dataSource, workflow.caseId) : undefined;
    if (current?.open) {
      // Opened after the rows were read: compare it like the others.
      const difference = await stageDifference(deps, current, workflow.stage);
      if (difference) differences.push(difference);
      else matched++;
      continue;
    }
    if ((await workflowStatus(deps.client, workflow.workflowId)) !== 'RUNNING') continue; // ended meanwhile
    differences.push({
      kind: 'WORKFLOW_WITHOUT_OPEN_ROW',
      caseId: workflow.caseId,
      workflowId: workflow.workflowId,
      workflowStage: workflow.stage,
      rowStage: current ? current.stage : null,
    });
  }

  return {
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    openCases: rows.length,
    runningWorkflows: running.length,
    matched,
    inProgress,
    differences,
    consistent: differences.length === 0,
  };
}

async function openRows(dataSource: DataSource): Promise<OpenRow[]> {
  const rows: Array<{ id: string; stage: string; last_seq: number; opened_at: Date }> = await dataSource.query(
    `SELECT id, stage, last_seq, opened_at FROM cases WHERE open ORDER BY opened_at, id`,
  );
  return rows.map((r) => ({ caseId: r.id, stage: r.stage, lastSeq: r.last_seq, openedAt: new Date(r.opened_at) }));
}

async function rowOf(dataSource: DataSource, caseId: string): Promise<(OpenRow & { open: boolean }) | undefined> {
  const rows: Array<{ id: string; stage: string; last_seq: number; opened_at: Date; open: boolean }> = await dataSource.query(
    `SELECT id, stage, last_seq, opened_at, open FROM cases WHERE id = $1`,
    [caseId],
  );
  const r = rows[0];
  return r && { caseId: r.id, stage: r.stage, lastSeq: r.last_seq, openedAt: new Date(r.opened_at), open: r.open };
}

async function runningWorkflows(client: Client): Promise<RunningWorkflow[]> {
  const found: RunningWorkflow[] = [];
  for await (const wf of client.workflow.list({ query: RUNNING_CASE_WORKFLOWS_QUERY })) {
    found.push({ caseId: caseIdOf(wf.workflowId), workflowId: wf.workflowId, stage: wf.typedSearchAttributes.get(STAGE_KEY) });
  }
  return found;
}

function caseIdOf(workflowId: string): string {
  return workflowId.startsWith('case-') ? workflowId.slice('case-'.length) : workflowId;
}

/** RUNNING, COMPLETED, TERMINATED, FAILED, ... of the latest run, or NOT_FOUND. */
async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw err;
  }
}

/**
 * The row's stage against the workflow's. The search attribute (free, from the list) is compared
 * first; when it differs or is missing, the row is read again and the workflow asked for its
 * snapshot, so a case that moved between the two reads is not reported.
 */
async function stageDifference(deps: ReconcileDeps, row: OpenRow, listedStage: string | undefined): Promise<ReconciliationDifference | undefined> {
  if (listedStage !== undefined && listedStage === row.stage) return undefined;
  const workflowId = caseWorkflowId(row.caseId);
  let workflowStage: string | undefined;
  let source: 'snapshot' | 'search-attribute' = 'snapshot';
  try {
    const snapshot = await deps.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => deps.client.workflow.getHandle(workflowId).query(snapshotQuery));
    workflowStage = snapshot.stage;
  } catch {
    // No worker answers (the app is stopped) or the query failed: fall back to the search attribute.
    source = 'search-attribute';
    try {
      workflowStage = (await deps.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(STAGE_KEY);
    } catch {
      workflowStage = listedStage;
    }
  }
  const current = await rowOf(deps.dataSource, row.caseId);
  if (!current?.open || workflowStage === undefined || workflowStage === current.stage) return undefined;
  return { kind: 'STAGE_MISMATCH', caseId: row.caseId, rowStage: current.stage, workflowStage, source };
}
