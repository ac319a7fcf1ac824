/**
 * Writes a run's figures: results/bench-<time>.json (everything measured) and
 * results/bench-<time>.html (a self-contained page of SVG bar charts, no scripts, no CDN).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdaptersResult } from './adapters';
import type { LatencySummary } from './stats';
import type { StepCost } from '../../src/temporal/history-steps';

export interface QueryFigure {
  name: string;
  kind: 'case list (API)' | 'dashboard (API)' | 'dashboard SQL' | 'health (API)';
  p50: number;
  p95: number;
  count: number;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  command: string;
  scale: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[]; note: string };
  settings: { sqlitePragmas: readonly string[]; workerEnv: Record<string, string>; openConcurrency: number };
  throughput?: {
    concurrency: number;
    cases: LoadFigure;
    /** No-op update-with-start over grpc-js, as the API reaches Temporal. */
    noopWorkflows: LoadFigure;
    ratio: number;
    /** No-op workflows from a client on the worker's own connection (API and worker in one process). */
    sharedProcess: { updateWithStart: LoadFigure; eagerStartThenUpdate: LoadFigure; eagerlyStarted: number };
  };
  actions?: {
    clients: number;
    seconds: number;
    action: LoadFigure;
    health: LoadFigure;
    /** The no-op update on a running no-op workflow, same clients. */
    noopUpdate: LoadFigure;
    /** action ÷ noopUpdate, per second. */
    ratio: number;
    /** ADD_NOTE at fixed offered rates, latency from when each was due to start. */
    openLoop: Array<LoadFigure & { offeredPerSecond: number }>;
  };
  deadline?: DeadlineFigures;
  /** Reports still coming in while the first deadlines fall due (the figure before issue 12). */
  deadlineMixed?: DeadlineFigures;
  memory?: { openCases: number; workerRssMiB: number; workerPeakMiB: number; workerRssAtStartMiB: number; casesPerGiB: number };
  queries?: Array<{ cases: number; generateSeconds: number; figures: QueryFigure[] }>;
  /** The HTTP adapter alone: the same minimal module on Express and on Fastify. */
  adapters?: AdaptersResult;
  /** History events and workflow tasks per step kind: this run's cases, the committed v4 histories, the no-op references. */
  historyEvents?: { thisRun: StepCost[]; v4Committed: StepCost[]; noop: StepCost[]; sampledCases: number };
  /** CPU seconds per process (temporal, worker, api, bench) during each phase, beside its wall time. */
  cpu?: Record<string, Record<string, number>>;
  failures: string[];
}

export interface LoadFigure {
  count: number;
  perSecond: number;
  latency: LatencySummary;
  failures: number;
}

export interface DeadlineFigures {
  cases: number;
  windowSeconds: number;
  openPerSecond: number;
  /** Openings that failed even after their 503 retries (not in the lag figures). */
  openFailures: number;
  /** 503 answers to openings that were sent again. */
  retriedOpenings: number;
  /** Seconds between the first and the last due time. */
  dueSpreadSeconds: number;
  /** Whether the last report was in before the first case fell due (the opened-first phase wants so). */
  openedBeforeFirstDue: boolean;
  escalated: number;
  notEscalated: number;
  /** Due time → the event's occurred_at (when the workflow acted on the timer). */
  lagOccurredMs: LatencySummary;
  /** Due time → the event's recorded_at (when it was in the read model). */
  lagRecordedMs: LatencySummary;
  /** Due time → DEADLINE_MISSED's recorded_at, the first of the three events a case records at its due time. */
  lagFirstEventRecordedMs: LatencySummary;
  /** No-op workflows sleeping until the same instants: due → closed. */
  noopTimers?: { closed: number; started: number; lagMs: LatencySummary };
  /** lagRecordedMs.p99 ÷ noopTimers.lagMs.p99. */
  p99RatioToNoop?: number;
}

export function writeResults(results: BenchResults, dir: string): { json: string; html: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const json = join(dir, `bench-${stamp}.json`);
  const html = join(dir, `bench-${stamp}.html`);
  const markdown = join(dir, `bench-${stamp}.md`);
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(html, renderHtml(results));
  writeFileSync(markdown, `${results.command} · ${results.startedAt} · load average ${results.machine.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')}\n\n${markdownSummary(results)}\n`);
  return { json, html, markdown };
}

interface Bar {
  label: string;
  value: number;
  reference?: boolean;
}

