/**
 * What the scheduled monthly monitoring report (动态监测书面报告) passes between its workflow and its
 * activity. Pure types and constants: safe in the workflow sandbox. The report itself is in
 * src/dashboard/reports.
 */
export interface MonthlyReportSummary {
  /** 'YYYY-MM' */
  month: string;
  /** One report per town the deployment serves. */
  reports: Array<{ town: string; nil: boolean }>;
}

export interface MonthlyReportActivities {
  /** Generates and stores every town's report of `month`, by default the month before now (China time). */
  generateMonthlyReport(input: { trigger: 'schedule'; month?: string }): Promise<MonthlyReportSummary>;
}

/** The Temporal Schedule that runs monthlyReportWorkflow on the 1st of each month (created at worker start-up). */
export const MONTHLY_REPORT_SCHEDULE_ID = 'baoxue-monthly-report';
/** Workflow ids of its runs start with this (the schedule appends the time). */
export const MONTHLY_REPORT_WORKFLOW_ID = 'baoxue-monthly-report';
