/**
 * `npm run bench`: measures the engine against its own limits, each figure beside its reference in
 * the same run (so a ratio holds on a busy machine). See `npm run bench -- --help`.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { Pool } from 'pg';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../src/project-root';
import { BenchApi } from './api-client';
import { childPids, cpuMeter } from './cpu';
import { runCount, runFor, LoadResult } from './load';
import { benchNoopWorkflow, startedUpdate, BENCH_NOOP_TASK_QUEUE } from './noop-workflow';
import { measureAdapters } from './adapters';
import { CASE_LIST_PATHS, DASHBOARD_ENDPOINT_PREFIX, DASHBOARD_SQL, generateCases } from './read-model-data';
import { BenchResults, QueryFigure, writeResults } from './report';
import { Stack, WAL_SQLITE_PRAGMAS, residentMemory, startStack } from './stack';
import { rate, ratio, summarize } from './stats';

const HELP = `npm run bench -- [options]      保学性能测量 / baoxue benchmark

Starts its own Temporal dev server (SQLite file), a database, and the API and the worker as
separate processes (dist/, built first by npm run bench), then measures, each beside its reference:
  throughput  case-open throughput (HTTP → workflow → read model) vs a no-op workflow started the same way
  actions     caseworker action round trip (p50/p95/p99, N clients) vs GET /api/health
  deadline    lag of escalations behind their due time with many cases due within minutes; worker memory
  queries     case list and dashboard queries at growing read-model sizes (generated rows)
  adapters    the HTTP adapter alone: one minimal Nest module on Express and on Fastify (GET, POST with
              a ~1 kB body through the ValidationPipe), same clients, alternating rounds; runs first,
              before the stack starts, and needs none of it
Writes results/bench-<time>.json and results/bench-<time>.html (charts).

Options:
  --scale small|full        presets (default small: a few minutes; full: about 15 minutes)
  --cases N                 cases due together in the deadline phase (small 500, full 10000)
  --throughput-cases N      cases (and no-op workflows) opened for throughput (small 300, full 1000)
  --concurrency N           reports in flight at once (default 32)
  --clients N               concurrent clients in the action phase (default 50)
  --seconds N               duration of the action and health runs, each (small 10, full 20)
  --query-scales A,B        read-model sizes for the queries (small 20000,100000; full 100000,1000000)
  --query-repeats N         timed repeats of each query (small 20, full 30)
  --adapter-rounds N        rounds per adapter in the adapters phase, alternating (default 3)
  --adapter-seconds N       seconds per endpoint per round (default 4: about 60 s for the phase)
  --phases a,b              which phases (default throughput,actions,deadline,queries,adapters)
  --sqlite wal|default      the dev server's SQLite pragmas (default wal, as npm start)
  --note TEXT               a note on the machine, kept with the results
  --out DIR                 where to write (default results/)
  --keep-database           keep the bench database (on DATABASE_URL's server) after the run
  -h, --help

Environment: DATABASE_URL  a PostgreSQL server to make the bench database on (default: embedded);
  BAOXUE_WORKER_* settings (see README) are passed to the worker and recorded with the results.`;

const PHASES = ['throughput', 'actions', 'deadline', 'queries', 'adapters'] as const;
type Phase = (typeof PHASES)[number];
/** The phases that need the Temporal server, the database, the API and the worker. */
const STACK_PHASES: readonly Phase[] = ['throughput', 'actions', 'deadline', 'queries'];

const MAX_WINDOW_SECONDS = 180;

const PRESETS = {
  small: { cases: 500, throughputCases: 300, seconds: 10, queryScales: [20_000, 100_000], queryRepeats: 20 },
  full: { cases: 10_000, throughputCases: 1_000, seconds: 20, queryScales: [100_000, 1_000_000], queryRepeats: 30 },
};

