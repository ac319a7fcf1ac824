/** The activity of the scheduled monthly report (src/workflows/monthly-report-workflow.ts), built from its dependencies. */
import { log } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { Town } from '../../read-model/town';
import type { MonthlyReportActivities } from '../../workflows/monthly-report-messages';
import { monthOf, previousMonth } from '../china-time';
import { generateMonthlyReport } from './report-store';

export function createMonthlyReportActivities(deps: { dataSource: DataSource; town: Town }) {
  return {
    async generateMonthlyReport({ trigger, month }) {
      // Run on the 1st (China time): the report is of the month that just ended.
      const reported = month ?? previousMonth(monthOf(new Date()));
      const { report } = await generateMonthlyReport(deps, reported, trigger);
      log.info('动态监测书面报告已生成 / monthly monitoring report generated', { town: report.town.code, month: reported, nil: report.nil });
      return { town: report.town.code, month: reported, nil: report.nil };
    },
  } satisfies MonthlyReportActivities;
}
