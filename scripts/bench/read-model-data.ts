/**
 * Read-model rows for the query benchmark, generated in SQL (generate_series): children, their
 * cases and the cases' first events, spread as a county's ledger would be: more cases in the town
 * community than in a mountain village, most of them ended, opened over three years with more of
 * them recent, the open ones over the chain's stages, a quarter of them past their deadline.
 * Every value comes from a hash of the row number, so a run is reproducible.
 */
import type { Pool } from 'pg';

/** Weights of the areas (towns/guling.json): the town community is the largest. */
const AREA_WEIGHTS: Array<[string, number]> = [
  ['GULING_COMMUNITY', 5],
  ['GAOPING', 3],
  ['QIAOTING', 2],
  ['BAOXING', 2],
  ['SHUANGDIAN', 2],
  ['LANCAO', 2],
  ['HONGCHUN', 2],
  ['HONGPING', 2],
];
const OPEN_STAGES: Array<[string, number]> = [
  ['HOME_VISIT', 20],
  ['PERSUASION', 35],
  ['TOWN_CRITICISM', 15],
  ['CORRECTION_DEADLINE', 12],
  ['JUDICIAL_DOCUMENT', 8],
  ['LEGAL_LIABILITY', 3],
  ['RETURNED', 7],
];
const ENDINGS: Array<[string, number]> = [
  ['CLOSED', 70],
  ['COMPLETED', 10],
  ['TRANSFERRED', 12],
  ['EXEMPTED', 5],
  ['CANCELLED', 3],
];
const CAUSES: Array<[string, number]> = [
  ['LEARNING_DIFFICULTY', 30],
  ['POVERTY', 15],
  ['DISABILITY', 5],
  ['GUARDIAN_REFUSES', 20],
  ['ILLNESS', 8],
  ['WORK', 10],
  ['MARRIAGE', 2],
  ['MOVED_AWAY', 5],
  ['OTHER', 5],
];

/** A value in [0, 1) from row number i and a salt k, the same in every statement. */
const u = (k: number) => `((hashint8(i * 7919 + ${k}) & 2147483647)::float8 / 2147483648)`;

/** `CASE WHEN x < w1 THEN 'a' WHEN x < w1+w2 ...` over weights. */
function weighted(x: string, choices: Array<[string, number]>): string {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let sum = 0;
  const arms = choices.slice(0, -1).map(([v, w]) => `WHEN ${x} < ${(sum += w) / total} THEN '${v}'`);
  return `CASE ${arms.join(' ')} ELSE '${choices[choices.length - 1][0]}' END`;
}

