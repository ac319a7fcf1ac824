/**
 * The dashboard's queries on a real PostgreSQL: figures cut to each role's scope, overdue cases
 * with the people responsible (the holders of their open tasks, from the responsibility chains),
 * time in stage against the window, and the ranking's rule.
 */
import { caseScope } from '../../src/access/permissions';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { DashboardQueries } from '../../src/dashboard/dashboard-queries';
import { loadPolicy } from '../../src/policy/load-policy';
import { projectCase } from '../../src/read-model/projection';
import { deleteUnstartedCase } from '../../src/read-model/case-intake';
import { recordPolicy } from '../../src/read-model/policies';
import { resolve } from 'node:path';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { ResponsibilityDirectory, loadResponsibilityDirectory } from '../../src/responsibility';
import type { CaseEvent, CaseSnapshot } from '../../src/workflows/messages';
import { DEMO_PASSWORD } from '../support/auth';
import { openCase, snapshot } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let queries: DashboardQueries;
let directory: ResponsibilityDirectory;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const ids: Record<string, string> = {};

const T = 'GULING';
const scopeOf = (username: string) => {
  const a = DEMO_ACCOUNTS.find((x) => x.username === username)!;
  return caseScope({ role: a.role, town: T, area: a.area ?? null, school: a.school ?? null, grade: a.grade ?? null, className: a.className ?? null });
};

async function add(key: string, place: { area: string; school: string; grade: number; className: string }, state: Partial<CaseSnapshot>, moves: Array<Pick<CaseEvent, 'type' | 'stageBefore' | 'stageAfter' | 'occurredAt'>> = []) {
  const { caseId, childId } = await openCase(db.dataSource, place);
  ids[key] = caseId;
  const events: CaseEvent[] = moves.map((m, i) => ({ id: `${caseId}:${i + 1}`, caseId, seq: i + 1, automatic: false, actor: '测试', reason: '', data: {}, ...m }));
  // With the responsibility directory, as the worker projects: the chains give the case its tasks.
  await projectCase(db.dataSource, { snapshot: snapshot(caseId, childId, { area: place.area, school: place.school, openedAt: ago(10), lastSeq: Math.max(1, events.length), ...state }), events }, directory);
}

const teachersClass = { area: 'GAOPING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' };

