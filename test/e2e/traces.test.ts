/**
 * OpenTelemetry traces (src/tracing) against a small OTLP/HTTP receiver in this test: with
 * OTEL_EXPORTER_OTLP_ENDPOINT set, one trace links the HTTP request, the Temporal update-with-start,
 * the workflow and the projection's local activity (StartActivity in the workflow, RunActivity on
 * the worker); an action's request, its update and the workflow's update handler share one trace;
 * nothing that was sent names the child. And the committed histories replay with the tracing
 * interceptors, so turning traces on keeps every running case.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Worker } from '@temporalio/worker';
import { baoxueDataConverter } from '../../src/temporal/codec';
import { WORKFLOW_TRACING_INTERCEPTORS } from '../../src/tracing';
import { RunningBaoxue } from '../../src/bootstrap';
import { tokenFor, withToken } from '../support/auth';
import { reportBody, startApp, testConfig } from '../support/running-app';
import { historyFiles, readHistory } from '../replay/history-files';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
}

/** An OTLP/HTTP receiver: POST /v1/traces with JSON (what @opentelemetry/exporter-trace-otlp-http sends). */
function otlpReceiver(): { server: Server; spans: ReceivedSpan[]; bodies: string[]; contentTypes: string[]; url: () => string } {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      contentTypes.push(String(req.headers['content-type']));
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as {
          resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of parsed.resourceSpans) {
          const service = String(rs.resource.attributes?.find((a) => a.key === 'service.name')?.value.stringValue);
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, spans, bodies, contentTypes, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const receiver = otlpReceiver();
let app: RunningBaoxue | undefined;
const logLines: string[] = [];
let writeSpy: jest.SpyInstance;

beforeAll(async () => {
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
  const original = process.stdout.write.bind(process.stdout);
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logLines.push(...String(chunk).split('\n').filter(Boolean));
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
});
afterAll(async () => {
  writeSpy?.mockRestore();
  await app?.stop();
  await new Promise((r) => receiver.server.close(r));
});

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
}

it('one trace links the HTTP request, the update-with-start, the workflow and the projection; an action traces its update; nothing names the child', async () => {
  app = await startApp(testConfig({ otlpEndpoint: receiver.url(), logFormat: 'json' }));
  const api = app.apiUrl!;
  const token = await tokenFor(api, 'coordinator');
  const body = reportBody();
  const child = body.child as { name: string; idNumber: string; guardians: Array<{ name: string; phone: string }> };
  const opened = await withToken(request(api).post('/api/cases'), token).send(body);
  expect(opened.status).toBe(201);
  const acted = await withToken(request(api).post(`/api/cases/${opened.body.id}/actions`), token).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: `${child.name}的家长外出务工` });
  expect(acted.status).toBe(200);
  // A query that names the child: the span is named by its route, never its query string.
  // It also continues the trace a proxy sent in `traceparent`.
  const upstream = '4bf92f3577b34da6a3ce929d0e0e4736';
  await withToken(request(api).get(`/api/cases?area=${encodeURIComponent(child.name)}`), token).set('traceparent', `00-${upstream}-00f067aa0ba902b7-01`);
  // Stopping sends what the batch still holds (the tracer stops last).
  await app.stop();
  app = undefined;

  expect(new Set(receiver.contentTypes)).toEqual(new Set(['application/json']));
  const byName = (name: string) => receiver.spans.filter((s) => s.name === name);

  // Opening a case: one trace from the HTTP span to the projection's RunActivity.
  const [http] = byName('POST /api/cases');
  expect(http).toBeDefined();
  expect(attribute(http, 'http.route')).toBe('/api/cases');
  expect(Number(attribute(http, 'http.response.status_code'))).toBe(201);
  const trace = receiver.spans.filter((s) => s.traceId === http.traceId);
  const names = trace.map((s) => s.name);
  // RunWorkflow:caseWorkflow ends only when the case does, so it is not among the spans sent yet.
  expect(names).toEqual(expect.arrayContaining(['POST /api/cases', 'UpdateWithStartWorkflow:projected', 'HandleUpdate:projected', 'StartActivity:projectCase', 'RunActivity:projectCase']));
  const span = (name: string) => trace.find((s) => s.name === name)!;
  // Parent links, not only a shared trace id: HTTP → update-with-start → the workflow's handler; activity start → its run.
  expect(span('UpdateWithStartWorkflow:projected').parentSpanId).toBe(http.spanId);
  expect(span('HandleUpdate:projected').parentSpanId).toBe(span('UpdateWithStartWorkflow:projected').spanId);
  const starts = new Set(trace.filter((s) => s.name === 'StartActivity:projectCase').map((s) => s.spanId));
  const runs = trace.filter((s) => s.name === 'RunActivity:projectCase');
  expect(runs.length).toBeGreaterThanOrEqual(1);
  for (const run of runs) expect(starts).toContain(run.parentSpanId);
  expect(attribute(span('UpdateWithStartWorkflow:projected'), 'temporalWorkflowId')).toBe(`case-${opened.body.id}`);
  expect(attribute(runs[0], 'temporalWorkflowId')).toBe(`case-${opened.body.id}`);
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['baoxue']));

  // An action: its HTTP span, the client's update and the workflow's update handler.
  const [actHttp] = byName('POST /api/cases/:id/actions');
  expect(actHttp).toBeDefined();
  const actTrace = receiver.spans.filter((s) => s.traceId === actHttp.traceId).map((s) => s.name);
  expect(actTrace).toEqual(expect.arrayContaining(['POST /api/cases/:id/actions', 'StartWorkflowUpdate:act', 'HandleUpdate:act']));
  expect(byName('GET /api/cases')).toEqual([expect.objectContaining({ traceId: upstream, parentSpanId: '00f067aa0ba902b7' })]);
  // The request's log line names its trace.
  const logged = logLines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as { route: string; traceId?: string });
  expect(logged.find((l) => l.route === '/api/cases/:id/actions')?.traceId).toBe(actHttp.traceId);

  // Nothing that left the process names the child, a guardian, or a path with its query.
  const everything = receiver.bodies.join('\n');
  for (const secret of [child.name, encodeURIComponent(child.name), child.idNumber, child.guardians[0].name, child.guardians[0].phone, '外出务工']) {
    expect(everything).not.toContain(secret);
  }
  expect(everything).not.toContain('area=');
}, 120_000);

it('the committed histories replay with the tracing workflow interceptors (turning traces on keeps running cases)', async () => {
  const files = historyFiles();
  expect(files.length).toBeGreaterThan(5);
  const failures: string[] = [];
  const histories = files.map((f) => ({ workflowId: f.name, history: readHistory(f.file) }));
  const results = Worker.runReplayHistories(
    {
      workflowsPath: require.resolve('../../src/workflows'),
      dataConverter: baoxueDataConverter(),
      interceptors: { workflowModules: [WORKFLOW_TRACING_INTERCEPTORS] },
      sinks: { exporter: { export: { fn: () => undefined } } },
    },
    histories,
  );
  let replayed = 0;
  for await (const result of results) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect(replayed).toBe(files.length);
  expect(failures).toEqual([]);
}, 180_000);