function options() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'small' },
      cases: { type: 'string' },
      'throughput-cases': { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      clients: { type: 'string', default: '50' },
      seconds: { type: 'string' },
      'query-scales': { type: 'string' },
      'query-repeats': { type: 'string' },
      'adapter-rounds': { type: 'string', default: '3' },
      'adapter-seconds': { type: 'string', default: '4' },
      phases: { type: 'string', default: PHASES.join(',') },
      sqlite: { type: 'string', default: 'wal' },
      note: { type: 'string', default: '' },
      out: { type: 'string', default: join(PROJECT_ROOT, 'results') },
      'keep-database': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const problems: string[] = [];
  const preset = PRESETS[values.scale as keyof typeof PRESETS];
  if (!preset) problems.push(`--scale: "${values.scale}" is not small or full`);
  const count = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1) problems.push(`--${name}: "${text}" is not a positive whole number`);
    return Number(text);
  };
  const phases = values.phases.split(',').map((p) => p.trim()) as Phase[];
  for (const p of phases) if (!PHASES.includes(p)) problems.push(`--phases: "${p}" is not one of ${PHASES.join(', ')}`);
  if (!['wal', 'default'].includes(values.sqlite)) problems.push(`--sqlite: "${values.sqlite}" is not wal or default`);
  const p = preset ?? PRESETS.small;
  const result = {
    scale: values.scale,
    cases: count('cases', values.cases, p.cases),
    throughputCases: count('throughput-cases', values['throughput-cases'], p.throughputCases),
    concurrency: count('concurrency', values.concurrency, 32),
    clients: count('clients', values.clients, 50),
    seconds: count('seconds', values.seconds, p.seconds),
    queryScales: values['query-scales'] ? values['query-scales'].split(',').map((s) => count('query-scales', s.trim(), 0)) : p.queryScales,
    queryRepeats: count('query-repeats', values['query-repeats'], p.queryRepeats),
    adapterRounds: count('adapter-rounds', values['adapter-rounds'], 3),
    adapterSeconds: count('adapter-seconds', values['adapter-seconds'], 4),
    phases: new Set(phases),
    sqlitePragmas: values.sqlite === 'wal' ? WAL_SQLITE_PRAGMAS : ([] as readonly string[]),
    note: values.note,
    out: resolve(values.out),
    keepDatabase: values['keep-database'],
  };
  if (problems.length) {
    console.error(`npm run bench: ${problems.join('; ')}\n\n${HELP}`);
    process.exit(2);
  }
  return result;
}

type Options = ReturnType<typeof options>;

