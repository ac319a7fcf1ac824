/**
 * Children's data kept secret in Temporal: every payload of a case's history is encrypted
 * (AES-256-GCM, src/temporal/codec), so Temporal's database, UI and CLI hold no note, reason or
 * cause in clear, while the API works as before. The codec endpoint (/api/temporal-codec) decodes
 * them for Temporal's UI, to people who are logged in.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, payloadFromJSON, payloadToJSON } from '../../src/temporal/codec';
import { caseWorkflowId } from '../../src/workflows/messages';
import { DEMO_PASSWORD, tokenFor, withToken } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig } from '../support/running-app';

const NOTE = '父母离异，孩子随祖母生活，祖母不识字'; // the report's note
const VISIT_NOTE = '家访：孩子在镇上网吧打工';
const KEY = randomBytes(32).toString('base64');

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let raw: Client; // no codec: sees what Temporal stores
let caseId: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  const config = testConfig({ databaseUrl: db.url, payloadKeys: { currentKeyId: 'test-k1', keys: new Map([['test-k1', Buffer.from(KEY, 'base64')]]) } });
  app = await startApp(config);
  api = app.apiUrl!;
  raw = new Client({ connection: await Connection.connect({ address: app.temporalAddress }) });

  const reported = await withToken(request(api).post('/api/cases'), await tokenFor(api, 'principal')).send(reportBody({ cause: 'GUARDIAN_REFUSES', note: NOTE }));
  expect(reported.status).toBe(201);
  caseId = reported.body.id;
  const visit = await withToken(request(api).post(`/api/cases/${caseId}/actions`), await tokenFor(api, 'secretary')).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: VISIT_NOTE });
  expect(visit.status).toBe(200);
  // A refusal: its message names the stage; it must not reach Temporal in clear either.
  const refused = await withToken(request(api).post(`/api/cases/${caseId}/actions`), await tokenFor(api, 'coordinator')).send({ type: 'APPROVE_CLOSURE' });
  expect(refused.status).toBe(409);
}, 120_000);

afterAll(async () => {
  await raw?.connection.close();
  await app?.stop();
  await db?.drop();
});

/** The raw history as the workflow service answers it, every page. */
async function rawHistoryEvents(): Promise<unknown[]> {
  const events: unknown[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: caseWorkflowId(caseId) },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Every string and every byte field of a value, bytes read as UTF-8: what anyone with the database sees. */
function allText(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allText(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => allText(v, out));
  return out;
}

/**
 * Every payload in the history (inputs, activity arguments and results, local activities' results,
 * update arguments and results, failures), except markers' core bookkeeping and search attributes: Temporal indexes those, so they stay in clear and
 * hold codes and dates only (the text check above covers them).
 */
function allPayloads(value: unknown, out: Payload[] = []): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if ('indexedFields' in value) return out;
  if (Array.isArray(value)) {
    value.forEach((v) => allPayloads(v, out));
    return out;
  }
  const o = value as Record<string, unknown>;
  if ('markerName' in o && o.details && typeof o.details === 'object') {
    // A marker's bookkeeping is written by the SDK's core, never through the codec: a local
    // activity's `data` (its seq, attempt, type and times) and a patch's `patch-data` (its id).
    // Its `result` is the local activity's answer and goes through the codec like any other.
    const { data: _coreMeta, 'patch-data': _patch, ...rest } = o.details as Record<string, unknown>;
    allPayloads(rest, out);
    return out;
  }
  if (o.metadata && typeof o.metadata === 'object' && (o.data instanceof Uint8Array || o.metadata instanceof Object) && 'encoding' in (o.metadata as object)) {
    out.push(o as Payload);
    return out;
  }
  Object.values(o).forEach((v) => allPayloads(v, out));
  return out;
}

describe('payloads in Temporal', () => {
  it('hold no child data in clear: the history of a started case has no note, reason or cause, only encrypted payloads', async () => {
    const events = await rawHistoryEvents();
    expect(events.length).toBeGreaterThan(10);
    const text = allText(events).join('\n');
    for (const secret of [NOTE, VISIT_NOTE, 'GUARDIAN_REFUSES', '家长', '李小花']) expect(text).not.toContain(secret);

    const payloads = allPayloads(events);
    expect(payloads.length).toBeGreaterThan(5);
    for (const p of payloads) {
      expect(Buffer.from(p.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(p.metadata![KEY_ID_METADATA]!).toString()).toBe('test-k1');
    }
  });

  it('are read by the app as before: the API shows the note and the timeline', async () => {
    const view = await withToken(request(api).get(`/api/cases/${caseId}`), await tokenFor(api, 'coordinator'));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ stage: 'PERSUASION', note: NOTE });
    expect(view.body.timeline.map((e: { reason: string }) => e.reason)).toContain(VISIT_NOTE);
  });
});

