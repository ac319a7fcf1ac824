/**
 * The monthly monitoring report (动态监测书面报告制度): for one town and one calendar month (China
 * time), the figures of the town, of each responsibility area and of each school, computed from
 * the read model in one statement. A month in which nothing happened (no event on any case) is a
 * nil report (零报告), still written and stored: the notice asks for the report every period.
 */
import { LedgerFigures, ledgerFigures } from '../../finding/check/ledger-figures';
import type { DataSource } from 'typeorm';
import type { Town } from '../../read-model/town';
import type { Label } from '../../workflows/vocabulary';
import { ENDINGS } from '../../workflows/vocabulary';
import { MonthKey, monthBounds } from '../china-time';

export interface ReportFigures {
  /** Cases opened in the month (新增疑似辍学). */
  opened: number;
  /** Returns to school in the month (劝返复学, 人次: entering RETURNED from another stage; a child returning twice counts twice). */
  returned: number;
  /** Cases closed (销号) in the month. */
  closed: number;
  /** Cases ended otherwise in the month (exempted, transferred, completed, cancelled). */
  otherEndings: number;
  /** Automatic escalations in the month (to the next stage, the supervisor or the leader). */
  escalations: number;
  /** Cases open at the end of the month (月末在办). */
  openAtMonthEnd: number;
  /** Events of any kind in the month (0: nothing happened). */
  events: number;
}

export const FIGURE_KEYS = ['opened', 'returned', 'closed', 'otherEndings', 'escalations', 'openAtMonthEnd'] as const;

export const FIGURE_LABELS: Record<(typeof FIGURE_KEYS)[number], Label> = {
  opened: { zh: '新增疑似辍学（立案）', en: 'Cases opened' },
  returned: { zh: '劝返复学（人次）', en: 'Returns to school' },
  closed: { zh: '销号', en: 'Closed (销号)' },
  otherEndings: { zh: '其他结案（缓学、转学等）', en: 'Other endings (exempted, transferred, ...)' },
  escalations: { zh: '逾期自动升级', en: 'Automatic escalations' },
  openAtMonthEnd: { zh: '月末在办案件', en: 'Open at month end' },
};

export interface ReportSection {
  code: string;
  name: Label;
  figures: ReportFigures;
}

export interface MonthlyReport {
  town: { code: string; name: Label };
  month: MonthKey;
  /** [start, end) in China time, as ISO instants. */
  period: { start: string; end: string };
  generatedAt: string;
  /** 零报告: no event on any case of the town in the month. */
  nil: boolean;
  totals: ReportFigures;
  areas: ReportSection[];
  schools: ReportSection[];
  /** 三类台账 (src/finding/check/ledger-figures.ts): the ledgers' counts and rates, the cross-check's open items; absent in reports made before. */
  ledgers?: LedgerFigures & { openItems: Record<string, number> };
}

const ESCALATIONS = ['AUTO_ESCALATED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER'];

/**
 * Per case, what its events did in the month; the cases alive in the month (opened before its end,
 * not ended before its start) or touched in it; summed by area, by school and for the town with
 * GROUPING SETS. `$1`/`$2` are the month's bounds, `$5` the town.
 */
const REPORT_SQL = `
  WITH ev AS (
    SELECT e.case_id,
           count(*) FILTER (WHERE e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED') AS returned,
           bool_or(e.stage_before <> e.stage_after AND e.stage_after = 'CLOSED') AS closed,
           bool_or(e.stage_before <> e.stage_after AND e.stage_after = ANY($3::text[]) AND e.stage_after <> 'CLOSED') AS other_end,
           count(*) FILTER (WHERE e.type = ANY($4::text[])) AS escalations,
           count(*) AS events
      FROM case_events e
      JOIN cases ec ON ec.id = e.case_id AND ec.town = $5
     WHERE e.occurred_at >= $1 AND e.occurred_at < $2
     GROUP BY e.case_id
  ), alive AS (
    SELECT c.id, c.area, c.school, c.opened_at, c.ended_at
      FROM cases c
     WHERE c.town = $5 AND ((c.opened_at < $2 AND (c.ended_at IS NULL OR c.ended_at >= $1))
        OR c.id IN (SELECT case_id FROM ev))
  )
  SELECT grouping(a.area) AS by_school, grouping(a.school) AS by_area, a.area, a.school,
         count(*) FILTER (WHERE a.opened_at >= $1 AND a.opened_at < $2) AS opened,
         coalesce(sum(ev.returned), 0) AS returned,
         count(*) FILTER (WHERE ev.closed) AS closed,
         count(*) FILTER (WHERE ev.other_end) AS other_endings,
         coalesce(sum(ev.escalations), 0) AS escalations,
         count(*) FILTER (WHERE a.opened_at < $2 AND (a.ended_at IS NULL OR a.ended_at >= $2)) AS open_at_end,
         coalesce(sum(ev.events), 0) AS events
    FROM alive a LEFT JOIN ev ON ev.case_id = a.id
   GROUP BY GROUPING SETS ((a.area), (a.school), ())`;

export async function computeMonthlyReport(dataSource: DataSource, town: Town, month: MonthKey, now = new Date()): Promise<MonthlyReport> {
  const { start, end } = monthBounds(month);
  const rows: Array<Record<string, string | number | null>> = await dataSource.query(REPORT_SQL, [start, end, [...ENDINGS], ESCALATIONS, town.code]);
  const figures = (r: Record<string, string | number | null> | undefined): ReportFigures => ({
    opened: Number(r?.opened ?? 0),
    returned: Number(r?.returned ?? 0),
    closed: Number(r?.closed ?? 0),
    otherEndings: Number(r?.other_endings ?? 0),
    escalations: Number(r?.escalations ?? 0),
    openAtMonthEnd: Number(r?.open_at_end ?? 0),
    events: Number(r?.events ?? 0),
  });
  const total = rows.find((r) => Number(r.by_area) === 1 && Number(r.by_school) === 1);
  const areaRows = rows.filter((r) => Number(r.by_area) === 1 && Number(r.by_school) === 0);
  const schoolRows = rows.filter((r) => Number(r.by_school) === 1 && Number(r.by_area) === 0);
  const sections = (known: ReadonlyArray<{ code: string; name: Label }>, found: typeof rows, key: 'area' | 'school'): ReportSection[] => [
    ...known.map((k) => ({ code: k.code, name: k.name, figures: figures(found.find((r) => r[key] === k.code)) })),
    // A code the town file no longer lists still appears: the report must add up.
    ...found.filter((r) => !known.some((k) => k.code === r[key])).map((r) => ({ code: String(r[key]), name: { zh: String(r[key]), en: String(r[key]) }, figures: figures(r) })),
  ];
  const totals = figures(total);
  const ledgers = await ledgerFigures(dataSource, { town: town.code, period: { start, end } });
  return {
    town: { code: town.code, name: town.name },
    month,
    period: { start: start.toISOString(), end: end.toISOString() },
    generatedAt: now.toISOString(),
    nil: totals.events === 0,
    totals,
    areas: sections(town.areas, areaRows, 'area'),
    schools: sections(town.schools, schoolRows, 'school'),
    ledgers: { ...ledgers.total, openItems: ledgers.openItems },
  };
}