const started = Date.now();
function log(line: string) {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${t}s] ${line}`);
}

function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar({ format: `  ${label.padEnd(26)} [{bar}] {value}/{total} {duration}s`, stream: process.stdout, hideCursor: false }, Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}

/** The figures a run is judged by (printed, not asserted: the issue's targets). */
function targetLines(r: BenchResults): string[] {
  const lines: string[] = [];
  const check = (ok: boolean, text: string) => lines.push(`  ${ok ? '✓' : '✗'} ${text}`);
  if (r.throughput) {
    check(r.throughput.cases.perSecond >= 100, `case-open throughput ${r.throughput.cases.perSecond}/s (target ≥ 100/s)`);
    check(r.throughput.ratio >= 0.8, `ratio to the no-op workflow ${r.throughput.ratio} (${r.throughput.noopWorkflows.perSecond}/s; target ≥ 0.8)`);
  }
  if (r.actions) check(r.actions.action.latency.p99 < 150, `action p99 ${r.actions.action.latency.p99} ms (health p99 ${r.actions.health.latency.p99} ms; target < 150 ms)`);
  if (r.deadline) {
    const d = r.deadline;
    check(d.lagRecordedMs.p99 < 1000 && d.notEscalated === 0, `deadline lag p99 ${d.lagRecordedMs.p99} ms (target < 1000 ms), not escalated ${d.notEscalated}`);
    check(d.lagRecordedMs.max < 3000, `deadline lag max ${d.lagRecordedMs.max} ms (target < 3000 ms)`);
  }
  if (r.memory) check(r.memory.casesPerGiB >= 1000, `worker memory ${r.memory.casesPerGiB} open cases per GiB (target ≥ 1000)`);
  const largest = r.queries?.[r.queries.length - 1];
  if (largest) {
    for (const f of largest.figures.filter((f) => f.kind !== 'health (API)')) {
      check(f.p95 < 50, `${f.kind} "${f.name}" p95 ${f.p95} ms at ${largest.cases.toLocaleString('en')} cases (target < 50 ms)`);
    }
  }
  return lines;
}

async function main() {
  const o = options();
  for (const file of ['api-main.js', 'worker-main.js', 'workflow-bundle.js']) {
    if (!existsSync(join(PROJECT_ROOT, 'dist', file))) throw new Error(`dist/${file} is missing: run npm run build first (npm run bench does)`);
  }
  const workerEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BAOXUE_WORKER_'))) as Record<string, string>;
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    scale: o.scale,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: loadavg(),
      note: o.note,
    },
    settings: { sqlitePragmas: o.sqlitePragmas, workerEnv, openConcurrency: o.concurrency },
    failures: [],
  };
  log(`scale ${o.scale}; phases ${[...o.phases].join(', ')}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; free memory ${Math.round(freemem() / 2 ** 20)} MiB`);
  if (Object.keys(workerEnv).length) log(`worker settings: ${JSON.stringify(workerEnv)}`);

  let stack: Stack | undefined;
  let pool: Pool | undefined;
  process.once('SIGINT', () => {
    log('interrupted: stopping the processes ...');
    void (pool?.end() ?? Promise.resolve()).finally(() => (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  });
  try {
    if (o.phases.has('adapters')) {
      // First, before the stack's processes start: it needs none of them.
      results.adapters = await measureAdapters(o, log);
      const a = results.adapters;
      for (const name of ['express', 'fastify'] as const) {
        const f = a[name];
        log(`adapters: ${name.padEnd(7)} GET ${f.get.perSecond}/s p50/p95/p99 ${f.get.latency.p50}/${f.get.latency.p95}/${f.get.latency.p99} ms (${f.get.serverCpuMsPerRequest} CPU-ms/req); POST ${f.post.perSecond}/s ${f.post.latency.p50}/${f.post.latency.p95}/${f.post.latency.p99} ms (${f.post.serverCpuMsPerRequest} CPU-ms/req)`);
      }
      log(`adapters: Fastify ÷ Express requests/s GET ${a.ratio.getPerSecond}, POST ${a.ratio.postPerSecond}; p50 GET ${a.ratio.getP50}, POST ${a.ratio.postP50}`);
    }
    if (STACK_PHASES.some((p) => o.phases.has(p))) {
      stack = await startStack({ databaseServerUrl: process.env.DATABASE_URL, sqlitePragmas: o.sqlitePragmas, workerEnv, keepDatabase: o.keepDatabase, log });
      pool = new Pool({ connectionString: stack.databaseUrl, max: 4 });
      await measureOnStack(o, stack, pool, results);
    }
  } catch (err) {
    results.failures.push((err as Error).stack ?? String(err));
    console.error(err);
    process.exitCode = 1;
  } finally {
    results.finishedAt = new Date().toISOString();
    results.machine.loadAverageAtEnd = loadavg();
    const files = writeResults(results, o.out);
    await pool?.end().catch(() => undefined);
    await stack?.stop();
    console.log(`\n目标 / targets:\n${targetLines(results).join('\n')}`);
    console.log(`\nresults: ${files.json}\nchart:   ${files.html}\ntable:   ${files.markdown} (for the README)\ntook ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

