/**
 * The dashboard's figures, one SQL statement per widget, each backed by an index (migration
 * 1765000000000) so they stay fast at a million cases (scripts/measure-dashboard.ts measures the
 * page). Every query takes the viewer's read scope (src/read-model/scope-sql.ts), so a principal
 * sees their school's dashboard and the leading group the town's.
 *
 * Until the tasks of the responsibility chains exist, "overdue" is the case's own next deadline
 * (next_deadline_at < now, open, not paused) and the responsible people are the case's assignee or
 * the users whose post the stage's policy names (`responsiblePeopleSql`).
 */
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../api/auth/permissions';
import { caseScopeSql } from '../read-model/scope-sql';
import type { Town } from '../read-model/town';
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
  returnedThisMonth: number;
  closedThisYear: number;
  overdue: number;
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
  /** The case's assignee, else the people whose post the stage's policy names. */
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

/** Stage changes that return a child to school: entering RETURNED from another stage. */
const RETURN_EVENT = `e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED'`;
const OVERDUE = (now: string) => `c.open AND NOT c.paused AND c.next_deadline_at < ${now}`;

export class DashboardQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly town: Town,
  ) {}

  /** Changes whenever a case row changes (every projection sets updated_at) or a report is stored: the live poll's answer. */
  async version(): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT max(updated_at) FROM cases) AS cases, (SELECT max(generated_at) FROM monthly_reports) AS reports`,
    );
    const stamp = (d: Date | null) => (d ? new Date(d).toISOString() : '-');
    return `${stamp(row.cases)}|${stamp(row.reports)}`;
  }

  async headline(scope: CaseScope, now = new Date()): Promise<Headline> {
    const month = monthOf(now);
    const rows = await this.perArea(scope, now, monthBounds(month).start);
    const sum = (key: 'open' | 'overdue' | 'returned' | 'closedThisYear') => rows.reduce((n, r) => n + r[key], 0);
    return {
      open: sum('open'),
      returnedThisMonth: sum('returned'),
      closedThisYear: sum('closedThisYear'),
      overdue: sum('overdue'),
      areas: this.visibleAreas(scope, rows).map((area) => {
        const r = rows.find((x) => x.area === area);
        return { area, open: r?.open ?? 0, overdue: r?.overdue ?? 0, atZero: (r?.open ?? 0) === 0 };
      }),
      month,
      asOf: now.toISOString(),
    };
  }

  /** Open cases by area and stage (index cases_open_area_stage_idx). */
  async matrix(scope: CaseScope): Promise<MatrixCell[]> {
    const params: unknown[] = [];
    const rows: Array<{ area: string; stage: Stage; count: string }> = await this.dataSource.query(
      `SELECT c.area, c.stage, count(*) AS count FROM cases c WHERE c.open AND ${caseScopeSql(scope, params)} GROUP BY c.area, c.stage`,
      params,
    );
    return rows.map((r) => ({ area: r.area, stage: r.stage, count: Number(r.count) }));
  }

  /** Time spent in the current stage against what the stage allows, per area and chain stage (paused cases left out). */
  async heatmap(scope: CaseScope, now = new Date()): Promise<HeatCell[]> {
    const params: unknown[] = [now, [...CHAIN_STAGES]];
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
          WHERE c.open AND NOT c.paused AND c.stage = ANY($2::text[]) AND ${caseScopeSql(scope, params)}
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

  /** Cases opened, returned to school and closed (销号), by month (China time), the last `months` months. */
  async trend(scope: CaseScope, now = new Date(), months = 12): Promise<TrendMonth[]> {
    const keys = monthsUpTo(monthOf(now), months);
    const params: unknown[] = [monthBounds(keys[0]).start];
    const where = caseScopeSql(scope, params);
    const rows: Array<{ series: 'opened' | 'returned' | 'closed'; month: string; count: string }> = await this.dataSource.query(
      `SELECT 'opened' AS series, ${sqlChinaMonth('c.opened_at')} AS month, count(*) AS count
         FROM cases c WHERE c.opened_at >= $1 AND ${where} GROUP BY 2
       UNION ALL
       SELECT 'returned', ${sqlChinaMonth('e.occurred_at')}, count(DISTINCT e.case_id)
         FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE ${RETURN_EVENT} AND e.occurred_at >= $1 AND ${where} GROUP BY 2
       UNION ALL
       SELECT 'closed', ${sqlChinaMonth('c.ended_at')}, count(*)
         FROM cases c WHERE c.ended_at >= $1 AND c.stage = 'CLOSED' AND ${where} GROUP BY 2`,
      params,
    );
    return keys.map((month) => {
      const of = (series: string) => Number(rows.find((r) => r.series === series && r.month === month)?.count ?? 0);
      return { month, opened: of('opened'), returned: of('returned'), closed: of('closed') };
    });
  }

  /** Overdue cases, the longest overdue first (index cases_overdue_idx), with who is responsible. */
  async overdue(scope: CaseScope, now = new Date(), limit = 50): Promise<OverdueItem[]> {
    const params: unknown[] = [now, limit];
    const rows: Array<{
      id: string; name: string; area: string; school: string; stage: Stage; next_deadline_at: Date;
      assignee: string | null; responsible_roles: string[] | null; people: string[] | null;
    }> = await this.dataSource.query(
      `SELECT c.id, ch.name, c.area, c.school, c.stage, c.next_deadline_at, c.assignee, r.responsible_roles, people.names AS people
         FROM cases c
         JOIN children ch ON ch.id = c.child_id
         LEFT JOIN policies p ON p.version = c.policy_version
         CROSS JOIN LATERAL (
           SELECT ARRAY(SELECT jsonb_array_elements_text(coalesce(p.body -> 'stages' -> c.stage -> 'responsible', '[]'::jsonb))) AS responsible_roles
         ) r
         LEFT JOIN LATERAL (${responsiblePeopleSql('r.responsible_roles')}) people ON true
        WHERE ${OVERDUE('$1')} AND ${caseScopeSql(scope, params)}
        ORDER BY c.next_deadline_at ASC, c.id
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
      responsible: r.assignee ? [r.assignee] : (r.people ?? []),
      responsibleRoles: r.responsible_roles ?? [],
    }));
  }

  /** The areas ranked for the assessment (考核) by RANKING_RULE. */
  async ranking(scope: CaseScope, now = new Date()): Promise<RankingRow[]> {
    const rows = await this.perArea(scope, now, yearStart(now));
    const all = this.visibleAreas(scope, rows).map((area) => {
      const r = rows.find((x) => x.area === area);
      return { area, open: r?.open ?? 0, overdue: r?.overdue ?? 0, returnedThisYear: r?.returned ?? 0, closedThisYear: r?.closedThisYear ?? 0 };
    });
    const townOrder = (area: string) => {
      const i = this.town.areas.findIndex((a) => a.code === area);
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
   * Per area: open, overdue, closed (销号) this year, and children returned since `returnedSince`.
   * One statement: the open cases and this year's endings (two partial indexes), and the returns (stage-change index).
   */
  private async perArea(scope: CaseScope, now: Date, returnedSince: Date) {
    const params: unknown[] = [now, yearStart(now), returnedSince];
    const where = caseScopeSql(scope, params);
    const rows: Array<{ area: string; open: string | null; overdue: string | null; closed: string | null; returned: string | null }> = await this.dataSource.query(
      `WITH counts AS (
         SELECT c.area,
                count(*) FILTER (WHERE c.open) AS open,
                count(*) FILTER (WHERE ${OVERDUE('$1')}) AS overdue,
                count(*) FILTER (WHERE c.stage = 'CLOSED' AND c.ended_at >= $2) AS closed
           FROM cases c
          WHERE (c.open OR c.ended_at >= $2) AND ${where}
          GROUP BY c.area
       ), returns AS (
         SELECT c.area, count(DISTINCT e.case_id) AS returned
           FROM case_events e JOIN cases c ON c.id = e.case_id
          WHERE ${RETURN_EVENT} AND e.occurred_at >= $3 AND e.occurred_at <= $1 AND ${where}
          GROUP BY c.area
       )
       SELECT coalesce(counts.area, returns.area) AS area, counts.open, counts.overdue, counts.closed, returns.returned
         FROM counts FULL JOIN returns ON returns.area = counts.area`,
      params,
    );
    return rows.map((r) => ({ area: r.area, open: Number(r.open ?? 0), overdue: Number(r.overdue ?? 0), closedThisYear: Number(r.closed ?? 0), returned: Number(r.returned ?? 0) }));
  }

  /** The town's areas the viewer sees: all of them, or the one of an area-bound viewer; plus any unknown area that has cases. */
  private visibleAreas(scope: CaseScope, rows: Array<{ area: string }>): string[] {
    const known = scope.kind === 'AREA' ? [scope.area] : this.town.areas.map((a) => a.code);
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
 * SQL (a sub-select for a LATERAL join on cases `c` and children `ch`): the active users whose post
 * the stage's policy names, as "显示名（用户名）". The one place that maps policy posts to people; when
 * the responsibility chains (包村/包组/包班) are on file, they replace it.
 */
export function responsiblePeopleSql(rolesExpression: string): string {
  const has = (post: string) => `'${post}' = ANY(${rolesExpression})`;
  return `SELECT array_agg(u.display_name || '（' || u.username || '）' ORDER BY u.username) AS names
            FROM users u
           WHERE u.active AND (
                 (u.role = 'TEACHER' AND ${has('CLASS_TEACHER')} AND u.school = c.school AND u.grade = ch.grade AND u.class_name = ch.class_name)
              OR (u.role = 'PRINCIPAL' AND ${has('SCHOOL')} AND u.school = c.school)
              OR (u.role IN ('VILLAGE_SECRETARY', 'VILLAGE_CADRE') AND (${has('VILLAGE')} OR ${has('VILLAGE_CADRE')}) AND u.area = c.area)
              OR (u.role = 'TOWN_OFFICE' AND ${has('TOWN_GOVERNMENT')})
              OR (u.role = 'JUSTICE_OFFICE' AND ${has('JUSTICE_OFFICE')})
              OR (u.role = 'POLICE_STATION' AND (${has('POLICE_STATION')} OR ${has('COURT')})))`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