describe('the codec endpoint for Temporal’s UI', () => {
  async function historyPayloadsAsJson() {
    return allPayloads(await rawHistoryEvents()).map(payloadToJSON);
  }

  it('decodes a history’s payloads for a logged-in person, in the codec server protocol', async () => {
    const payloads = await historyPayloadsAsJson();
    const res = await withToken(request(api).post('/api/temporal-codec/decode'), await tokenFor(api, 'coordinator'))
      .set('X-Namespace', 'default')
      .send({ payloads });
    expect(res.status).toBe(200);
    expect(res.body.payloads).toHaveLength(payloads.length);
    const decoded = res.body.payloads.map((p: { metadata: Record<string, string>; data?: string }) => payloadFromJSON(p));
    expect(Buffer.from(decoded[0].metadata.encoding).toString()).toBe('json/plain');
    const values = JSON.stringify(decoded.map((p: Payload) => defaultPayloadConverter.fromPayload(p)));
    expect(values).toContain(NOTE);
    expect(values).toContain(VISIT_NOTE);
  });

  it('encodes what it is given, so the UI can send input; the namespace may be in the path (temporal --codec-endpoint .../{namespace})', async () => {
    const token = await tokenFor(api, 'coordinator');
    const plain = payloadToJSON(defaultPayloadConverter.toPayload({ note: NOTE }));
    const encoded = await withToken(request(api).post('/api/temporal-codec/default/encode'), token).send({ payloads: [plain] });
    expect(encoded.status).toBe(200);
    expect(JSON.stringify(encoded.body)).not.toContain(Buffer.from(NOTE).toString('base64').slice(0, 12));
    const decoded = await withToken(request(api).post('/api/temporal-codec/default/decode'), token).send(encoded.body);
    expect(decoded.status).toBe(200);
    expect(decoded.body).toEqual({ payloads: [plain] });
  });

  it('refuses another namespace, a malformed body and a tampered payload with the one error shape', async () => {
    const token = await tokenFor(api, 'coordinator');
    const [payload] = await historyPayloadsAsJson();
    const other = await withToken(request(api).post('/api/temporal-codec/decode'), token).set('X-Namespace', 'elsewhere').send({ payloads: [payload] });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 'REQUEST.INVALID', messageEn: expect.stringContaining('namespace default') });

    const malformed = await withToken(request(api).post('/api/temporal-codec/decode'), token).send({ payloads: [{ data: 'not base64!' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', details: { fields: [expect.objectContaining({ field: 'payloads.0.data' })] } });
    expect((await withToken(request(api).post('/api/temporal-codec/decode'), token).send({ payloads: 'x' })).status).toBe(400);
    // proto3 JSON leaves an empty list out: `{}` is "no payloads", as `temporal workflow show` sends it.
    const empty = await withToken(request(api).post('/api/temporal-codec/decode'), token).send({});
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ payloads: [] });

    const data = Buffer.from(payload.data!, 'base64');
    data[20] ^= 1;
    const tampered = await withToken(request(api).post('/api/temporal-codec/decode'), token).send({ payloads: [{ ...payload, data: data.toString('base64') }] });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ code: 'REQUEST.INVALID', messageEn: expect.stringContaining('altered') });
    expect(JSON.stringify(tampered.body)).not.toContain(KEY);
  });

  it('is not open to anonymous callers', async () => {
    const res = await request(api).post('/api/temporal-codec/decode').send({ payloads: [] });
    expect(res.status).toBe(401);
  });

  it.each(['teacher', 'secretary', 'justice', 'town'])('refuses %s: only the leader and the coordinator may decode children’s data', async (username) => {
    const res = await withToken(request(api).post('/api/temporal-codec/decode'), await tokenFor(api, username)).send({ payloads: [] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH.FORBIDDEN');
  });

  it('accepts the log-in cookie that Temporal’s UI sends, on the codec endpoint only', async () => {
    const login = await request(api).post('/api/auth/login').send({ username: 'coordinator', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('baoxue_codec_token='))!;
    expect(cookie).toMatch(/Path=\/api\/temporal-codec/);
    expect(cookie).toMatch(/HttpOnly/);
    const pair = cookie.split(';')[0];
    expect((await request(api).post('/api/temporal-codec/decode').set('Cookie', pair).send({ payloads: [] })).status).toBe(200);
    expect((await request(api).get('/api/cases').set('Cookie', pair)).status).toBe(401);
  });

  it('lets the leader decode', async () => {
    const res = await withToken(request(api).post('/api/temporal-codec/decode'), await tokenFor(api, 'leader')).send({ payloads: [] });
    expect(res.status).toBe(200);
  });

  it('answers the browser’s CORS preflight for the Temporal UI’s origin, and only for it', async () => {
    const preflight = await request(api)
      .options('/api/temporal-codec/decode')
      .set('Origin', 'http://localhost:8233')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:8233',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': expect.stringContaining('POST'),
    });
    expect(preflight.headers['access-control-allow-headers'].toLowerCase()).toEqual(expect.stringContaining('x-namespace'));

    const stranger = await request(api).options('/api/temporal-codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();

    const post = await withToken(request(api).post('/api/temporal-codec/decode'), await tokenFor(api, 'coordinator'))
      .set('Origin', 'http://127.0.0.1:8233')
      .send({ payloads: [] });
    expect(post.status).toBe(200);
    expect(post.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
  });
});