/** The phases that measure the engine itself: throughput, actions, deadline, queries. */
async function measureOnStack(o: Options, stack: Stack, pool: Pool, results: BenchResults): Promise<void> {
  const worker = await stack.startWorker('worker');
  const workerRssAtStart = residentMemory(worker.child.pid!)?.rss ?? Number.NaN;
  let api = await stack.startApi(join(PROJECT_ROOT, 'policies', 'default.json'));
  log(`API ${api.url} (pid ${api.process.child.pid}), worker pid ${worker.child.pid}, Temporal ${stack.temporal.address}`);
  const client = new BenchApi(api.url);
  await client.login();
  let serial = 0;
  const caseIds: string[] = [];
  const temporalPid = childPids(process.pid, 'temporal')[0];
  const meter = () => cpuMeter(() => ({ temporal: temporalPid, worker: worker.child.pid, api: api.process.child.pid, bench: process.pid }));
  const cpuOf = (phase: string, m: ReturnType<typeof meter>) => {
    const shares = m.stop();
    (results.cpu ??= {})[phase] = shares;
    log(`  CPU seconds in ${phase} (${shares.wallSeconds} s wall): ${Object.entries(shares).filter(([k]) => k !== 'wallSeconds').map(([k, v]) => `${k} ${v}`).join(', ')}`);
  };

  if (o.phases.has('throughput')) {
    const m = meter();
    results.throughput = await measureThroughput(o, stack, client, () => serial++, caseIds);
    cpuOf('throughput', m);
    const t = results.throughput;
    log(`throughput: cases ${t.cases.perSecond}/s, no-op workflows ${t.noopWorkflows.perSecond}/s, ratio ${t.ratio}`);
  }

  if (o.phases.has('actions')) {
    while (caseIds.length < o.clients) caseIds.push(await client.openCase(serial++));
    const m = meter();
    results.actions = await measureActions(o, client, caseIds.slice(0, o.clients));
    cpuOf('actions', m);
    const a = results.actions;
    log(`actions: p50/p95/p99 ${a.action.latency.p50}/${a.action.latency.p95}/${a.action.latency.p99} ms (${a.action.perSecond}/s); health ${a.health.latency.p50}/${a.health.latency.p95}/${a.health.latency.p99} ms`);
  }

  if (o.phases.has('deadline')) {
    // Windows long enough that most cases are open before the first one ends (from this run's pace),
    // but at most 3 minutes: on a slow machine the last reports still come in while the first
    // deadlines fire, as in a county where reports never stop.
    const pace = results.throughput?.cases.perSecond ?? 20;
    const windowSeconds = Math.min(MAX_WINDOW_SECONDS, Math.max(60, Math.ceil((o.cases / pace) * 1.3) + 45));
    const policyPath = writeDeadlinePolicy(stack.dir, windowSeconds);
    await stack.stopProcess(api.process);
    api = await stack.startApi(policyPath);
    const deadlineClient = new BenchApi(api.url);
    await deadlineClient.login();
    const m = meter();
    results.deadline = await measureDeadlines(o, pool, deadlineClient, () => serial++, windowSeconds);
    cpuOf('deadline', m);
    const d = results.deadline;
    log(`deadline: ${d.escalated}/${d.cases} escalated; lag to the read model p50/p99/max ${d.lagRecordedMs.p50}/${d.lagRecordedMs.p99}/${d.lagRecordedMs.max} ms (first event at due: ${d.lagFirstEventRecordedMs.p50}/${d.lagFirstEventRecordedMs.p99}/${d.lagFirstEventRecordedMs.max} ms)`);
    await new Promise((r) => setTimeout(r, 5_000)); // let the last projections settle before reading memory
    const openCases = Number((await pool.query(`SELECT count(*) AS n FROM cases WHERE open`)).rows[0].n);
    const memory = residentMemory(worker.child.pid!);
    if (memory) {
      results.memory = {
        openCases,
        workerRssMiB: Math.round(memory.rss / 2 ** 20),
        workerPeakMiB: Math.round(memory.peak / 2 ** 20),
        workerRssAtStartMiB: Math.round(workerRssAtStart / 2 ** 20),
        casesPerGiB: Math.round(openCases / (memory.rss / 2 ** 30)),
      };
      log(`memory: worker RSS ${results.memory.workerRssMiB} MiB (peak ${results.memory.workerPeakMiB}) with ${openCases} open cases: ${results.memory.casesPerGiB} cases/GiB`);
    }
  }

  if (o.phases.has('queries')) {
    const leader = new BenchApi(api.url, 'leader');
    await leader.login();
    results.queries = [];
    for (const scale of o.queryScales) {
      results.queries.push(await measureQueries(o, pool, leader, scale, results.failures));
      writeResults(results, o.out); // a long run keeps what it has so far
    }
  }
}

