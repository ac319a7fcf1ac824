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
import { PROJECT_ROOT } from '../../src/project-root';
import { BenchApi } from './api-client';
import { childPids, cpuMeter } from './cpu';
import { runCount, runFor, LoadResult } from './load';
import { References, startReferences } from './references';
import { runAtRate } from './open-loop';
import { StepCost, stepCosts } from '../../src/temporal/history-steps';
import { caseWorkflowId } from '../../src/workflows/messages';
import { historyFiles, readHistory } from '../../test/replay/history-files';
import { measureAdapters } from './adapters';
import { CASE_LIST_PATHS, DASHBOARD_ENDPOINT_PREFIX, DASHBOARD_SQL, generateCases } from './read-model-data';
import { BenchResults, DeadlineFigures, QueryFigure, writeResults } from './report';
import { RunningApi, Stack, WAL_SQLITE_PRAGMAS, residentMemory, startStack } from './stack';
import { rate, ratio, summarize } from './stats';

const HELP = `npm run bench -- [options]      保学性能测量 / baoxue benchmark

Starts its own Temporal dev server (SQLite file), a database, and the API and the worker as
separate processes (dist/, built first by npm run bench), then measures, each beside its reference
(no-op workflows on the same Temporal server, run by the bench's own worker):
  throughput  case-open throughput (HTTP → workflow → read model) vs a no-op update-with-start; and,
              where API and worker share a process, update-with-start vs eager start + update (no-op)
  actions     ADD_NOTE round trip, closed loop of N clients vs a no-op update on a running no-op
              workflow (N clients) and GET /api/health; then open loop at fixed offered rates
  deadline    cases opened first, then falling due within minutes: lag of the escalation behind the due
              time vs no-op workflows whose timers are due at the same instants; worker memory
  deadline-mixed  the same while reports still come in (window at most 3 minutes): today's figure
  queries     case list and dashboard queries at growing read-model sizes (generated rows)
  adapters    the HTTP adapter alone: one minimal Nest module on Express and on Fastify (GET, POST with
              a ~1 kB body through the ValidationPipe), same clients, alternating rounds; runs first,
              before the stack starts, and needs none of it
Prints the history events per step kind (open, action, timer) of cases of this run beside the v4
histories committed in test/replay and the no-op references, and the ratios against the targets.
Writes results/bench-<time>.json and results/bench-<time>.html (charts).

Options:
  --scale small|full        presets (default small: a few minutes; full: about 15 minutes)
  --cases N                 cases due together in the deadline phase (small 500, full 10000)
  --throughput-cases N      cases (and no-op workflows) opened for throughput (small 300, full 1000)
  --concurrency N           reports in flight at once (default 32)
  --clients N               concurrent clients in the action phase (default 50)
  --open-loop-rates A,B     offered actions per second in the open-loop runs (default 20,40)
  --seconds N               duration of the action and health runs, each (small 10, full 20)
  --query-scales A,B        read-model sizes for the queries (small 20000,100000; full 100000,1000000)
  --query-repeats N         timed repeats of each query (small 20, full 30)
  --adapter-rounds N        rounds per adapter in the adapters phase, alternating (default 3)
  --adapter-seconds N       seconds per endpoint per round (default 4: about 60 s for the phase)
  --phases a,b              which phases (default throughput,actions,deadline,deadline-mixed,queries,adapters)
  --sqlite wal|default      the dev server's SQLite pragmas (default wal, as npm start)
  --note TEXT               a note on the machine, kept with the results
  --out DIR                 where to write (default results/)
  --keep-database           keep the bench database (on DATABASE_URL's server) after the run
  -h, --help

Environment: DATABASE_URL  a PostgreSQL server to make the bench database on (default: embedded);
  BAOXUE_WORKER_* settings (see docs/settings.md) are passed to the worker and recorded with the results.`;

const PHASES = ['throughput', 'actions', 'deadline', 'deadline-mixed', 'queries', 'adapters'] as const;
type Phase = (typeof PHASES)[number];
/** The phases that need the Temporal server, the database, the API and the worker. */
const STACK_PHASES: readonly Phase[] = ['throughput', 'actions', 'deadline', 'deadline-mixed', 'queries'];

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
      'open-loop-rates': { type: 'string', default: '20,40' },
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
    openLoopRates: values['open-loop-rates'].split(',').map((r) => count('open-loop-rates', r.trim(), 20)),
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

