/**
 * What an operator watches, scraped as Prometheus would: GET /metrics of the API (requests by
 * route and status, latency histograms, errors by code, the case figures) and the worker's
 * Temporal SDK metrics on BAOXUE_WORKER_METRICS_ADDRESS (a worker process, dist/worker-main.js);
 * and the JSON request log: one line per request with its request id, never a child's name or ID
 * number, not even when they are in the request.
 */
import request from 'supertest';
import { tokenFor, withToken } from '../support/auth';
import { eventually } from '../support/eventually';
import { freePort, waitForOutput, WORKER_READY } from '../support/processes';
import { reportBody } from '../support/running-app';
import { useSplitDeployment } from '../support/split-deployment';

const deployment = useSplitDeployment({ config: { logFormat: 'json' } });
const logLines: string[] = [];
let writeSpy: jest.SpyInstance;

beforeAll(() => {
  const original = process.stdout.write.bind(process.stdout);
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logLines.push(...String(chunk).split('\n').filter(Boolean));
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
});
afterAll(() => writeSpy?.mockRestore());

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)) : false);
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

it('GET /metrics: requests by route and status, latency by route, errors by code, open cases by stage, outbox backlog', async () => {
  const api = deployment.apiUrl;
  const token = await tokenFor(api, 'coordinator');
  const worker = deployment.startWorker('worker');
  await waitForOutput(worker, WORKER_READY, 60_000);

  const child = reportBody().child as { name: string; idNumber: string };
  const opened = await withToken(request(api).post('/api/cases'), token).set('X-Request-Id', 'trace-0001').send(reportBody());
  expect(opened.status).toBe(201);
  expect(opened.headers['x-request-id']).toBe('trace-0001');
  const read = await withToken(request(api).get(`/api/cases/${opened.body.id}`), token);
  expect(read.status).toBe(200);
  expect(read.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect((await withToken(request(api).get(`/api/cases/not-a-uuid`), token)).status).toBe(400);
  // A query naming the child: logged as its route, never its query string.
  await withToken(request(api).get(`/api/cases?area=${encodeURIComponent(child.name)}`), token);

  const scrape = await request(api).get('/metrics');
  expect(scrape.status).toBe(200);
  expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = scrape.text;
  expect(sample(text, 'baoxue_http_requests_total', { method: 'POST', route: '/api/cases', status: '201' })).toBe(1);
  expect(sample(text, 'baoxue_http_requests_total', { method: 'GET', route: '/api/cases/:id', status: '200' })).toBe(1);
  expect(sample(text, 'baoxue_http_request_duration_seconds_count', { method: 'POST', route: '/api/cases' })).toBe(1);
  expect(sample(text, 'baoxue_http_request_duration_seconds_bucket', { method: 'POST', route: '/api/cases', le: '+Inf' })).toBe(1);
  expect(sample(text, 'baoxue_http_errors_total', { status: '400', code: 'CASE.INVALID_ID' })).toBe(1);
  expect(sample(text, 'baoxue_cases_open', { stage: 'HOME_VISIT' })).toBe(1);
  expect(sample(text, 'baoxue_cases_overdue')).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'baoxue_escalations_last_hour')).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'baoxue_outbox_backlog', { status: 'PENDING' })).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'baoxue_api_process_cpu_seconds_total')).toBeGreaterThan(0);
  // No path with an id, no name, as a label.
  expect(text).not.toContain(opened.body.id);
  expect(text).not.toContain(child.name);

  // The JSON log: one line per request, with its id; nothing about the child.
  const requests = logLines.filter((l) => l.startsWith('{') && l.includes('"msg":"request"')).map((l) => JSON.parse(l));
  expect(requests.find((r) => r.requestId === 'trace-0001')).toMatchObject({ method: 'POST', route: '/api/cases', status: 201, level: 'info', durationMs: expect.any(Number) });
  expect(requests.find((r) => r.status === 400)).toMatchObject({ route: '/api/cases/:id', code: 'CASE.INVALID_ID', level: 'warn', requestId: expect.any(String) });
  expect(requests.length).toBeGreaterThanOrEqual(4);
  const everything = logLines.join('\n');
  expect(everything).not.toContain(child.name);
  expect(everything).not.toContain(encodeURIComponent(child.name));
  expect(everything).not.toContain(child.idNumber);
}, 120_000);

it('the worker serves the Temporal SDK metrics: task slots, schedule-to-start latency, sticky cache', async () => {
  const port = await freePort();
  const worker = deployment.startWorker('worker-with-metrics', { BAOXUE_WORKER_METRICS_ADDRESS: `127.0.0.1:${port}` });
  await waitForOutput(worker, WORKER_READY, 60_000);
  const token = await tokenFor(deployment.apiUrl, 'coordinator');
  // Work for it (the other worker may take some; run a few cases so both do).
  for (let i = 0; i < 4; i++) {
    expect((await withToken(request(deployment.apiUrl).post('/api/cases'), token).send(reportBody({ child: { ...reportBody().child, name: `测试${i}` } }))).status).toBe(201);
  }
  const text = await eventually('the worker metrics show its work', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    const body = await res.text();
    return res.ok && /temporal_workflow_task_schedule_to_start_latency/.test(body) ? body : undefined;
  });
  expect(text).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="WorkflowWorker"/);
  expect(text).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"/);
  expect(text).toMatch(/temporal_sticky_cache_size/);
  expect(text).toMatch(/task_queue="baoxue-cases"/);
}, 120_000);