async function measureThroughput(o: Options, stack: Stack, client: BenchApi, nextSerial: () => number, caseIds: string[]): Promise<BenchResults['throughput'] & object> {
  log('bundling the no-op workflow for the reference worker ...');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: quietLogger() });
  const connection = await NativeConnection.connect({ address: stack.temporal.address });
  const noopWorker = await Worker.create({ connection, taskQueue: BENCH_NOOP_TASK_QUEUE, workflowBundle: { code } });
  const running = noopWorker.run();
  const temporal = new Client({ connection: await Connection.connect({ address: stack.temporal.address }) });
  const runId = Date.now().toString(36);
  const startNoop = async (i: number) => {
    await temporal.workflow.executeUpdateWithStart(startedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(benchNoopWorkflow, {
        workflowId: `bench-noop-${runId}-${i}`,
        taskQueue: BENCH_NOOP_TASK_QUEUE,
        workflowIdConflictPolicy: 'FAIL',
      }),
    });
  };
  let noop: LoadResult;
  try {
    log('warm-up: 20 no-op workflows, 20 cases');
    await runCount(20, 10, (i) => startNoop(-1 - i));
    await runCount(20, 10, async () => void caseIds.push(await client.openCase(nextSerial())));
    const n = o.throughputCases;
    let bar = progress('no-op workflows', n);
    noop = await runCount(n, o.concurrency, startNoop, (d) => bar.update(d));
    bar.stop();
    noopWorker.shutdown();
    await running;
    bar = progress('cases over HTTP', n);
    const cases = await runCount(n, o.concurrency, async () => void caseIds.push(await client.openCase(nextSerial())), (d) => bar.update(d));
    bar.stop();
    const figure = (r: LoadResult) => ({ count: r.latencies.length, perSecond: rate(r.latencies.length, r.elapsedMs), latency: summarize(r.latencies), failures: r.failures });
    for (const r of [noop, cases]) if (r.failures) log(`  failures: ${r.failures} (${r.failureSamples[0]})`);
    const result = { concurrency: o.concurrency, cases: figure(cases), noopWorkflows: figure(noop), ratio: 0 };
    result.ratio = ratio(result.cases.perSecond, result.noopWorkflows.perSecond);
    return result;
  } finally {
    if (noopWorker.getState() === 'RUNNING') noopWorker.shutdown();
    await running.catch(() => undefined);
    await temporal.connection.close();
    await connection.close();
  }
}

async function measureActions(o: Options, client: BenchApi, caseIds: string[]): Promise<BenchResults['actions'] & object> {
  await client.login();
  const figure = (r: LoadResult) => ({ perSecond: rate(r.latencies.length, r.elapsedMs), latency: summarize(r.latencies), failures: r.failures });
  const ms = o.seconds * 1000;
  let bar = progress(`GET /api/health × ${o.clients}`, Math.round(ms / 1000));
  let tick = setInterval(() => bar.increment(), 1000);
  const health = await runFor(o.clients, ms, () => client.get('/api/health', { auth: false }).then(() => undefined));
  clearInterval(tick);
  bar.stop();
  bar = progress(`ADD_NOTE × ${o.clients} clients`, Math.round(ms / 1000));
  tick = setInterval(() => bar.increment(), 1000);
  // Each client acts on its own case (Temporal allows 10 updates in flight per workflow).
  const action = await runFor(o.clients, ms, (c) => client.addNote(caseIds[c]));
  clearInterval(tick);
  bar.stop();
  for (const r of [health, action]) if (r.failures) log(`  failures: ${r.failures} (${r.failureSamples[0]})`);
  return { clients: o.clients, seconds: o.seconds, action: figure(action), health: figure(health) };
}

