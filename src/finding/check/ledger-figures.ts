/**
 * The three ledgers' figures over a period, in a read scope, total and by area and school: the
 * page, GET /api/finding/figures and the monthly report take them from here.
 * - school-age, suspected and dropouts: now;
 * - returned: children who left the dropout ledger as returned (CASE_RETURNED) in the period;
 * - 复学率 returnRate: returned ÷ children on the dropout ledger at any time in the period;
 * - 巩固率 completionRate: school-age children on a roll who are not dropouts ÷ school-age children on a roll;
 * - the open cross-check items by kind, and the last run.
 */
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../../access/permissions';
import { caseScopeSql } from '../../read-model/scope-sql';

export interface LedgerFigures {
  schoolAge: number;
  suspected: number;
  dropouts: number;
  returned: number;
  returnRate: number | null;
  completionRate: number | null;
}

interface FigureRow {
  byArea: number;
  bySchool: number;
  area: string | null;
  school: string | null;
  schoolAge: number;
  enrolled: number;
  suspected: number;
  dropouts: number;
  enrolledDropouts: number;
  returned: number;
  droppedOut: number;
}

const EMPTY: FigureRow = { byArea: 1, bySchool: 1, area: null, school: null, schoolAge: 0, enrolled: 0, suspected: 0, dropouts: 0, enrolledDropouts: 0, returned: 0, droppedOut: 0 };
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function ledgerFigures(db: DataSource, q: { town: string; scope?: CaseScope; period: { start: Date; end: Date } }) {
  const params: unknown[] = [q.town, q.period.start, q.period.end];
  const scope = caseScopeSql(q.scope, params, 'fc', 'fc');
  const rows: FigureRow[] = await db.query(
    `WITH moved AS (
       SELECT child_key, bool_or(source = 'CASE_RETURNED') AS returned, bool_or(from_status = 'DROPOUT' OR to_status = 'DROPOUT') AS was_dropout
       FROM ledger_movements WHERE town = $1 AND moved_at >= $2 AND moved_at < $3 GROUP BY child_key
     )
     SELECT fc.area, fc.school, GROUPING(fc.area)::int AS "byArea", GROUPING(fc.school)::int AS "bySchool",
            count(*) FILTER (WHERE fc.school_age)::int AS "schoolAge",
            count(*) FILTER (WHERE fc.school_age AND fc.on_roll)::int AS enrolled,
            count(*) FILTER (WHERE fc.status = 'SUSPECTED')::int AS suspected,
            count(*) FILTER (WHERE fc.status = 'DROPOUT')::int AS dropouts,
            count(*) FILTER (WHERE fc.status = 'DROPOUT' AND fc.school_age AND fc.on_roll)::int AS "enrolledDropouts",
            count(*) FILTER (WHERE m.returned)::int AS returned,
            count(*) FILTER (WHERE fc.status = 'DROPOUT' OR m.was_dropout)::int AS "droppedOut"
     FROM finding_children fc LEFT JOIN moved m ON m.child_key = fc.child_key
     WHERE fc.town = $1 AND ${scope}
     GROUP BY GROUPING SETS ((fc.area), (fc.school), ())`,
    params,
  );
  const itemParams: unknown[] = [q.town];
  const open: Array<{ kind: string; n: number }> = await db.query(
    `SELECT i.kind, count(*)::int AS n FROM finding_items i WHERE i.town = $1 AND i.status = 'OPEN' AND ${caseScopeSql(q.scope, itemParams, 'i', 'i')} GROUP BY i.kind ORDER BY i.kind`,
    itemParams,
  );
  const [lastRun] = await db.query(`SELECT id, status, started_at AS "startedAt", finished_at AS "finishedAt" FROM cross_check_runs WHERE town = $1 ORDER BY started_at DESC LIMIT 1`, [q.town]);
  const figure = (r: FigureRow): LedgerFigures => ({
    schoolAge: r.schoolAge,
    suspected: r.suspected,
    dropouts: r.dropouts,
    returned: r.returned,
    returnRate: r.droppedOut === 0 ? null : round(r.returned / r.droppedOut),
    completionRate: r.enrolled === 0 ? null : round((r.enrolled - r.enrolledDropouts) / r.enrolled),
  });
  // GROUPING() is 1 for the column a row is not grouped by: (area) rows have bySchool 1, the grand total both.
  const total = rows.find((r) => r.byArea === 1 && r.bySchool === 1);
  return {
    period: { start: q.period.start.toISOString(), end: q.period.end.toISOString() },
    total: figure(total ?? EMPTY),
    byArea: rows.filter((r) => r.byArea === 0).map((r) => ({ area: r.area, ...figure(r) })),
    bySchool: rows.filter((r) => r.bySchool === 0).map((r) => ({ school: r.school, ...figure(r) })),
    openItems: Object.fromEntries(open.map((o) => [o.kind, o.n])) as Record<string, number>,
    lastRun: (lastRun ?? null) as { id: string; status: string; startedAt: Date; finishedAt: Date | null } | null,
  };
}