/** The figures a run is judged by (printed, not asserted: issue 12's targets, each a ratio in one run where it has a reference). */
function targetLines(r: BenchResults): string[] {
  const lines: string[] = [];
  const check = (ok: boolean, text: string) => lines.push(`  ${ok ? '✓' : '✗'} ${text}`);
  if (r.throughput) {
    const t = r.throughput;
    check(t.ratio >= 0.8, `case-open throughput ${t.cases.perSecond}/s = ${t.ratio} × the no-op update-with-start (${t.noopWorkflows.perSecond}/s; target ≥ 0.8)`);
  }
  if (r.actions) {
    const a = r.actions;
    check(a.ratio >= 0.8, `actions, closed loop of ${a.clients}: ${a.action.perSecond}/s = ${a.ratio} × the no-op update (${a.noopUpdate.perSecond}/s; target ≥ 0.8)`);
    for (const f of a.openLoop) check(f.offeredPerSecond !== 20 || f.latency.p99 < 150, `actions, open loop at ${f.offeredPerSecond}/s: p99 ${f.latency.p99} ms${f.offeredPerSecond === 20 ? ' (target < 150 ms)' : ' (no target)'}`);
  }
  if (r.deadline) {
    const d = r.deadline;
    const noop = d.noopTimers?.lagMs;
    check(d.lagRecordedMs.p99 < 1000 && d.notEscalated === 0, `deadline lag p99 ${d.lagRecordedMs.p99} ms, ${d.cases} cases due within ${d.dueSpreadSeconds} s (target < 1000 ms), not escalated ${d.notEscalated}`);
    if (noop) check((d.p99RatioToNoop ?? Infinity) <= 2, `deadline lag p99 = ${d.p99RatioToNoop} × the no-op timers' (${noop.p99} ms; target ≤ 2)`);
    check(d.lagRecordedMs.max < 3000, `deadline lag max ${d.lagRecordedMs.max} ms (no-op ${noop?.max ?? '—'} ms; target < 3000 ms)`);
  }
  if (r.memory) check(r.memory.casesPerGiB >= 3000, `worker memory ${r.memory.casesPerGiB} open cases per GiB (target ≥ 3,000)`);
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

/** The phases that measure the engine itself: throughput, actions, deadline, deadline-mixed, queries. */
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
  log('references: bundling the no-op workflows for the bench’s own worker ...');
  const refs = await startReferences(stack.temporal.address);
  const deadlineCaseIds: string[] = [];
  try {
    if (o.phases.has('throughput')) {
      const m = meter();
      results.throughput = await measureThroughput(o, refs, client, () => serial++, caseIds);
      cpuOf('throughput', m);
      const t = results.throughput;
      log(`throughput: cases ${t.cases.perSecond}/s, no-op update-with-start ${t.noopWorkflows.perSecond}/s, ratio ${t.ratio}`);
      log(`  where API and worker share a process (NativeConnection): update-with-start ${t.sharedProcess.updateWithStart.perSecond}/s p50 ${t.sharedProcess.updateWithStart.latency.p50} ms; eager start + update ${t.sharedProcess.eagerStartThenUpdate.perSecond}/s p50 ${t.sharedProcess.eagerStartThenUpdate.latency.p50} ms (${t.sharedProcess.eagerlyStarted} of ${t.sharedProcess.eagerStartThenUpdate.count} started eagerly)`);
    }

    if (o.phases.has('actions')) {
      while (caseIds.length < o.clients) caseIds.push(await client.openCase(serial++));
      const m = meter();
      results.actions = await measureActions(o, refs, client, caseIds.slice(0, o.clients));
      cpuOf('actions', m);
      const a = results.actions;
      log(`actions: closed loop p50/p95/p99 ${a.action.latency.p50}/${a.action.latency.p95}/${a.action.latency.p99} ms (${a.action.perSecond}/s); no-op update ${a.noopUpdate.perSecond}/s p99 ${a.noopUpdate.latency.p99} ms; ratio ${a.ratio}; health p99 ${a.health.latency.p99} ms`);
      for (const f of a.openLoop) log(`  open loop at ${f.offeredPerSecond}/s: p50/p95/p99 ${f.latency.p50}/${f.latency.p95}/${f.latency.p99} ms (${f.perSecond}/s answered, failures ${f.failures})`);
    }

    if (o.phases.has('deadline')) {
      // Opened first, then due: the window outlasts the opening (from this run's pace, with margin),
      // so the lag measures the timers and not the queue of reports.
      // Each report here also starts its no-op timer: assume 0.7 of the throughput phase's pace.
      const pace = Math.min(results.throughput?.cases.perSecond ?? 20, 150);
      const windowSeconds = Math.max(60, Math.ceil((o.cases / (pace * 0.7)) * 1.2) + 45);
      api = await restartApiWithWindow(stack, api, windowSeconds);
      const deadlineClient = new BenchApi(api.url);
      await deadlineClient.login();
      const m = meter();
      results.deadline = await measureDeadlines(o, pool, deadlineClient, () => serial++, windowSeconds, refs, deadlineCaseIds);
      cpuOf('deadline', m);
      const d = results.deadline;
      log(`deadline (opened first): ${d.escalated}/${d.cases} escalated, due within ${d.dueSpreadSeconds} s, all open before the first due: ${d.openedBeforeFirstDue}; lag to the read model p50/p99/max ${d.lagRecordedMs.p50}/${d.lagRecordedMs.p99}/${d.lagRecordedMs.max} ms; no-op timers ${d.noopTimers?.lagMs.p50}/${d.noopTimers?.lagMs.p99}/${d.noopTimers?.lagMs.max} ms; p99 ratio ${d.p99RatioToNoop}`);
    }

    if (o.phases.has('deadline-mixed')) {
      // Today's mixed figure: reports keep coming while the first deadlines fall due (window ≤ 3 min).
      const pace = results.throughput?.cases.perSecond ?? 20;
      const windowSeconds = Math.min(MAX_WINDOW_SECONDS, Math.max(60, Math.ceil((o.cases / pace) * 1.3) + 45));
      api = await restartApiWithWindow(stack, api, windowSeconds);
      const deadlineClient = new BenchApi(api.url);
      await deadlineClient.login();
      const m = meter();
      results.deadlineMixed = await measureDeadlines(o, pool, deadlineClient, () => serial++, windowSeconds);
      cpuOf('deadline-mixed', m);
      const d = results.deadlineMixed;
      log(`deadline (mixed, reports still coming): ${d.escalated}/${d.cases} escalated; lag p50/p99/max ${d.lagRecordedMs.p50}/${d.lagRecordedMs.p99}/${d.lagRecordedMs.max} ms`);
    }

    if (o.phases.has('deadline') || o.phases.has('deadline-mixed')) {
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

    if (caseIds.length || deadlineCaseIds.length) {
      results.historyEvents = await measureHistoryEvents(refs, [...caseIds.slice(0, 20), ...deadlineCaseIds.slice(0, 20)]);
      for (const line of historyEventLines(results.historyEvents)) log(line);
    }
  } finally {
    await refs.stop();
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

async function restartApiWithWindow(stack: Stack, api: RunningApi, windowSeconds: number): Promise<RunningApi> {
  const policyPath = writeDeadlinePolicy(stack.dir, windowSeconds);
  await stack.stopProcess(api.process);
  return stack.startApi(policyPath);
}

const figure = (r: LoadResult) => ({ count: r.latencies.length, perSecond: rate(r.latencies.length, r.elapsedMs), latency: summarize(r.latencies), failures: r.failures });

async function measureThroughput(o: Options, refs: References, client: BenchApi, nextSerial: () => number, caseIds: string[]): Promise<BenchResults['throughput'] & object> {
  log('warm-up: 20 no-op workflows of each kind, 20 cases');
  await runCount(20, 10, (i) => refs.updateWithStart(-1 - i));
  await runCount(20, 10, (i) => refs.updateWithStart(-1 - i, 'native'));
  await runCount(20, 10, (i) => refs.eagerStartThenUpdate(-1 - i).then(() => undefined));
  await runCount(20, 10, async () => void caseIds.push(await client.openCase(nextSerial())));
  const n = o.throughputCases;
  let bar = progress('no-op update-with-start', n);
  const noop = await runCount(n, o.concurrency, (i) => refs.updateWithStart(i), (d) => bar.update(d));
  bar.stop();
  bar = progress('cases over HTTP', n);
  const cases = await runCount(n, o.concurrency, async () => void caseIds.push(await client.openCase(nextSerial())), (d) => bar.update(d));
  bar.stop();
  // Where the API and the worker share a process (npm start): the same client connection as the worker's.
  bar = progress('no-op, shared process: UWS', n);
  const shared = await runCount(n, o.concurrency, (i) => refs.updateWithStart(i, 'native'), (d) => bar.update(d));
  bar.stop();
  let eagerly = 0;
  bar = progress('no-op, shared: eager+update', n);
  const eager = await runCount(n, o.concurrency, async (i) => void ((await refs.eagerStartThenUpdate(i)) && eagerly++), (d) => bar.update(d));
  bar.stop();
  for (const r of [noop, cases, shared, eager]) if (r.failures) log(`  failures: ${r.failures} (${r.failureSamples[0]})`);
  const result = {
    concurrency: o.concurrency,
    cases: figure(cases),
    noopWorkflows: figure(noop),
    ratio: 0,
    sharedProcess: { updateWithStart: figure(shared), eagerStartThenUpdate: figure(eager), eagerlyStarted: eagerly },
  };
  result.ratio = ratio(result.cases.perSecond, result.noopWorkflows.perSecond);
  return result;
}

async function measureActions(o: Options, refs: References, client: BenchApi, caseIds: string[]): Promise<BenchResults['actions'] & object> {
  await client.login();
  const ms = o.seconds * 1000;
  const timedPhase = async (label: string, run: () => Promise<LoadResult>) => {
    const bar = progress(label, Math.round(ms / 1000));
    const tick = setInterval(() => bar.increment(), 1000);
    try {
      return await run();
    } finally {
      clearInterval(tick);
      bar.stop();
    }
  };
  const health = await timedPhase(`GET /api/health × ${o.clients}`, () => runFor(o.clients, ms, () => client.get('/api/health', { auth: false }).then(() => undefined)));
  // Each client acts on its own case (Temporal allows 10 updates in flight per workflow).
  const action = await timedPhase(`ADD_NOTE × ${o.clients} clients`, () => runFor(o.clients, ms, (c) => client.addNote(caseIds[c])));
  const idle = await refs.startIdle(o.clients);
  const noopUpdate = await timedPhase(`no-op update × ${o.clients}`, () => runFor(o.clients, ms, (c) => refs.ping(idle[c])));
  const openLoop = [];
  for (const perSecond of o.openLoopRates) {
    await client.login();
    const r = await timedPhase(`ADD_NOTE at ${perSecond}/s (open)`, () => runAtRate(perSecond, ms, (i) => client.addNote(caseIds[i % caseIds.length])));
    openLoop.push({ offeredPerSecond: perSecond, ...figure(r) });
  }
  for (const r of [health, action, noopUpdate]) if (r.failures) log(`  failures: ${r.failures} (${r.failureSamples[0]})`);
  const result = { clients: o.clients, seconds: o.seconds, action: figure(action), health: figure(health), noopUpdate: figure(noopUpdate), ratio: 0, openLoop };
  result.ratio = ratio(result.action.perSecond, result.noopUpdate.perSecond);
  return result;
}

/** The default policy with the home visit due and its window ending `windowSeconds` after the report. */
function writeDeadlinePolicy(dir: string, windowSeconds: number): string {
  const policy = JSON.parse(readFileSync(join(PROJECT_ROOT, 'policies', 'default.json'), 'utf8'));
  policy.version = `bench-deadline-${windowSeconds}s`;
  policy.description = 'npm run bench: the home visit is due and its window ends minutes after the report';
  policy.escalation.reminderBefore = '30s';
  policy.stages.HOME_VISIT.due = `${windowSeconds}s`;
  policy.stages.HOME_VISIT.window = `${windowSeconds}s`;
  const path = join(dir, `policy-deadline-${windowSeconds}s.json`);
  writeFileSync(path, JSON.stringify(policy, null, 2));
  return path;
}

/**
 * Opens `o.cases` cases whose home visit falls due `windowSeconds` after each opening, then waits
 * for their escalations. With `refs`, a no-op workflow per case sleeps until the same instant (the
 * reference lag: what Temporal itself takes to deliver that many timers at those moments).
 */
async function measureDeadlines(
  o: Options,
  pool: Pool,
  client: BenchApi,
  nextSerial: () => number,
  windowSeconds: number,
  refs?: References,
  keepIds?: string[],
): Promise<DeadlineFigures> {
  log(`deadline: opening ${o.cases} cases whose home-visit window ends ${windowSeconds} s after each report${refs ? ', each with a no-op timer due at the same instant' : ''}`);
  const ids: string[] = [];
  let bar = progress('cases over HTTP', o.cases);
  let timerIndex = 0;
  const retriedBefore = client.retriedUnavailable;
  const opened = await runCount(
    o.cases,
    o.concurrency,
    async () => {
      // Lag measures the timers: an opening the API answered 503 (engine busy) is sent again, as a client would.
      const c = await client.reportCase(nextSerial(), { retryUnavailable: true });
      ids.push(c.id);
      if (refs) await refs.startTimer(timerIndex++, c.openedAtMs + windowSeconds * 1000);
    },
    (d) => bar.update(d),
  );
  const openEndedAt = Date.now();
  bar.stop();
  keepIds?.push(...ids);
  const retriedOpenings = client.retriedUnavailable - retriedBefore;
  if (opened.failures) log(`  failures: ${opened.failures} (${opened.failureSamples[0]})`);
  if (retriedOpenings) log(`  503 answers sent again: ${retriedOpenings}`);
  const due = `o.occurred_at + make_interval(secs => ${windowSeconds})`;
  const span = (await pool.query(`SELECT min(${due}) AS first, max(${due}) AS last FROM case_events o WHERE o.type = 'CASE_OPENED' AND o.case_id = ANY($1::uuid[])`, [ids])).rows[0];
  const firstDue: Date = span.first;
  const lastDue: Date = span.last;
  const giveUpAt = lastDue.getTime() + Math.max(120_000, windowSeconds * 500);
  log(`waiting for the escalations (first due ${firstDue.toISOString()}, last ${lastDue.toISOString()}; all opened ${firstDue.getTime() > openEndedAt ? 'before' : 'AFTER'} the first due; giving up at ${new Date(giveUpAt).toISOString()})`);
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
  const lagRecordedMs = summarize(rows.map((r) => Number(r.recorded)));
  const noopTimers = refs ? await refs.timerLags(Date.now() + 60_000) : undefined;
  return {
    cases: ids.length,
    windowSeconds,
    openPerSecond: rate(opened.latencies.length, opened.elapsedMs),
    openFailures: opened.failures,
    retriedOpenings,
    dueSpreadSeconds: dues.length ? Math.round((Math.max(...dues) - Math.min(...dues)) / 100) / 10 : 0,
    openedBeforeFirstDue: firstDue.getTime() > openEndedAt,
    escalated: rows.length,
    notEscalated: ids.length - rows.length,
    lagOccurredMs: summarize(rows.map((r) => Number(r.occurred))),
    lagRecordedMs,
    lagFirstEventRecordedMs: summarize(rows.map((r) => Number(r.first_recorded))),
    ...(noopTimers && { noopTimers, p99RatioToNoop: ratio(lagRecordedMs.p99, Math.max(1, noopTimers.lagMs.p99)) }),
  };
}

/** History events per step kind: the cases' (sampled from this run) beside the no-op references' and the v4 histories committed in test/replay. */
async function measureHistoryEvents(refs: References, caseIds: string[]): Promise<NonNullable<BenchResults['historyEvents']>> {
  const cases = await Promise.all(caseIds.map((id) => refs.history(caseWorkflowId(id))));
  const noop = await Promise.all([...refs.samples.open, ...refs.samples.action, ...refs.samples.timer].map((id) => refs.history(id)));
  const v4 = historyFiles().filter((f) => f.set === 'v4-due-timers-together').map((f) => readHistory(f.file).events ?? []);
  return { thisRun: stepCosts(cases), v4Committed: stepCosts(v4), noop: stepCosts(noop), sampledCases: cases.length };
}

function historyEventLines(h: NonNullable<BenchResults['historyEvents']>): string[] {
  const byKind = (costs: StepCost[], kind: string) => costs.find((c) => c.kind === kind);
  const cell = (c?: StepCost) => (c ? `${c.eventsPerStep} events, ${c.workflowTasksPerStep} WFT (${c.steps} steps)` : '—');
  return [
    `history events per step (this run: ${h.sampledCases} cases sampled; before: the committed v4 histories; reference: the no-op workflows):`,
    ...(['open', 'action', 'timer'] as const).map((k) => `  ${k.padEnd(6)} now ${cell(byKind(h.thisRun, k))} | v4 ${cell(byKind(h.v4Committed, k))} | no-op ${cell(byKind(h.noop, k))}`),
  ];
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
