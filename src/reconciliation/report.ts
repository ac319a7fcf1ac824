/**
 * The result of a reconciliation and how it reads for people: Chinese first, English beside it.
 * Case ids, stages and workflow statuses only: no names or ID numbers, so the report may go to
 * logs and to the reconciliation_runs table.
 */

/** One way the ledger and the workflows disagree. */
export type ReconciliationDifference =
  | {
      /** An open case in the ledger whose workflow is not running (terminated, failed, completed, or never started). */
      kind: 'OPEN_ROW_WITHOUT_WORKFLOW';
      caseId: string;
      rowStage: string;
      /** The workflow's status (TERMINATED, COMPLETED, FAILED, ...) or NOT_FOUND. */
      workflowStatus: string;
    }
  | {
      /** A running case workflow without an open case in the ledger. */
      kind: 'WORKFLOW_WITHOUT_OPEN_ROW';
      caseId: string;
      workflowId: string;
      workflowStage?: string;
      /** The ledger row's stage when the row exists but is closed; null when there is no row. */
      rowStage: string | null;
    }
  | {
      /** Both exist, but the ledger shows another stage than the workflow. */
      kind: 'STAGE_MISMATCH';
      caseId: string;
      rowStage: string;
      workflowStage: string;
      /** Where the workflow's stage was read: its snapshot query, or its BaoxueStage search attribute. */
      source: 'snapshot' | 'search-attribute';
    };

export interface ReconciliationReport {
  startedAt: string;
  finishedAt: string;
  /** Open cases in the ledger (cases.open). */
  openCases: number;
  /** Running caseWorkflow executions in Temporal's visibility store. */
  runningWorkflows: number;
  /** Cases found on both sides with the same stage. */
  matched: number;
  /** Reports still being opened (row written, workflow not started yet, younger than the grace period): not differences. */
  inProgress: number;
  differences: ReconciliationDifference[];
  consistent: boolean;
}

const KIND_LABELS: Record<ReconciliationDifference['kind'], string> = {
  OPEN_ROW_WITHOUT_WORKFLOW: '台账有未结案件，但没有运行中的流程 / open case in the ledger without a running workflow',
  WORKFLOW_WITHOUT_OPEN_ROW: '有运行中的流程，但台账没有未结案件 / running workflow without an open case in the ledger',
  STAGE_MISMATCH: '台账与流程的环节不一致 / the ledger and the workflow show different stages',
};

export function describeDifference(d: ReconciliationDifference): string {
  switch (d.kind) {
    case 'OPEN_ROW_WITHOUT_WORKFLOW':
      return `case ${d.caseId}: 台账环节 ledger stage ${d.rowStage}; 流程 workflow ${d.workflowStatus}`;
    case 'WORKFLOW_WITHOUT_OPEN_ROW':
      return (
        `case ${d.caseId} (${d.workflowId}): 流程环节 workflow stage ${d.workflowStage ?? '?'}; ` +
        (d.rowStage === null ? '台账无此案件 no ledger row' : `台账已结 ledger row closed as ${d.rowStage}`)
      );
    case 'STAGE_MISMATCH':
      return `case ${d.caseId}: 台账 ledger ${d.rowStage}, 流程 workflow ${d.workflowStage} (${d.source})`;
  }
}

/** The report as the command prints it. */
export function formatReport(report: ReconciliationReport): string {
  const lines = [
    `人账相符核对 / Reconciliation of the ledger and the case workflows (${report.startedAt})`,
    `  台账未结案件 / open cases in the ledger:       ${report.openCases}`,
    `  运行中的流程 / running case workflows:         ${report.runningWorkflows}`,
    `  一致 / matching:                               ${report.matched}`,
  ];
  if (report.inProgress > 0) lines.push(`  正在立案 / being opened right now:             ${report.inProgress}`);
  lines.push(`  差异 / differences:                            ${report.differences.length}`);
  for (const kind of Object.keys(KIND_LABELS) as Array<ReconciliationDifference['kind']>) {
    const found = report.differences.filter((d) => d.kind === kind);
    if (found.length === 0) continue;
    lines.push('', `${KIND_LABELS[kind]} (${found.length}):`);
    for (const d of found) lines.push(`  - ${describeDifference(d)}`);
  }
  lines.push(
    '',
    report.consistent
      ? '结论 / result: 人账相符 / the ledger and the workflows agree'
      : '结论 / result: 人账不符，请核查上列案件 / the ledger and the workflows DIFFER: check the cases above',
  );
  return lines.join('\n');
}
