/**
 * The `adapters` phase: the same minimal Nest module (adapter-app.ts: a small GET like the health
 * answer, a POST echoing a ~1 kB body through the API's ValidationPipe) on @nestjs/platform-express
 * and on @nestjs/platform-fastify, each in a child process of its own, loaded by the same clients for
 * the same time. Rounds alternate A/B/A/B so the machine's noise falls on both.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/project-root';
import { AppProcess, kill9, waitForOutput } from '../../test/support/processes';
import { cpuSeconds } from './cpu';
import { LoadResult, runFor } from './load';
import { LatencySummary, rate, ratio, summarize } from './stats';

export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];
const ADAPTER_READY = /adapter \w+ ready on port (\d+)/;
const WARM_UP_MS = 2_000;

export interface AdapterFigure {
  perSecond: number;
  /** Requests per second in each round, to see the noise. */
  perSecondByRound: number[];
  latency: LatencySummary;
  failures: number;
  /** CPU of the application's process per request (the adapter's cost even when the clients limit the rate). */
  serverCpuMsPerRequest: number;
  /** CPU of the bench process (the clients) per request. */
  clientCpuMsPerRequest: number;
}

export interface AdaptersResult {
  clients: number;
  secondsPerRound: number;
  rounds: number;
  postBodyBytes: number;
  express: { get: AdapterFigure; post: AdapterFigure };
  fastify: { get: AdapterFigure; post: AdapterFigure };
  /** Fastify ÷ Express: requests/s (above 1: Fastify faster) and p50 latency (below 1: Fastify faster). */
  ratio: { getPerSecond: number; postPerSecond: number; getP50: number; postP50: number };
}

/** A caseworker's action of about 1 kB: Chinese text is 3 bytes a character in UTF-8. */
export const ECHO_BODY = {
  type: 'ADD_NOTE',
  note: '电话回访，家长表示本周内到校；孩子在家帮忙农活，班主任与村干部约定周三再次上门。'.repeat(8),
  tags: ['电话回访', '家长承诺', '再次上门'],
};
const ECHO_JSON = JSON.stringify(ECHO_BODY);

interface Endpoint {
  name: 'get' | 'post';
  call(url: string): Promise<void>;
}

const ENDPOINTS: Endpoint[] = [
  { name: 'get', call: (url) => expect(fetch(`${url}/api/bench/health`), 200) },
  { name: 'post', call: (url) => expect(fetch(`${url}/api/bench/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ECHO_JSON }), 200) },
];

async function expect(answer: Promise<Response>, status: number): Promise<void> {
  const res = await answer;
  const text = await res.text(); // the body's size is part of the cost
  if (res.status !== status) throw new Error(`${res.url}: ${res.status} ${text.slice(0, 200)}`);
}

interface RunningAdapter {
  name: AdapterName;
  url: string;
  process: AppProcess;
}

async function startAdapter(name: AdapterName): Promise<RunningAdapter> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'run-ts.js'), join(__dirname, 'adapter-app.ts'), name], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const p: AppProcess = { name: `adapter ${name}`, child, output, exited };
  await waitForOutput(p, ADAPTER_READY, 60_000);
  const port = ADAPTER_READY.exec(output.join(''))![1];
  return { name, url: `http://127.0.0.1:${port}`, process: p };
}

/** Both answer alike before they are timed: the echo returns the body, an unknown field is refused. */
async function checkAlike(a: RunningAdapter): Promise<void> {
  const echoed = await (await fetch(`${a.url}/api/bench/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ECHO_JSON })).json();
  if (JSON.stringify(echoed) !== ECHO_JSON) throw new Error(`adapter ${a.name}: the echo changed the body: ${JSON.stringify(echoed).slice(0, 200)}`);
  await expect(fetch(`${a.url}/api/bench/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ECHO_BODY, role: 'admin' }) }), 400);
}

export async function measureAdapters(o: { clients: number; adapterSeconds: number; adapterRounds: number }, log: (line: string) => void): Promise<AdaptersResult> {
  const running: RunningAdapter[] = [];
  try {
    const started = await Promise.allSettled(ADAPTERS.map(startAdapter));
    for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason; // after keeping the other one to stop
    for (const a of running) await checkAlike(a);
    log(`adapters: ${running.map((a) => `${a.name} ${a.url} (pid ${a.process.child.pid})`).join(', ')}; warm-up ${WARM_UP_MS / 1000} s each`);
    for (const a of running) for (const e of ENDPOINTS) await runFor(o.clients, WARM_UP_MS, () => e.call(a.url));

    type Sample = { runs: LoadResult[]; serverCpu: number; clientCpu: number };
    const samples = new Map<string, Sample>();
    for (let round = 1; round <= o.adapterRounds; round++) {
      for (const a of running) {
        const line: string[] = [];
        for (const e of ENDPOINTS) {
          const server0 = cpuSeconds(a.process.child.pid!);
          const client0 = process.cpuUsage();
          const r = await runFor(o.clients, o.adapterSeconds * 1000, () => e.call(a.url));
          const client = process.cpuUsage(client0);
          const s = samples.get(`${a.name} ${e.name}`) ?? { runs: [], serverCpu: 0, clientCpu: 0 };
          s.runs.push(r);
          s.serverCpu += cpuSeconds(a.process.child.pid!) - server0;
          s.clientCpu += (client.user + client.system) / 1e6;
          samples.set(`${a.name} ${e.name}`, s);
          line.push(`${e.name.toUpperCase()} ${rate(r.latencies.length, r.elapsedMs)}/s p50 ${summarize(r.latencies).p50} ms${r.failures ? ` (${r.failures} failed: ${r.failureSamples[0]})` : ''}`);
        }
        log(`  round ${round}/${o.adapterRounds} ${a.name.padEnd(7)} ${line.join(', ')}`);
      }
    }
    const figure = (adapter: AdapterName, endpoint: Endpoint['name']): AdapterFigure => {
      const { runs, serverCpu, clientCpu } = samples.get(`${adapter} ${endpoint}`)!;
      const latencies = runs.flatMap((r) => r.latencies);
      const elapsed = runs.reduce((t, r) => t + r.elapsedMs, 0);
      const perMs = (cpu: number) => Math.round(((cpu * 1000) / Math.max(1, latencies.length)) * 1000) / 1000;
      return {
        perSecond: rate(latencies.length, elapsed),
        perSecondByRound: runs.map((r) => rate(r.latencies.length, r.elapsedMs)),
        latency: summarize(latencies),
        failures: runs.reduce((t, r) => t + r.failures, 0),
        serverCpuMsPerRequest: perMs(serverCpu),
        clientCpuMsPerRequest: perMs(clientCpu),
      };
    };
    const express = { get: figure('express', 'get'), post: figure('express', 'post') };
    const fastify = { get: figure('fastify', 'get'), post: figure('fastify', 'post') };
    return {
      clients: o.clients,
      secondsPerRound: o.adapterSeconds,
      rounds: o.adapterRounds,
      postBodyBytes: Buffer.byteLength(ECHO_JSON),
      express,
      fastify,
      ratio: {
        getPerSecond: ratio(fastify.get.perSecond, express.get.perSecond),
        postPerSecond: ratio(fastify.post.perSecond, express.post.perSecond),
        getP50: ratio(fastify.get.latency.p50, express.get.latency.p50),
        postP50: ratio(fastify.post.latency.p50, express.post.latency.p50),
      },
    };
  } finally {
    await Promise.all(running.map((a) => kill9(a.process)));
  }
}
