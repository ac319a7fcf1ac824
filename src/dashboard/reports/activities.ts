/** The activity of the scheduled monthly report (src/workflows/monthly-report-workflow.ts), built from its dependencies. */
import { log } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { Towns } from '../../read-model/town';
import type { MonthlyReportActivities } from '../../workflows/monthly-report-messages';
import { monthOf, previousMonth } from '../china-time';
import { generateMonthlyReport } from './report-store';

export function createMonthlyReportActivities(deps: { dataSource: DataSource; towns: Towns }) {
  return {
    async generateMonthlyReport({ trigger, month }) {
      // Run on the 1st (China time): the report is of the month that just ended. One per town; a retry redoes them all (each replaces its own).
      const reported = month ?? previousMonth(monthOf(new Date()));
      const reports: Array<{ town: string; nil: boolean }> = [];
      for (const town of deps.towns.all) {
        const { report } = await generateMonthlyReport({ dataSource: deps.dataSource, town }, reported, trigger);
        log.info('动态监测书面报告已生成 / monthly monitoring report generated', { town: town.code, month: reported, nil: report.nil });
        reports.push({ town: town.code, nil: report.nil });
      }
      return { month: reported, reports };
    },
  } satisfies MonthlyReportActivities;
}
