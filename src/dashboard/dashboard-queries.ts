/**
 * The dashboard's figures, one SQL statement per widget, each backed by an index (migration
 * 1765000000000) so they stay fast at a million cases (scripts/measure-dashboard.ts measures the
 * page). Every query takes the viewer's read scope (src/read-model/scope-sql.ts), so a principal
 * sees their school's dashboard and the leading group the town's.
 *
 * "Overdue" is the case's own next deadline (next_deadline_at < now, open, not paused); the people
 * responsible are the holders of the case's open tasks (routed by the responsibility chains, moved
 * by REASSIGN).
 */
import { transferFigures } from '../transfers/transfer-figures';
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../access/permissions';
import { caseScopeSql } from '../read-model/scope-sql';
import type { Towns } from '../read-model/town';
import { CHAIN_STAGES, OPEN_STAGES, Stage } from '../workflows/vocabulary';
import { MonthKey, monthBounds, monthOf, monthsUpTo, sqlChinaMonth, yearStart } from './china-time';

export interface AreaHeadline {
  area: string;
  open: number;
  overdue: number;
  /** 清零: no open case in the area. */
  atZero: boolean;
}

export interface Headline {
  open: number;
  /** Returns to school this month (人次). */
  returnedThisMonth: number;
  closedThisYear: number;
  overdue: number;
  /** Cases another town accepted from this one this year (from the acceptance date), and the other way round. */
  transferredOutThisYear: number;
  transferredInThisYear: number;
  areas: AreaHeadline[];
  month: MonthKey;
  asOf: string;
}

export interface MatrixCell {
  area: string;
  stage: Stage;
  count: number;
}

export interface HeatCell {
  area: string;
  stage: Stage;
  cases: number;
  /** Average days spent so far in the stage. */
  avgDaysInStage: number;
  /** Average days the stage allows (its window or the due date of its required action). */
  avgDaysAllowed: number;
  /** Average of (time spent / time allowed): above 1 means past the window. */
  ratio: number;
  overdue: number;
}

export interface TrendMonth {
  month: MonthKey;
  opened: number;
  returned: number;
  closed: number;
}

export interface OverdueItem {
  caseId: string;
  childName: string;
  area: string;
  school: string;
  stage: Stage;
  dueAt: string;
  overdueMs: number;
  /** The holders of the case's open tasks, 显示名（用户名）. */
  responsible: string[];
  /** The posts the stage's policy names (CLASS_TEACHER, VILLAGE_CADRE, ...). */
  responsibleRoles: string[];
}

export interface RankingRow {
  rank: number;
  area: string;
  open: number;
  overdue: number;
  returnedThisYear: number;
  closedThisYear: number;
}

/** A return to school: an event entering RETURNED from another stage (a child who returns twice counts twice, 人次). */
const RETURN_EVENT = `e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED'`;
const OVERDUE = (now: string) => `c.open AND NOT c.paused AND c.next_deadline_at < ${now}`;