beforeAll(async () => {
  db = await createTestDatabase();
  await recordPolicy(db.dataSource, loadPolicy());
  // The fixtures' cases keep the policy they started with.
  await recordPolicy(db.dataSource, loadPolicy(resolve(__dirname, '..', '..', 'policies', 'guling-2023.1.json')));
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
  const townPaths = [DEFAULT_TOWN_PATH, resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json')];
  const towns = loadTowns(townPaths);
  directory = loadResponsibilityDirectory(townPaths, towns, loadPolicy());
  queries = new DashboardQueries(db.dataSource, towns);
  // In persuasion 10 of its 15 days.
  await add('persuasion', teachersClass, { stage: 'PERSUASION', stageEnteredAt: ago(10), actionDueAt: undefined, windowEndsAt: ago(-5), nextDeadlineAt: ago(-5) });
  // Home visit due 2 days ago, entered 5 days ago (window 3 days): overdue, no assignee.
  await add('visitOverdue', teachersClass, { stage: 'HOME_VISIT', stageEnteredAt: ago(5), actionDueAt: ago(2), windowEndsAt: ago(2), nextDeadlineAt: ago(2) });
  // The town's step, a day overdue, assigned to a person.
  await add('criticismOverdue', { area: 'QIAOTING', school: 'GULING_MIDDLE', grade: 8, className: '八年级一班' }, { stage: 'TOWN_CRITICISM', stageEnteredAt: ago(6), actionDueAt: ago(1), windowEndsAt: undefined, nextDeadlineAt: ago(1), assignee: '李尚春（town）' });
  // Returned and closed (销号) within the last minutes.
  await add('closed', { area: 'BAOXING', school: 'GULING_MIDDLE', grade: 7, className: '七年级一班' }, { stage: 'CLOSED', open: false, endedAt: ago(0.0005), nextDeadlineAt: undefined, lastSeq: 2 }, [
    { type: 'RECORD_RETURN', stageBefore: 'PERSUASION', stageAfter: 'RETURNED', occurredAt: ago(0.001) },
    { type: 'APPROVE_CLOSURE', stageBefore: 'RETURNED', stageAfter: 'CLOSED', occurredAt: ago(0.0005) },
  ]);
  // Returned a minute ago, in follow-up.
  await add('returned', { area: 'HONGCHUN', school: 'GULING_PRIMARY', grade: 3, className: '三年级一班' }, { stage: 'RETURNED', nextDeadlineAt: ago(-30) }, [
    { type: 'RECORD_HOME_VISIT', stageBefore: 'HOME_VISIT', stageAfter: 'RETURNED', occurredAt: ago(0.001) },
  ]);
}, 60_000);

afterAll(() => db?.drop());

/** The roll-up's rows (non-zero) and the same counts straight from cases and case_events. */
async function rollupAndRows() {
  const rollup = await db.dataSource.query(
    `SELECT month, area, school, opened, returned, closed FROM dashboard_monthly WHERE opened <> 0 OR returned <> 0 OR closed <> 0 ORDER BY 1, 2, 3`,
  );
  const rows = await db.dataSource.query(
    `SELECT month, area, school, sum(opened)::int AS opened, sum(returned)::int AS returned, sum(closed)::int AS closed FROM (
       SELECT to_char((opened_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM') AS month, area, school, 1 AS opened, 0 AS returned, 0 AS closed FROM cases
       UNION ALL
       SELECT to_char((ended_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM'), area, school, 0, 0, 1 FROM cases WHERE stage = 'CLOSED'
       UNION ALL
       SELECT to_char((e.occurred_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM'), c.area, c.school, 0, 1, 0
         FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED'
     ) x GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return { rollup, rows };
}

describe('the dashboard queries', () => {
  it('count the headline for the town: open, returned this month, closed this year, overdue, areas at zero', async () => {
    const h = await queries.headline(T, scopeOf('leader'), now);
    expect(h).toMatchObject({ open: 4, returnedThisMonth: 2, closedThisYear: 1, overdue: 2 });
    expect(h.areas.find((a) => a.area === 'LANCAO')).toEqual({ area: 'LANCAO', open: 0, overdue: 0, atZero: true });
    expect(h.areas.find((a) => a.area === 'GAOPING')).toEqual({ area: 'GAOPING', open: 2, overdue: 1, atZero: false });
    expect(h.areas.find((a) => a.area === 'BAOXING')).toMatchObject({ open: 0, atZero: true });
  });

  it('cut every figure to the viewer’s scope: school, class, area', async () => {
    expect(await queries.headline(T, scopeOf('principal'), now)).toMatchObject({ open: 3, overdue: 1, returnedThisMonth: 1 });
    expect(await queries.headline(T, scopeOf('teacher'), now)).toMatchObject({ open: 2, overdue: 1, returnedThisMonth: 0 });
    const village = await queries.headline(T, scopeOf('secretary'), now);
    expect(village.areas.map((a) => a.area)).toEqual(['GAOPING']);
    expect((await queries.matrix(T, scopeOf('secretary'))).sort((a, b) => a.stage.localeCompare(b.stage))).toEqual([
      { area: 'GAOPING', stage: 'HOME_VISIT', count: 1 },
      { area: 'GAOPING', stage: 'PERSUASION', count: 1 },
    ]);
    expect(await queries.overdue(T, scopeOf('justice'), now)).toEqual([]);
  });

  it('show another town nothing of this one', async () => {
    const other = await queries.headline('XINHE', { kind: 'ALL' }, now);
    expect(other).toMatchObject({ open: 0, overdue: 0, returnedThisMonth: 0, closedThisYear: 0 });
    // Xinhe has a 高坪村 GAOPING of its own, at zero: Guling's two cases there are not its.
    expect(other.areas.find((a) => a.area === 'GAOPING')).toEqual({ area: 'GAOPING', open: 0, overdue: 0, atZero: true });
    expect(await queries.matrix('XINHE', { kind: 'ALL' })).toEqual([]);
    expect(await queries.overdue('XINHE', { kind: 'ALL' }, now)).toEqual([]);
    expect((await queries.trend('XINHE', { kind: 'ALL' }, now)).every((m) => m.opened + m.returned + m.closed === 0)).toBe(true);
  });

  it('list overdue cases longest first, with the holders of their open tasks', async () => {
    const items = await queries.overdue(T, scopeOf('coordinator'), now);
    expect(items.map((i) => i.caseId)).toEqual([ids.visitOverdue, ids.criticismOverdue]);
    // HOME_VISIT: class teacher and village cadre → the chains name the class's teacher and the area's resident cadre.
    expect(items[0]).toMatchObject({ stage: 'HOME_VISIT', responsibleRoles: ['CLASS_TEACHER', 'VILLAGE_CADRE'], responsible: ['高坪村驻村干部（cadre）', '五年级二班班主任（teacher）'] });
    expect(items[0].overdueMs).toBeGreaterThanOrEqual(2 * 86_400_000 - 1000);
    expect(items[1].responsible).toEqual(['李尚春（town）']);
  });

  it('measure time in stage against its window per area and stage', async () => {
    const cells = await queries.heatmap(T, scopeOf('leader'), now);
    expect(cells.find((c) => c.area === 'GAOPING' && c.stage === 'PERSUASION')).toMatchObject({ cases: 1, avgDaysInStage: 10, avgDaysAllowed: 15, ratio: 0.67, overdue: 0 });
    expect(cells.find((c) => c.area === 'GAOPING' && c.stage === 'HOME_VISIT')).toMatchObject({ cases: 1, avgDaysInStage: 5, avgDaysAllowed: 3, ratio: 1.67, overdue: 1 });
    expect(cells.some((c) => c.stage === 'RETURNED')).toBe(false);
  });

  it('trend: twelve months, this month with its returns and closings', async () => {
    const months = await queries.trend(T, scopeOf('leader'), now);
    expect(months).toHaveLength(12);
    expect(months.reduce((n, m) => n + m.opened, 0)).toBe(5);
    expect(months[11]).toMatchObject({ returned: 2, closed: 1 });
  });

  it('rank areas: fewer overdue first, then fewer open, then more returned; ties share a rank', async () => {
    const rows = await queries.ranking(T, scopeOf('leader'), now);
    expect(rows.map((r) => [r.rank, r.area])).toEqual([
      [1, 'BAOXING'], // nothing open, one returned this year
      [2, 'GULING_COMMUNITY'], // ties in the town file's order
      [2, 'SHUANGDIAN'],
      [2, 'LANCAO'],
      [2, 'HONGPING'],
      [6, 'HONGCHUN'], // one open
      [7, 'QIAOTING'], // one overdue, one open
      [8, 'GAOPING'], // one overdue, two open
    ]);
  });
});

// Last: it adds cases of its own.
describe('the monthly roll-up (dashboard_monthly)', () => {
  it('equals the counts from the rows after reports, projections, a changed opening, a closing and a deleted unstarted case', async () => {
    let { rollup, rows } = await rollupAndRows();
    expect(rollup).toEqual(rows);
    expect(rollup.length).toBeGreaterThan(0);

    const extra = await openCase(db.dataSource, { area: 'LANCAO', school: 'GULING_PRIMARY', grade: 2, className: '二年级一班' });
    await db.dataSource.query(`UPDATE cases SET opened_at = $2 WHERE id = $1`, [extra.caseId, '2026-01-15T00:00:00Z']);
    const unstarted = await openCase(db.dataSource, { area: 'HONGPING', school: 'GULING_MIDDLE', grade: 9, className: '九年级一班' });
    await deleteUnstartedCase(db.dataSource, unstarted.caseId);
    await projectCase(db.dataSource, {
      snapshot: snapshot(extra.caseId, extra.childId, { area: 'LANCAO', openedAt: '2026-01-15T00:00:00Z', stage: 'CLOSED', open: false, endedAt: '2026-02-01T00:00:00Z', lastSeq: 2 }),
      events: [
        { id: `${extra.caseId}:1`, caseId: extra.caseId, seq: 1, type: 'RECORD_RETURN', automatic: false, actor: '测试', reason: '', stageBefore: 'HOME_VISIT', stageAfter: 'RETURNED', occurredAt: '2026-01-20T00:00:00Z', data: {} },
        { id: `${extra.caseId}:2`, caseId: extra.caseId, seq: 2, type: 'APPROVE_CLOSURE', automatic: false, actor: '测试', reason: '', stageBefore: 'RETURNED', stageAfter: 'CLOSED', occurredAt: '2026-02-01T00:00:00Z', data: {} },
      ],
    });
    ({ rollup, rows } = await rollupAndRows());
    expect(rollup).toEqual(rows);
    expect(rollup).toContainEqual({ month: '2026-02', area: 'LANCAO', school: 'GULING_PRIMARY', opened: 0, returned: 0, closed: 1 });
    // The roll-up serves the town; a class is counted from the rows, with the same answer shape.
    expect((await queries.trend(T, scopeOf('leader'), now)).length).toBe(12);
  });
});