/** The default policy with the home visit due and its window ending `windowSeconds` after the report. */
function writeDeadlinePolicy(dir: string, windowSeconds: number): string {
  const policy = JSON.parse(readFileSync(join(PROJECT_ROOT, 'policies', 'default.json'), 'utf8'));
  policy.version = `bench-deadline-${windowSeconds}s`;
  policy.description = 'npm run bench: the home visit is due and its window ends minutes after the report';
  policy.escalation.reminderBefore = '30s';
  policy.stages.HOME_VISIT.due = `${windowSeconds}s`;
  policy.stages.HOME_VISIT.window = `${windowSeconds}s`;
  const path = join(dir, 'policy-deadline.json');
  writeFileSync(path, JSON.stringify(policy, null, 2));
  return path;
}

async function measureDeadlines(o: Options, pool: Pool, client: BenchApi, nextSerial: () => number, windowSeconds: number): Promise<BenchResults['deadline'] & object> {
  log(`deadline: opening ${o.cases} cases whose home-visit window ends ${windowSeconds} s after each report`);
  const ids: string[] = [];
  let bar = progress('cases over HTTP', o.cases);
  const opened = await runCount(o.cases, o.concurrency, async () => void ids.push(await client.openCase(nextSerial())), (d) => bar.update(d));
  bar.stop();
  if (opened.failures) log(`  failures: ${opened.failures} (${opened.failureSamples[0]})`);
  const due = `o.occurred_at + make_interval(secs => ${windowSeconds})`;
  const lastDue: Date = (await pool.query(`SELECT max(${due}) AS t FROM case_events o WHERE o.type = 'CASE_OPENED' AND o.case_id = ANY($1::uuid[])`, [ids])).rows[0].t;
  const giveUpAt = lastDue.getTime() + Math.max(120_000, windowSeconds * 500);
  log(`waiting for the escalations (last due ${lastDue.toISOString()}, giving up at ${new Date(giveUpAt).toISOString()})`);
  bar = progress('escalated (read model)', ids.length);
  let escalated = 0;
  while (escalated < ids.length && Date.now() < giveUpAt) {
    await new Promise((r) => setTimeout(r, 2_000));
    escalated = Number((await pool.query(`SELECT count(*) AS n FROM case_events WHERE type = 'AUTO_ESCALATED' AND case_id = ANY($1::uuid[])`, [ids])).rows[0].n);
    bar.update(escalated);
  }
  bar.stop();
  // At the due time a case records three automatic events (DEADLINE_MISSED, ESCALATED_TO_SUPERVISOR,
  // AUTO_ESCALATED); the first one's lag beside the escalation's shows what the steps between cost.
  const rows: Array<{ due: Date; occurred: number; recorded: number; first_recorded: number }> = (
    await pool.query(
      `SELECT ${due} AS due,
              extract(epoch FROM e.occurred_at - (${due})) * 1000 AS occurred,
              extract(epoch FROM e.recorded_at - (${due})) * 1000 AS recorded,
              extract(epoch FROM m.recorded_at - (${due})) * 1000 AS first_recorded
         FROM case_events o
         JOIN case_events e ON e.case_id = o.case_id AND e.type = 'AUTO_ESCALATED'
         JOIN case_events m ON m.case_id = o.case_id AND m.type = 'DEADLINE_MISSED'
        WHERE o.type = 'CASE_OPENED' AND o.case_id = ANY($1::uuid[])`,
      [ids],
    )
  ).rows;
  const dues = rows.map((r) => r.due.getTime());
  return {
    cases: ids.length,
    windowSeconds,
    openPerSecond: rate(opened.latencies.length, opened.elapsedMs),
    dueSpreadSeconds: dues.length ? Math.round((Math.max(...dues) - Math.min(...dues)) / 100) / 10 : 0,
    escalated: rows.length,
    notEscalated: ids.length - rows.length,
    lagOccurredMs: summarize(rows.map((r) => Number(r.occurred))),
    lagRecordedMs: summarize(rows.map((r) => Number(r.recorded))),
    lagFirstEventRecordedMs: summarize(rows.map((r) => Number(r.first_recorded))),
  };
}