export class DashboardQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly towns: Towns,
  ) {}

  /** Changes whenever a case row changes (every projection sets updated_at) or a report is stored: the live poll's answer. */
  async version(town: string): Promise<string> {
    // Across towns (one index lookup): another town's change costs a viewer one needless reload, never a missed one.
    const [row] = await this.dataSource.query(
      `SELECT (SELECT max(updated_at) FROM cases) AS cases, (SELECT max(generated_at) FROM monthly_reports WHERE town = $1) AS reports`,
      [town],
    );
    const stamp = (d: Date | null) => (d ? new Date(d).toISOString() : '-');
    return `${stamp(row.cases)}|${stamp(row.reports)}`;
  }

  async headline(town: string, scope: CaseScope, now = new Date()): Promise<Headline> {
    const month = monthOf(now);
    const rows = await this.perArea(town, scope, now, monthBounds(month).start);
    const sum = (key: 'open' | 'overdue' | 'returned' | 'closedThisYear') => rows.reduce((n, r) => n + r[key], 0);
    const transfers = await transferFigures(this.dataSource, town, scope, yearStart(now));
    return {
      open: sum('open'),
      returnedThisMonth: sum('returned'),
      closedThisYear: sum('closedThisYear'),
      overdue: sum('overdue'),
      transferredOutThisYear: transfers.transferredOut,
      transferredInThisYear: transfers.transferredIn,
      areas: this.visibleAreas(town, scope, rows).map((area) => {
        const r = rows.find((x) => x.area === area);
        return { area, open: r?.open ?? 0, overdue: r?.overdue ?? 0, atZero: (r?.open ?? 0) === 0 };
      }),
      month,
      asOf: now.toISOString(),
    };
  }

  /** Open cases by area and stage (index cases_open_area_stage_idx). */
  async matrix(town: string, scope: CaseScope): Promise<MatrixCell[]> {
    const params: unknown[] = [town];
    const rows: Array<{ area: string; stage: Stage; count: string }> = await this.dataSource.query(
      `SELECT c.area, c.stage, count(*) AS count FROM cases c WHERE c.open AND c.town = $1 AND ${caseScopeSql(scope, params)} GROUP BY c.area, c.stage`,
      params,
    );
    return rows.map((r) => ({ area: r.area, stage: r.stage, count: Number(r.count) }));
  }

  /** Time spent in the current stage against what the stage allows, per area and chain stage (paused cases left out). */
  async heatmap(town: string, scope: CaseScope, now = new Date()): Promise<HeatCell[]> {
    const params: unknown[] = [now, [...CHAIN_STAGES], town];
    const allowed = `extract(epoch FROM (coalesce(c.window_ends_at, c.action_due_at) - c.stage_entered_at))`;
    const spent = `extract(epoch FROM ($1::timestamptz - c.stage_entered_at))`;
    const rows: Array<{ area: string; stage: Stage; cases: string; spent: number | null; allowed: number | null; ratio: number | null; overdue: string }> =
      await this.dataSource.query(
        `SELECT c.area, c.stage, count(*) AS cases,
                avg(${spent}) AS spent,
                avg(${allowed}) AS allowed,
                avg(${spent} / nullif(${allowed}, 0)) AS ratio,
                count(*) FILTER (WHERE c.next_deadline_at < $1) AS overdue
           FROM cases c
          WHERE c.open AND NOT c.paused AND c.stage = ANY($2::text[]) AND c.town = $3 AND ${caseScopeSql(scope, params)}
          GROUP BY c.area, c.stage`,
        params,
      );
    const day = 86_400;
    return rows.map((r) => ({
      area: r.area,
      stage: r.stage,
      cases: Number(r.cases),
      avgDaysInStage: round((Number(r.spent) || 0) / day),
      avgDaysAllowed: round((Number(r.allowed) || 0) / day),
      ratio: round(Number(r.ratio) || 0),
      overdue: Number(r.overdue),
    }));
  }

  /**
   * Cases opened, returns to school and cases closed (销号), by month (China time), the last `months`
   * months: from the monthly roll-up (dashboard_monthly) for the town, an area or a school; counted
   * from the rows for the narrower scopes (a class, the stages of the justice office and the police).
   */
  async trend(town: string, scope: CaseScope, now = new Date(), months = 12): Promise<TrendMonth[]> {
    const keys = monthsUpTo(monthOf(now), months);
    const params: unknown[] = [keys[0], town];
    const rollup = rollupScopeSql(scope, params);
    let rows: Array<{ month: string; opened: string; returned: string; closed: string }>;
    if (rollup !== undefined) {
      rows = await this.dataSource.query(
        `SELECT m.month, sum(m.opened) AS opened, sum(m.returned) AS returned, sum(m.closed) AS closed
           FROM dashboard_monthly m WHERE m.month >= $1 AND m.town = $2 AND ${rollup} GROUP BY m.month`,
        params,
      );
    } else {
      const live: unknown[] = [monthBounds(keys[0]).start, town];
      const where = `c.town = $2 AND ${caseScopeSql(scope, live)}`;
      rows = await this.dataSource.query(
        `SELECT month, sum(opened) AS opened, sum(returned) AS returned, sum(closed) AS closed FROM (
           SELECT ${sqlChinaMonth('c.opened_at')} AS month, 1 AS opened, 0 AS returned, 0 AS closed FROM cases c WHERE c.opened_at >= $1 AND ${where}
           UNION ALL
           SELECT ${sqlChinaMonth('e.occurred_at')}, 0, 1, 0 FROM case_events e JOIN cases c ON c.id = e.case_id WHERE ${RETURN_EVENT} AND e.occurred_at >= $1 AND ${where}
           UNION ALL
           SELECT ${sqlChinaMonth('c.ended_at')}, 0, 0, 1 FROM cases c WHERE c.ended_at >= $1 AND c.stage = 'CLOSED' AND ${where}
         ) x GROUP BY month`,
        live,
      );
    }
    return keys.map((month) => {
      const r = rows.find((x) => x.month === month);
      return { month, opened: Number(r?.opened ?? 0), returned: Number(r?.returned ?? 0), closed: Number(r?.closed ?? 0) };
    });
  }

  /** Overdue cases, the longest overdue first (index cases_overdue_idx), with who is responsible. */
  async overdue(town: string, scope: CaseScope, now = new Date(), limit = 50): Promise<OverdueItem[]> {
    const params: unknown[] = [now, limit, town];
    const rows: Array<{
      id: string; name: string; area: string; school: string; stage: Stage; next_deadline_at: Date;
      responsible_roles: string[] | null; people: string[] | null;
    }> = await this.dataSource.query(
      `SELECT c.id, ch.name, c.area, c.school, c.stage, c.next_deadline_at, r.responsible_roles, people.names AS people
         FROM cases c
         JOIN children ch ON ch.id = c.child_id
         LEFT JOIN policies p ON p.version = c.policy_version
         CROSS JOIN LATERAL (
           SELECT ARRAY(SELECT jsonb_array_elements_text(coalesce(p.body -> 'stages' -> c.stage -> 'responsible', '[]'::jsonb))) AS responsible_roles
         ) r
         LEFT JOIN LATERAL (
           SELECT array_agg(u.display_name || '（' || u.username || '）' ORDER BY u.username) AS names
             FROM (SELECT DISTINCT t.holder FROM tasks t WHERE t.case_id = c.id AND t.status = 'OPEN') h
             JOIN users u ON u.username = h.holder
         ) people ON true
        WHERE ${OVERDUE('$1')} AND c.town = $3 AND ${caseScopeSql(scope, params)}
        ORDER BY c.next_deadline_at ASC -- the order of cases_town_overdue_idx: LIMIT reads only the first entries
        LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      caseId: r.id,
      childName: r.name,
      area: r.area,
      school: r.school,
      stage: r.stage,
      dueAt: new Date(r.next_deadline_at).toISOString(),
      overdueMs: now.getTime() - new Date(r.next_deadline_at).getTime(),
      responsible: r.people ?? [],
      responsibleRoles: r.responsible_roles ?? [],
    }));
  }

  /** The areas ranked for the assessment (考核) by RANKING_RULE. */
  async ranking(town: string, scope: CaseScope, now = new Date()): Promise<RankingRow[]> {
    const rows = await this.perArea(town, scope, now, yearStart(now));
    const areas = this.towns.get(town).areas;
    const all = this.visibleAreas(town, scope, rows).map((area) => {
      const r = rows.find((x) => x.area === area);
      return { area, open: r?.open ?? 0, overdue: r?.overdue ?? 0, returnedThisYear: r?.returned ?? 0, closedThisYear: r?.closedThisYear ?? 0 };
    });
    const townOrder = (area: string) => {
      const i = areas.findIndex((a) => a.code === area);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    // Ties keep the town file's order of areas.
    all.sort((a, b) => a.overdue - b.overdue || a.open - b.open || b.returnedThisYear - a.returnedThisYear || townOrder(a.area) - townOrder(b.area));
    let rank = 0;
    return all.map((row, i) => {
      const prev = all[i - 1];
      if (!prev || prev.overdue !== row.overdue || prev.open !== row.open || prev.returnedThisYear !== row.returnedThisYear) rank = i + 1;
      return { rank, ...row };
    });
  }

  /**
   * Per area: open, overdue, closed (销号) this year, and returns to school since `returnedSince`
   * (the start of a month or a year). One statement: the open cases (partial index on open cases)
   * and the closings and returns from the monthly roll-up, or, for the narrow scopes, from the rows.
   */
  private async perArea(town: string, scope: CaseScope, now: Date, returnedSince: Date) {
    const params: unknown[] = [now, town];
    const where = `c.town = $2 AND ${caseScopeSql(scope, params)}`;
    const add = (value: unknown) => `$${params.push(value)}`;
    const usesRollup = rollupScopeSql(scope, []) !== undefined;
    let done: string;
    if (usesRollup) {
      const [year, since] = [add(monthOf(yearStart(now))), add(monthOf(returnedSince))];
      done = `SELECT m.area, sum(m.closed) FILTER (WHERE m.month >= ${year}) AS closed, sum(m.returned) FILTER (WHERE m.month >= ${since}) AS returned
                FROM dashboard_monthly m WHERE m.town = $2 AND m.month >= least(${year}, ${since}) AND ${rollupScopeSql(scope, params)} GROUP BY m.area`;
    } else {
      const [year, since] = [add(yearStart(now)), add(returnedSince)];
      done = `SELECT area, sum(closed) AS closed, sum(returned) AS returned FROM (
                SELECT c.area, 1 AS closed, 0 AS returned FROM cases c WHERE c.stage = 'CLOSED' AND c.ended_at >= ${year} AND ${where}
                UNION ALL
                SELECT c.area, 0, 1 FROM case_events e JOIN cases c ON c.id = e.case_id WHERE ${RETURN_EVENT} AND e.occurred_at >= ${since} AND ${where}
              ) x GROUP BY area`;
    }
    const rows: Array<{ area: string; open: string | null; overdue: string | null; closed: string | null; returned: string | null }> = await this.dataSource.query(
      `WITH open AS (
         -- Open cases only, so the FILTER needs no c.open (a column outside the index: no index-only scan).
         SELECT c.area, count(*) AS open, count(*) FILTER (WHERE NOT c.paused AND c.next_deadline_at < $1) AS overdue
           FROM cases c WHERE c.open AND ${where} GROUP BY c.area
       ), done AS (${done})
       SELECT coalesce(open.area, done.area) AS area, open.open, open.overdue, done.closed, done.returned
         FROM open FULL JOIN done ON done.area = open.area`,
      params,
    );
    return rows.map((r) => ({ area: r.area, open: Number(r.open ?? 0), overdue: Number(r.overdue ?? 0), closedThisYear: Number(r.closed ?? 0), returned: Number(r.returned ?? 0) }));
  }

  /** The town's areas the viewer sees: all of them, or the one of an area-bound viewer; plus any unknown area that has cases. */
  private visibleAreas(town: string, scope: CaseScope, rows: Array<{ area: string }>): string[] {
    const known = scope.kind === 'AREA' ? [scope.area] : this.towns.get(town).areas.map((a) => a.code);
    return [...known, ...rows.map((r) => r.area).filter((a) => !known.includes(a))];
  }
}

/** The assessment rule, shown beside the ranking. */
export const RANKING_RULE = {
  zh: '排名规则：逾期案件数少者在前；相同时，未结案件数少者在前；再相同时，本年复学人数多者在前。',
  en: 'Ranking rule: fewer overdue cases first; then fewer open cases; then more children returned to school this year.',
};

/** The stages of the matrix: the open ones, in chain order. */
export const MATRIX_STAGES = OPEN_STAGES;

/**
 * The monthly roll-up (dashboard_monthly) keeps area and school: it serves the whole town, an area
 * or a school. Undefined for the scopes it cannot cut (a class, stages): those count from the rows.
 */
function rollupScopeSql(scope: CaseScope, params: unknown[]): string | undefined {
  switch (scope.kind) {
    case 'ALL':
      return 'true';
    case 'NONE':
      return 'false';
    case 'AREA':
      params.push(scope.area);
      return `m.area = $${params.length}`;
    case 'SCHOOL':
      params.push(scope.school);
      return `m.school = $${params.length}`;
    default:
      return undefined;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
