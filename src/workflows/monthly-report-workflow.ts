/**
 * The monthly monitoring report, started by a Temporal Schedule on the 1st of each month
 * (src/dashboard/reports/schedule.ts) for the month before. The work is one activity: it reads the
 * read model and writes the files, both side effects.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { MonthlyReportActivities, MonthlyReportSummary } from './monthly-report-messages';

const { generateMonthlyReport } = proxyActivities<MonthlyReportActivities>({
  startToCloseTimeout: '10 minutes',
  // A report missing on the 1st is noticed; retry for a day, then the leading group asks a person to run `npm run report`.
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30 },
});

export async function monthlyReportWorkflow(): Promise<MonthlyReportSummary> {
  return generateMonthlyReport({ trigger: 'schedule' });
}