const COLOURS = { measured: '#c0392b', reference: '#7f8c8d' };

/** Horizontal bars, one per row, with the value written beside each. */
function barChart(title: string, unit: string, bars: Bar[]): string {
  const width = 940;
  const labelWidth = 460;
  const row = 26;
  const height = 34 + bars.length * row;
  const max = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), 1e-9);
  const rows = bars
    .map((b, i) => {
      const y = 30 + i * row;
      const w = Number.isFinite(b.value) ? Math.max(1, ((width - labelWidth - 110) * b.value) / max) : 0;
      return (
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(b.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 8}" fill="${b.reference ? COLOURS.reference : COLOURS.measured}"/>` +
        `<text x="${labelWidth + w + 6}" y="${y + 15}">${format(b.value)} ${escape(unit)}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12"><text x="0" y="16" font-weight="bold" font-size="14">${escape(title)}</text>${rows}</svg>`;
}

function format(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function renderHtml(r: BenchResults): string {
  const charts: string[] = [];
  if (r.throughput) {
    const t = r.throughput;
    charts.push(
      barChart(`立案吞吐 Case-open throughput (ratio ${t.ratio})`, '/s', [
        { label: 'cases (HTTP → workflow → read model)', value: t.cases.perSecond },
        { label: 'no-op workflow (update-with-start)', value: t.noopWorkflows.perSecond, reference: true },
      ]),
    );
  }
  if (r.actions) {
    const a = r.actions;
    charts.push(
      barChart(`办理往返 Action round trip, ${a.clients} clients`, 'ms', [
        ...(['p50', 'p95', 'p99'] as const).flatMap((p) => [
          { label: `action ${p}`, value: a.action.latency[p] },
          { label: `no-op update ${p}`, value: a.noopUpdate.latency[p], reference: true },
          ...a.openLoop.map((f) => ({ label: `action, open loop ${f.offeredPerSecond}/s ${p}`, value: f.latency[p] })),
        ]),
      ]),
    );
  }
  if (r.deadline) {
    const d = r.deadline;
    charts.push(
      barChart(`期限准确度 Deadline lag, ${d.cases} cases due within ${Math.round(d.dueSpreadSeconds)} s`, 'ms', [
        ...(['p50', 'p99', 'max'] as const).map((p) => ({ label: `in the read model (recorded_at) ${p}`, value: d.lagRecordedMs[p] })),
        ...(['p50', 'p99', 'max'] as const).map((p) => ({ label: `workflow acted (occurred_at) ${p}`, value: d.lagOccurredMs[p], reference: true })),
        ...(['p50', 'p99', 'max'] as const).map((p) => ({ label: `first event at due (DEADLINE_MISSED) ${p}`, value: d.lagFirstEventRecordedMs[p], reference: true })),
        ...(['p50', 'p99', 'max'] as const).map((p) => ({ label: `no-op timers due at the same instants ${p}`, value: d.noopTimers?.lagMs[p] ?? Number.NaN, reference: true })),
      ]),
    );
  }
  if (r.memory) {
    charts.push(
      barChart(`工作进程内存 Worker memory with ${r.memory.openCases} open cases (${r.memory.casesPerGiB} cases/GiB)`, 'MiB', [
        { label: 'worker RSS', value: r.memory.workerRssMiB },
        { label: 'worker peak RSS', value: r.memory.workerPeakMiB },
        { label: 'worker RSS at start', value: r.memory.workerRssAtStartMiB, reference: true },
      ]),
    );
  }
  for (const q of r.queries ?? []) {
    charts.push(
      barChart(
        `查询 Queries at ${q.cases.toLocaleString('en')} cases (p95)`,
        'ms',
        q.figures.map((f) => ({ label: `${f.kind.startsWith('dashboard SQL') ? 'SQL: ' : ''}${f.name}`, value: f.p95, reference: f.kind === 'health (API)' })),
      ),
    );
  }
  if (r.adapters) {
    const a = r.adapters;
    const per = (name: 'express' | 'fastify') => [
      { label: `${name} GET requests/s`, value: a[name].get.perSecond, reference: name === 'express' },
      { label: `${name} POST (~1 kB, ValidationPipe) requests/s`, value: a[name].post.perSecond, reference: name === 'express' },
    ];
    charts.push(barChart(`HTTP 适配器 Adapters, ${a.clients} clients, ${a.rounds} alternating rounds × ${a.secondsPerRound} s (Fastify ÷ Express: GET ${a.ratio.getPerSecond}, POST ${a.ratio.postPerSecond})`, '/s', [...per('express'), ...per('fastify')]));
    charts.push(
      barChart(
        `HTTP 适配器 Adapters: POST latency`,
        'ms',
        (['p50', 'p95', 'p99'] as const).flatMap((p) => [
          { label: `fastify POST ${p}`, value: a.fastify.post.latency[p] },
          { label: `express POST ${p}`, value: a.express.post.latency[p], reference: true },
        ]),
      ),
    );
  }
  const cpuRows = Object.entries(r.cpu ?? {}).map(
    ([phase, shares]) => `<tr><td>${escape(phase)}</td>${Object.entries(shares).map(([k, v]) => `<td>${escape(k)} ${v}</td>`).join('')}</tr>`,
  );
  if (cpuRows.length) charts.push(`<h2>CPU seconds per process / 各进程 CPU 时间</h2><table>${cpuRows.join('')}</table>`);
  const failures = r.failures.length ? `<h2>Failures</h2><ul>${r.failures.map((f) => `<li>${escape(f)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>baoxue bench ${escape(r.startedAt)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:960px}svg{display:block;margin:1.5em 0}table{border-collapse:collapse}td{padding:2px 8px;border-bottom:1px solid #ddd}pre{background:#f4f4f4;padding:1em;overflow:auto}</style></head>
<body><h1>保学 baoxue — 性能测量 / benchmark</h1>
<p>${escape(r.startedAt)} · <code>${escape(r.command)}</code> · ${r.machine.cpus} × ${escape(r.machine.cpuModel)}, ${r.machine.memoryGiB} GiB, Node ${escape(r.machine.node)} ·
load average at start ${r.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}${r.machine.loadAverageAtEnd ? `, at end ${r.machine.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}` : ''}</p>
<p>${escape(r.machine.note)}</p>
<p><span style="color:${COLOURS.measured}">■</span> measured &nbsp; <span style="color:${COLOURS.reference}">■</span> reference measured in the same run</p>
${charts.join('\n')}
${failures}
<h2>All figures (JSON)</h2><pre>${escape(JSON.stringify(r, null, 2))}</pre>
</body></html>
`;
}

/** The figures as a Markdown table, as the README's performance section quotes them. */
export function markdownSummary(r: BenchResults): string {
  const rows: string[] = ['| figure | measured | reference in the same run | target |', '| --- | --- | --- | --- |'];
  const ms = (v: number) => `${format(v)} ms`;
  if (r.throughput) {
    const t = r.throughput;
    rows.push(`| case-open throughput (HTTP → workflow → read model), ${t.concurrency} in flight | ${t.cases.perSecond} cases/s (p50 ${ms(t.cases.latency.p50)}) | no-op update-with-start ${t.noopWorkflows.perSecond}/s; ratio **${t.ratio}** | ratio ≥ 0.8 |`);
    const s = t.sharedProcess;
    rows.push(`| opening a no-op where API and worker share a process: eager start + update | ${s.eagerStartThenUpdate.perSecond}/s (p50 ${ms(s.eagerStartThenUpdate.latency.p50)}; ${s.eagerlyStarted} of ${s.eagerStartThenUpdate.count} started eagerly) | update-with-start on the same connection ${s.updateWithStart.perSecond}/s (p50 ${ms(s.updateWithStart.latency.p50)}) | keep the faster |`);
  }
  if (r.actions) {
    const a = r.actions.action.latency;
    const n = r.actions.noopUpdate;
    const h = r.actions.health.latency;
    rows.push(`| action (ADD_NOTE), closed loop of ${r.actions.clients} clients, p50 / p95 / p99 | ${ms(a.p50)} / ${ms(a.p95)} / ${ms(a.p99)} (**${r.actions.action.perSecond}/s**) | no-op update ${n.perSecond}/s (${ms(n.latency.p50)} / ${ms(n.latency.p95)} / ${ms(n.latency.p99)}); ratio **${r.actions.ratio}**; GET /api/health p99 ${ms(h.p99)} | ratio ≥ 0.8 |`);
    for (const f of r.actions.openLoop) {
      rows.push(`| action (ADD_NOTE), open loop at ${f.offeredPerSecond}/s, p50 / p95 / p99 | ${ms(f.latency.p50)} / ${ms(f.latency.p95)} / **${ms(f.latency.p99)}** (${f.perSecond}/s answered, ${f.failures} failed) | — | ${f.offeredPerSecond === 20 ? 'p99 < 150 ms' : '—'} |`);
    }
  }
  const deadlineRow = (label: string, d: DeadlineFigures) => {
    const noop = d.noopTimers?.lagMs;
    rows.push(
      `| deadline lag, ${label}: ${d.cases} cases due within ${Math.round(d.dueSpreadSeconds)} s, due → escalation in the read model, p50 / p99 / max | ${ms(d.lagRecordedMs.p50)} / **${ms(d.lagRecordedMs.p99)}** / ${ms(d.lagRecordedMs.max)}; not escalated ${d.notEscalated}; openings failed ${d.openFailures ?? 0}, 503s sent again ${d.retriedOpenings ?? 0} | ${noop ? `no-op timers due at the same instants ${ms(noop.p50)} / ${ms(noop.p99)} / ${ms(noop.max)}; p99 ratio **${d.p99RatioToNoop}**` : `workflow acted (occurred_at) ${ms(d.lagOccurredMs.p50)} / ${ms(d.lagOccurredMs.p99)} / ${ms(d.lagOccurredMs.max)}`} | p99 < 1 s${noop ? ' and ≤ 2 × no-op' : ''}, max < 3 s |`,
    );
  };
  if (r.deadline) deadlineRow(`opened first${r.deadline.openedBeforeFirstDue ? '' : ' (the last opened AFTER the first was due)'}`, r.deadline);
  if (r.deadlineMixed) deadlineRow('while reports still came in', r.deadlineMixed);
  if (r.memory) {
    const m = r.memory;
    rows.push(`| worker memory with ${m.openCases} open cases | RSS ${m.workerRssMiB} MiB (peak ${m.workerPeakMiB}): **${m.casesPerGiB} cases/GiB** | RSS at start ${m.workerRssAtStartMiB} MiB | ≥ 3,000 cases/GiB |`);
  }
  for (const q of r.queries ?? []) {
    const health = q.figures.find((f) => f.kind === 'health (API)');
    for (const f of q.figures.filter((f) => f.kind !== 'health (API)')) {
      rows.push(`| ${q.cases.toLocaleString('en')} cases: ${f.kind} ${f.name.replace(/\|/g, '\\|')}, p50 / p95 | ${ms(f.p50)} / ${ms(f.p95)} | health p95 ${health ? ms(health.p95) : '—'} | dashboard p95 < 50 ms at 1,000,000 |`);
    }
  }
  if (r.adapters) {
    const a = r.adapters;
    for (const e of ['get', 'post'] as const) {
      const f = a.fastify[e];
      const x = a.express[e];
      const what = e === 'get' ? 'GET (small JSON)' : `POST (${a.postBodyBytes} B JSON through the ValidationPipe)`;
      rows.push(
        `| HTTP adapter, ${what}, ${a.clients} clients, ${a.rounds} alternating rounds × ${a.secondsPerRound} s: Fastify, p50 / p95 / p99 | ${f.perSecond}/s; ${ms(f.latency.p50)} / ${ms(f.latency.p95)} / ${ms(f.latency.p99)}; ${f.serverCpuMsPerRequest} CPU-ms/request | Express ${x.perSecond}/s; ${ms(x.latency.p50)} / ${ms(x.latency.p95)} / ${ms(x.latency.p99)}; ${x.serverCpuMsPerRequest} CPU-ms/request; ratio **${e === 'get' ? a.ratio.getPerSecond : a.ratio.postPerSecond}** | — |`,
      );
    }
  }
  if (r.historyEvents) {
    const h = r.historyEvents;
    const cell = (costs: StepCost[], kind: string) => {
      const c = costs.find((x) => x.kind === kind);
      return c ? `${c.eventsPerStep} (${c.workflowTasksPerStep} WFT)` : '—';
    };
    rows.push('', `| history events per step (workflow tasks) | this run (${h.sampledCases} cases) | v4 (committed histories) | no-op reference |`, '| --- | --- | --- | --- |');
    for (const kind of ['open', 'action', 'timer']) rows.push(`| ${kind} | ${cell(h.thisRun, kind)} | ${cell(h.v4Committed, kind)} | ${cell(h.noop, kind)} |`);
  }
  return rows.join('\n');
}
