/**
 * The audit log at years of rows (it is never pruned: it is evidence). Seeds ROWS rows over five
 * years for three towns, then asks PostgreSQL for the plan and the time of every page query
 * GET /api/audit makes (src/api/audit/audit-log.ts: the town's newest page, by action kind, by
 * user, by case, by child, a deep page) and its count: each page is read through an index in the
 * order it is shown (no sort of the town's rows), and the figures are printed
 * (docs/operations.md, Retention).
 */
import { AuditLog, AuditQuery } from '../../src/api/audit/audit-log';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ROWS = Number(process.env.BAOXUE_AUDIT_ROWS ?? 300_000);
let db: TestDatabase;
let audit: AuditLog;
let someCase: string;
let someChild: string;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function explain(query: AuditQuery, count = false): Promise<{ plan: PlanNode; ms: number }> {
  const page = audit.pageQuery(query);
  const [raw, parameters] = (count ? page.count : page.q).getQueryAndParameters();
  const rows = (await db.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${raw}`, parameters as unknown[])) as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>;
  const [result] = rows[0]['QUERY PLAN'];
  return { plan: result.Plan, ms: result['Execution Time'] };
}

beforeAll(async () => {
  db = await createTestDatabase();
  audit = new AuditLog(db.dataSource);
  const started = Date.now();
  // Five years of rows, newest last; one in 500 a refused write, 40 users, 2,000 cases per town.
  await db.dataSource.query(
    `INSERT INTO audit_log (at, town, user_id, username, role, ip, method, path, what, case_id, child_id, status)
     SELECT now() - make_interval(secs => (5 * 365 * 86400.0) * (1 - i::float8 / $1)),
            (ARRAY['GULING','NANXI','HONGSHI'])[1 + i % 3],
            NULL, 'user' || (i % 40), 'COORDINATOR', '10.0.0.1', 'GET', '/api/cases/:id',
            CASE WHEN i % 500 = 0 THEN 'WRITE_REFUSED' WHEN i % 7 = 0 THEN 'ACT' ELSE 'READ_CASE' END,
            md5('case' || (i % 6000))::uuid, md5('child' || (i % 6000))::uuid, 200
     FROM generate_series(1, $1) AS i`,
    [ROWS],
  );
  // What autovacuum does to an append-only table in production: statistics and the visibility map (index-only scans).
  await db.dataSource.query(`VACUUM ANALYZE audit_log`);
  [{ case_id: someCase, child_id: someChild }] = await db.dataSource.query(`SELECT case_id, child_id FROM audit_log WHERE town = 'GULING' LIMIT 1`);
  console.log(`audit_log: ${ROWS.toLocaleString('en')} rows seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(async () => {
  await db?.drop();
});

it('reads every page of GET /api/audit through an index, in the order shown, at years of rows', async () => {
  const town = 'GULING';
  const cases: Array<[string, AuditQuery, string]> = [
    ['newest page of the town', { town }, 'audit_log_town_at_id_idx'],
    ['refused writes (what=WRITE_REFUSED)', { town, what: 'WRITE_REFUSED' }, 'audit_log_town_what_at_idx'],
    ['one user', { town, username: 'user7' }, 'audit_log_username_idx'],
    ['one case', { town, caseId: someCase }, 'audit_log_case_id_idx'],
    ['one child', { town, childId: someChild }, 'audit_log_child_id_idx'],
    ['page 20 of the town', { town, page: 20 }, 'audit_log_town_at_id_idx'],
  ];
  const figures: string[] = [];
  for (const [label, query, expected] of cases) {
    const { plan, ms } = await explain(query);
    const all = nodes(plan);
    const scans = all.filter((n) => n['Relation Name'] === 'audit_log');
    expect({ label, scans: scans.map((n) => n['Node Type']) }).toEqual({ label, scans: [expect.stringMatching(/^Index (Only )?Scan$|^Bitmap Heap Scan$/)] });
    // The town's page comes in order from the index: no full sort of its rows.
    if (!query.caseId && !query.childId) expect({ label, sorts: all.filter((n) => n['Node Type'] === 'Sort').length }).toEqual({ label, sorts: 0 });
    const index = all.find((n) => n['Index Name'])?.['Index Name'];
    expect({ label, index }).toEqual({ label, index: expected });
    figures.push(`  ${label.padEnd(38)} ${ms.toFixed(2).padStart(8)} ms  ${index}`);
  }
  const { plan: countPlan, ms: countMs } = await explain({ town }, true);
  // The total: an index-only count, no sort of the town's ids.
  expect(nodes(countPlan).filter((n) => n['Node Type'] === 'Sort')).toHaveLength(0);
  // Row i is GULING when i % 3 = 0 and a refused write when i % 500 = 0.
  const refused = await audit.list({ town, what: 'WRITE_REFUSED' });
  expect(refused.total).toBe(Math.floor(ROWS / 1500));
  expect(refused.items).toHaveLength(Math.min(50, Math.floor(ROWS / 1500)));
  expect(refused.items.every((e) => e.what === 'WRITE_REFUSED' && e.town === town)).toBe(true);
  figures.push(`  ${'count(*) of the town (the page total)'.padEnd(38)} ${countMs.toFixed(2).padStart(8)} ms  ${nodes(countPlan).map((n) => n['Node Type']).join(' < ')}`);
  console.log(`GET /api/audit at ${ROWS.toLocaleString('en')} rows (EXPLAIN ANALYZE):\n${figures.join('\n')}`);
}, 300_000);
