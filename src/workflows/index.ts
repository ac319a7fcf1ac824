// The workflow bundle's entry: every workflow type the worker runs.
export { caseWorkflow } from './case-workflow';
export { reconciliationWorkflow } from './reconciliation-workflow';
export { monthlyReportWorkflow } from './monthly-report-workflow';
export { crossCheckWorkflow, fourOnesWorkflow } from './cross-check-workflow';