/** Adds generated cases numbered from..to-1 (inclusive from, exclusive to) in one transaction. */
export async function generateCases(pool: Pool, from: number, to: number, town: string): Promise<void> {
  const client = await pool.connect();
  try {
    const hasTown = async (table: string) =>
      (await client.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'town'`, [table])).rowCount! > 0;
    const [childTown, caseTown] = [await hasTown('children'), await hasTown('cases')];
    await client.query('BEGIN');
    // Recent months carry more cases (u^2 leans towards 0 days ago); three years back at most.
    await client.query(`CREATE TEMP TABLE bench_rows ON COMMIT DROP AS
      SELECT i,
             md5('bench-child-' || i)::uuid AS child_id,
             md5('bench-case-' || i)::uuid AS case_id,
             ${weighted(u(1), AREA_WEIGHTS)} AS area,
             1 + floor(${u(2)} * 9)::int AS grade,
             ${weighted(u(3), CAUSES)} AS cause,
             now() - make_interval(secs => floor(${u(4)} * ${u(4)} * 1095 * 86400)) AS opened_at,
             ${u(5)} AS open_draw,
             ${weighted(u(6), OPEN_STAGES)} AS open_stage,
             ${weighted(u(6), ENDINGS)} AS ending,
             ${u(7)} AS deadline_draw,
             ${u(8)} < 0.02 AS paused
        FROM generate_series(${from}::bigint, ${to - 1}::bigint) AS i`);
    // Open: six in ten of the last three months' cases, one in twenty of older ones.
    await client.query(`ALTER TABLE bench_rows ADD COLUMN open boolean`);
    await client.query(`UPDATE bench_rows SET open = open_draw < CASE WHEN opened_at > now() - interval '90 days' THEN 0.6 ELSE 0.05 END`);
    await client.query(`
      INSERT INTO children (id, name, id_number, birth_date, sex, school, grade, class_name, area${childTown ? ', town' : ''})
      SELECT child_id, '生成儿童' || i, '9' || lpad(i::text, 16, '0') || '0', date '2009-09-01' + (i % 3000)::int,
             CASE WHEN i % 2 = 0 THEN 'M' ELSE 'F' END,
             CASE WHEN grade <= 6 THEN 'GULING_PRIMARY' ELSE 'GULING_MIDDLE' END, grade, grade || '年级' || (1 + i % 4) || '班', area
             ${childTown ? `, '${town}'` : ''}
        FROM bench_rows`);
    await client.query(`
      INSERT INTO cases (id, child_id, cause, area, school, stage, open, paused, paused_at, policy_version, opened_at, opened_by,
                         stage_entered_at, action_due_at, window_ends_at, next_deadline_at, returned_from, last_seq, ended_at${caseTown ? ', town' : ''})
      SELECT case_id, child_id, cause, area, CASE WHEN grade <= 6 THEN 'GULING_PRIMARY' ELSE 'GULING_MIDDLE' END,
             stage, open, open AND paused, CASE WHEN open AND paused THEN now() END, 'guling-2023.1', opened_at, '生成（bench）',
             entered, CASE WHEN open THEN deadline END, CASE WHEN open THEN deadline END, CASE WHEN open THEN deadline END,
             CASE WHEN stage = 'RETURNED' THEN 'PERSUASION' END, CASE WHEN stage = 'HOME_VISIT' THEN 1 ELSE 2 END,
             CASE WHEN NOT open THEN entered END
             ${caseTown ? `, '${town}'` : ''}
        FROM (SELECT *, CASE WHEN open THEN open_stage ELSE ending END AS stage,
                     opened_at + (now() - opened_at) * 0.3 AS entered,
                     -- a quarter of the open cases are past their deadline (up to 10 days), the rest due within 30 days
                     now() + make_interval(secs => floor((deadline_draw * 40 - 10) * 86400)) AS deadline
                FROM bench_rows) r`);
    await client.query(`
      INSERT INTO case_events (id, case_id, seq, type, automatic, actor, reason, stage_before, stage_after, occurred_at)
      SELECT case_id || ':1', case_id, 1, 'CASE_OPENED', false, '生成（bench）', '', 'HOME_VISIT', 'HOME_VISIT', opened_at FROM bench_rows`);
    await client.query(`
      INSERT INTO case_events (id, case_id, seq, type, automatic, actor, reason, stage_before, stage_after, occurred_at)
      SELECT c.id || ':2', c.id, 2, CASE WHEN c.open THEN 'AUTO_ESCALATED' ELSE 'APPROVE_CLOSURE' END, c.open, '生成（bench）', '', 'HOME_VISIT', c.stage, c.stage_entered_at
        FROM cases c JOIN bench_rows b ON b.case_id = c.id WHERE c.stage <> 'HOME_VISIT'`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * What a leading group's dashboard asks the read model, as SQL. Measured directly, and through
 * the API where the dashboard's endpoints exist (DASHBOARD_ENDPOINT_PREFIX).
 */
export const DASHBOARD_SQL: Record<string, string> = {
  'overdue list (50 soonest)': `SELECT c.id, c.area, c.school, c.stage, c.next_deadline_at, ch.name, ch.grade, ch.class_name
      FROM cases c JOIN children ch ON ch.id = c.child_id
     WHERE c.open AND NOT c.paused AND c.next_deadline_at < now()
     ORDER BY c.next_deadline_at LIMIT 50`,
  'overdue count by area': `SELECT area, count(*)::int AS n FROM cases WHERE open AND NOT paused AND next_deadline_at < now() GROUP BY area`,
};

/** The case list (台账) as caseworkers filter it, through the API. */
export const CASE_LIST_PATHS = [
  '/api/cases',
  '/api/cases?area=GAOPING&stage=PERSUASION',
  '/api/cases?overdue=true',
  '/api/cases?area=GULING_COMMUNITY&overdue=true&page=5',
  '/api/cases?stage=TOWN_CRITICISM&open=true&pageSize=100',
];

/** Every GET under this prefix without path parameters in the API's OpenAPI document is measured. */
export const DASHBOARD_ENDPOINT_PREFIX = '/api/dashboard/';
