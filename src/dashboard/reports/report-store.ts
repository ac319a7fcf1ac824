/**
 * Generating and storing the monthly report: the figures, the .xlsx and the PDF go into
 * monthly_reports, one row per town and month (a new run for the same month replaces it, so the
 * schedule's retry or a rerun by hand never makes two).
 */
import type { DataSource } from 'typeorm';
import type { Town } from '../../read-model/town';
import type { MonthKey } from '../china-time';
import { MonthlyReport, computeMonthlyReport } from './monthly-report';
import { reportPdf, reportXlsx } from './report-files';

export type ReportTrigger = 'schedule' | 'command' | 'api';

export interface GeneratedReport {
  report: MonthlyReport;
  xlsx: Buffer;
  pdf: Buffer;
}

export interface StoredReportSummary {
  town: string;
  month: MonthKey;
  trigger: ReportTrigger;
  generatedAt: string;
  nil: boolean;
  totals: MonthlyReport['totals'];
}

export async function generateMonthlyReport(deps: { dataSource: DataSource; town: Town }, month: MonthKey, trigger: ReportTrigger, now = new Date()): Promise<GeneratedReport> {
  const report = await computeMonthlyReport(deps.dataSource, deps.town, month, now);
  const [xlsx, pdf] = await Promise.all([reportXlsx(report), reportPdf(report)]);
  await deps.dataSource.query(
    `INSERT INTO monthly_reports (town, month, trigger, generated_at, nil, figures, xlsx, pdf)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (town, month) DO UPDATE SET
       trigger = EXCLUDED.trigger, generated_at = EXCLUDED.generated_at, nil = EXCLUDED.nil,
       figures = EXCLUDED.figures, xlsx = EXCLUDED.xlsx, pdf = EXCLUDED.pdf`,
    [report.town.code, month, trigger, report.generatedAt, report.nil, JSON.stringify(report), xlsx, pdf],
  );
  return { report, xlsx, pdf };
}

/** The town's stored reports, newest month first (without the files). */
export async function listReports(dataSource: DataSource, town: string): Promise<StoredReportSummary[]> {
  const rows: Array<{ town: string; month: string; trigger: ReportTrigger; generated_at: Date; nil: boolean; totals: MonthlyReport['totals'] }> = await dataSource.query(
    `SELECT town, month, trigger, generated_at, nil, figures -> 'totals' AS totals FROM monthly_reports WHERE town = $1 ORDER BY month DESC`,
    [town],
  );
  return rows.map((r) => ({ town: r.town, month: r.month, trigger: r.trigger, generatedAt: new Date(r.generated_at).toISOString(), nil: r.nil, totals: r.totals }));
}

export async function reportFile(dataSource: DataSource, town: string, month: MonthKey, kind: 'xlsx' | 'pdf'): Promise<Buffer | undefined> {
  const rows: Array<{ file: Buffer }> = await dataSource.query(`SELECT ${kind === 'xlsx' ? 'xlsx' : 'pdf'} AS file FROM monthly_reports WHERE town = $1 AND month = $2`, [town, month]);
  return rows[0]?.file;
}