async function measureQueries(o: Options, pool: Pool, leader: BenchApi, scale: number, skipped: string[]): Promise<NonNullable<BenchResults['queries']>[number]> {
  const have = Number((await pool.query(`SELECT count(*) AS n FROM cases`)).rows[0].n);
  const from = Number((await pool.query(`SELECT count(*) AS n FROM children WHERE name LIKE '生成儿童%'`)).rows[0].n);
  const add = Math.max(0, scale - have);
  const t0 = Date.now();
  if (add > 0) {
    const bar = progress(`generating to ${scale.toLocaleString('en')}`, add);
    const batch = 50_000;
    for (let done = 0; done < add; done += batch) {
      await generateCases(pool, from + done, from + Math.min(add, done + batch), 'GULING');
      bar.update(Math.min(add, done + batch));
    }
    bar.stop();
    // As autovacuum would after a bulk load: statistics, and the visibility map index-only scans need.
    for (const table of ['children', 'cases', 'case_events']) await pool.query(`VACUUM (ANALYZE) ${table}`);
  }
  const generateSeconds = Math.round((Date.now() - t0) / 100) / 10;
  await leader.login();
  const figures: QueryFigure[] = [];
  const time = async (name: string, kind: QueryFigure['kind'], run: () => Promise<unknown>) => {
    for (let i = 0; i < 2; i++) await run(); // warm-up: plans cached, pages in memory
    const r = await runCount(o.queryRepeats, 1, async () => void (await run()));
    if (r.failures) throw new Error(`${kind} ${name}: ${r.failureSamples[0]}`);
    const s = summarize(r.latencies);
    figures.push({ name, kind, p50: s.p50, p95: s.p95, count: s.count });
    log(`  ${scale.toLocaleString('en')} cases · ${kind} · ${name}: p50 ${s.p50} ms, p95 ${s.p95} ms`);
  };
  log(`queries at ${scale.toLocaleString('en')} cases (generated ${add.toLocaleString('en')} rows in ${generateSeconds} s), ${o.queryRepeats} repeats each`);
  await time('GET /api/health', 'health (API)', () => leader.get('/api/health', { auth: false }));
  for (const path of CASE_LIST_PATHS) await time(`GET ${path}`, 'case list (API)', () => leader.get(path));
  for (const path of await dashboardEndpoints(leader)) {
    // Another team's endpoint may need parameters we do not know: say so and measure the rest.
    const refused = await leader.get(path).then(() => undefined, (err: Error) => err.message);
    if (refused) skipped.push(`dashboard endpoint skipped: ${refused}`);
    else await time(`GET ${path}`, 'dashboard (API)', () => leader.get(path));
  }
  for (const [name, sql] of Object.entries(DASHBOARD_SQL)) await time(name, 'dashboard SQL', () => pool.query(sql));
  return { cases: scale, generateSeconds, figures };
}

/** The dashboard's JSON endpoints, as the API's OpenAPI document lists them (none until they exist). */
async function dashboardEndpoints(api: BenchApi): Promise<string[]> {
  const document = JSON.parse(await api.get('/api/docs-json', { auth: false })) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths)
    .filter(([path, methods]) => path.startsWith(DASHBOARD_ENDPOINT_PREFIX) && !path.includes('{') && 'get' in methods)
    .map(([path]) => path);
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
