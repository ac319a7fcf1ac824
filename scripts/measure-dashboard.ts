/**
 * Measures the dashboard's load time in a real browser with N cases in the read model (default
 * 10,000): `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/run-ts.js scripts/measure-dashboard.ts [--cases 10000] [--runs 7]`
 *
 * 1. makes a fresh database on that server and fills it with SQL generate_series: N children, N
 *    cases spread over the 8 areas, 2 schools, every stage, 12 months, a fifth of the open ones
 *    overdue, and their timeline events (opening, stage changes, returns, closings);
 * 2. starts the app as `npm start` composes it (API + worker, embedded Temporal) on that database;
 * 3. opens /dashboard in headless Chromium as the leader and, for each run, reloads the page and
 *    reads the performance mark 'dashboard-ready' (set when every widget has rendered), i.e. the
 *    time from navigation start until all widgets are on screen;
 * 4. prints the median and the range, and each widget endpoint's own time; drops the database.
 * With --explain it also prints PostgreSQL's EXPLAIN ANALYZE of each widget's query (as the town's leader sees it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { chromium } from 'playwright-core';
import { startBaoxue } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { openReadModel } from '../src/read-model/data-source';
import { DashboardQueries } from '../src/dashboard/dashboard-queries';
import { loadTowns } from '../src/read-model/town';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const FILL = `
  INSERT INTO children (id, town, name, id_number, birth_date, sex, school, grade, class_name, area)
  SELECT md5('child' || i)::uuid, 'GULING', '测试儿童' || i,
         -- unique per i: a birth day per thousand children, the sequence within it (the schema checks the form only)
         '500235' || to_char(date '2010-01-01' + i / 1000, 'YYYYMMDD') || lpad((i % 1000)::text, 3, '0') || '0',
         date '2010-01-01' + i / 1000, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
         CASE WHEN i % 3 = 0 THEN 'GULING_MIDDLE' ELSE 'GULING_PRIMARY' END,
         CASE WHEN i % 3 = 0 THEN 7 + i % 3 ELSE 1 + i % 6 END, '一班',
         (ARRAY['GULING_COMMUNITY','GAOPING','QIAOTING','BAOXING','SHUANGDIAN','LANCAO','HONGCHUN','HONGPING'])[1 + i % 8]
    FROM generate_series(1, $1::int) AS i;

  INSERT INTO cases (id, town, child_id, cause, area, school, stage, open, paused, policy_version, opened_at, opened_by,
                     stage_entered_at, action_due_at, window_ends_at, next_deadline_at, assignee, last_seq, ended_at, updated_at)
  SELECT md5('case' || i)::uuid, 'GULING', md5('child' || i)::uuid, 'POVERTY', ch.area, ch.school, s.stage, s.stage NOT IN ('CLOSED','TRANSFERRED'), false,
         'guling-2023.1', o.opened_at, '测试（measure）', o.opened_at + interval '2 days',
         CASE WHEN s.stage IN ('HOME_VISIT','TOWN_CRITICISM','JUDICIAL_DOCUMENT','LEGAL_LIABILITY') THEN o.due END,
         CASE WHEN s.stage IN ('HOME_VISIT','PERSUASION','CORRECTION_DEADLINE','RETURNED') THEN o.due END,
         CASE WHEN s.stage NOT IN ('CLOSED','TRANSFERRED') THEN o.due END,
         NULL, 2, CASE WHEN s.stage IN ('CLOSED','TRANSFERRED') THEN o.opened_at + interval '40 days' END, now()
    FROM generate_series(1, $1::int) AS i
    JOIN children ch ON ch.id = md5('child' || i)::uuid
    CROSS JOIN LATERAL (SELECT (ARRAY['HOME_VISIT','PERSUASION','TOWN_CRITICISM','CORRECTION_DEADLINE','JUDICIAL_DOCUMENT','LEGAL_LIABILITY','RETURNED','CLOSED','CLOSED','TRANSFERRED'])[1 + i % 10] AS stage) s
    CROSS JOIN LATERAL (SELECT now() - (i % 365) * interval '1 day' - interval '3 days' AS opened_at,
                               -- a fifth overdue, the rest due in the coming weeks
                               CASE WHEN i % 5 = 0 THEN now() - (i % 30 + 1) * interval '1 day' ELSE now() + (i % 20 + 1) * interval '1 day' END AS due) o;

  INSERT INTO case_events (id, case_id, seq, type, automatic, actor, reason, stage_before, stage_after, occurred_at)
  SELECT c.id || ':1', c.id, 1, 'CASE_OPENED', false, c.opened_by, '立案', 'HOME_VISIT', 'HOME_VISIT', c.opened_at FROM cases c;
  INSERT INTO case_events (id, case_id, seq, type, automatic, actor, reason, stage_before, stage_after, occurred_at)
  SELECT c.id || ':2', c.id, 2, CASE WHEN c.stage = 'CLOSED' THEN 'APPROVE_CLOSURE' WHEN c.stage = 'RETURNED' THEN 'RECORD_RETURN' ELSE 'AUTO_ESCALATED' END,
         c.stage NOT IN ('CLOSED','RETURNED'), 'system', '测试', 'HOME_VISIT', c.stage, c.stage_entered_at
    FROM cases c WHERE c.stage <> 'HOME_VISIT';`;

async function main(): Promise<void> {
  const cases = option('--cases', 10_000);
  const runs = option('--runs', 7);
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `baoxue_measure_${Date.now()}`;
  const admin = await new DataSource({ type: 'postgres', url: server }).initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const config = { ...loadConfig({}), port: 0, dataDir: mkdtempSync(join(tmpdir(), 'baoxue-measure-')), databaseUrl: url.toString(), seedDemo: true, demoPassword: 'measure-dashboard', seedDemoCases: false, reconcileEveryMs: undefined };
  let app;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const fill = await openReadModel({ url: url.toString(), poolSize: 3, quiet: true });
    const started = Date.now();
    // One script of several statements (the simple query protocol, no bound parameters).
    await fill.query(FILL.replaceAll('$1::int', String(Math.trunc(cases))));
    await fill.query('VACUUM ANALYZE'); // the steady state autovacuum keeps (visibility map: index-only scans)
    const counts = await fill.query(`SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS events`);
    if (process.argv.includes('--explain')) await explainWidgets(fill);
    await fill.destroy();
    console.log(`filled ${counts[0].cases} cases, ${counts[0].events} events in ${Date.now() - started} ms`);

    app = await startBaoxue({ config, roles: { api: true, worker: true } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${app.apiUrl}/dashboard`);
    await page.fill('input[name=username]', 'leader');
    await page.fill('input[name=password]', config.demoPassword!);
    await page.click('form button[type=submit]');
    await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.reload();
      await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
      times.push(await page.evaluate(`performance.getEntriesByName('dashboard-ready')[0].startTime`));
    }
    // Page-side code as text: this script compiles without the DOM's types.
    const endpoints: Record<string, number> = await page.evaluate(`(async () => {
      const token = sessionStorage.getItem('baoxue.token');
      const out = {};
      for (const w of ['version', 'headline', 'matrix', 'heatmap', 'trend', 'overdue', 'ranking']) {
        const t0 = performance.now();
        await fetch('/api/dashboard/' + w, { headers: { authorization: 'Bearer ' + token } }).then((r) => r.text());
        out[w] = Math.round(performance.now() - t0);
      }
      return out;
    })()`);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`dashboard load (navigation start → all widgets rendered, 'dashboard-ready' mark), ${cases} cases, ${runs} reloads:`);
    console.log(`  median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms, min ${Math.round(sorted[0])} ms, max ${Math.round(sorted[sorted.length - 1])} ms`);
    console.log(`  each endpoint once, from the page: ${Object.entries(endpoints).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
  } finally {
    await browser.close();
    await app?.stop();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.destroy();
  }
}

/** Runs each widget's query through EXPLAIN (ANALYZE, BUFFERS) and prints the plan's last lines (the timings). */
async function explainWidgets(dataSource: DataSource): Promise<void> {
  const explaining = {
    query: async (sql: string, params?: unknown[]) => {
      if (!/^\s*(WITH|SELECT)/i.test(sql)) return dataSource.query(sql, params);
      const plan: Array<{ 'QUERY PLAN': string }> = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      console.log(plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
      return dataSource.query(sql, params);
    },
  } as unknown as DataSource;
  const queries = new DashboardQueries(explaining, loadTowns());
  for (const widget of ['headline', 'matrix', 'heatmap', 'trend', 'overdue', 'ranking'] as const) {
    console.log(`--- ${widget}`);
    await queries[widget]('GULING', { kind: 'ALL' });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
