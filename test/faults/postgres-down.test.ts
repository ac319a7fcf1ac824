/**
 * Fault: PostgreSQL stops while actions and escalations run, and comes back.
 *
 * The test owns an embedded PostgreSQL (so it can stop and start it on the same data folder and
 * port) and runs API and worker in-process on it. Cases are opened, actions are in flight and
 * timers come due (reminders, missed deadlines, escalations) while the database is down.
 * Proof that nothing was lost:
 * - while it is down, reads that need it answer 503 DATABASE.UNAVAILABLE at once (no 500, no hang),
 *   and so do new actions; health says degraded;
 * - the projections fail and are retried (their attempt count in the history is > 1: an activity's
 *   start, or since v5 a local activity's marker);
 * - once it is back, every case reaches the same quiet point (at the legal gate, chased up to the
 *   leader), and the read model holds exactly the workflow's events: each once, in order.
 * And a server that takes connections but never answers: the pool gives up within its connect
 * timeout (503), instead of waiting forever as it did without one.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import { toApiError } from '../../src/api/api-exception.filter';
import { RunningPostgres, startEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { DEFAULT_CONNECT_TIMEOUT_MS, createDataSource, dataSourceOptions } from '../../src/read-model/data-source';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { caseWorkflowId } from '../../src/workflows/messages';
import { tokenFor, withToken } from '../support/auth';
import { freePort } from '../support/processes';
import { reportBody, testConfig } from '../support/running-app';
import { expectReadModelMatchesWorkflow, payloadCodecOf, readModelEvents, retriedProjections } from '../support/workflow-history';
import { eventually } from '../support/eventually';

const CASES = 4;
const OUTAGE_MS = 8_000;
const pgDir = mkdtempSync(join(tmpdir(), 'baoxue-fault-pg-'));
let pgPort: number;
let postgres: RunningPostgres | undefined;
let temporal: RunningDevServer;
let app: RunningBaoxue;
let client: Client;
const config = testConfig();

beforeAll(async () => {
  pgPort = await freePort();
  [postgres, temporal] = await Promise.all([startEmbeddedPostgres({ dataDir: join(pgDir, 'cluster'), port: pgPort }), startTemporalDevServer()]);
  config.databaseUrl = postgres.url;
  config.temporalAddress = temporal.address;
  app = await startBaoxue({ config, roles: { api: true, worker: true } });
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
}, 90_000);

afterAll(async () => {
  await client?.connection.close();
  await app?.stop();
  await temporal?.stop();
  await postgres?.stop();
  rmSync(pgDir, { recursive: true, force: true });
  rmSync(config.dataDir, { recursive: true, force: true });
});

it('PostgreSQL stops while actions and escalations run: 503 while down, activities retry, every event in the read model exactly once after', async () => {
  const api = app.apiUrl!;
  const token = await tokenFor(api, 'coordinator');
  const get = (path: string) => withToken(request(api).get(path), token);
  const act = (id: string, body: object) => withToken(request(api).post(`/api/cases/${id}/actions`), token).send(body);

  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const res = await withToken(request(api).post('/api/cases'), token).send(reportBody());
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  // Half the cases move on now: their next window (4 s) ends during the outage.
  for (const id of ids.slice(0, CASES / 2)) expect((await act(id, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);

  // Actions in flight when the database goes: they may finish before, wait for it, or be refused.
  const inFlight = ids.map((id, i) => act(id, { type: 'ADD_NOTE', note: `停电前的备注 ${i}` }).then((r) => r.status, () => -1));
  await new Promise((r) => setTimeout(r, 30));
  const stoppedAt = Date.now();
  await postgres!.stop();
  postgres = undefined;

  // Down: reads that need the database answer 503 at once, in the one error shape; so do new actions.
  const read = await get(`/api/cases/${ids[0]}`);
  expect(Date.now() - stoppedAt).toBeLessThan(7_000);
  expect(read.status).toBe(503);
  expect(read.body).toMatchObject({ statusCode: 503, code: 'DATABASE.UNAVAILABLE' });
  expect(read.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  const list = await get('/api/cases');
  expect({ status: list.status, code: list.body.code }).toEqual({ status: 503, code: 'DATABASE.UNAVAILABLE' });
  const refused = await act(ids[1], { type: 'ADD_NOTE', note: '停电时的备注' });
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'DATABASE.UNAVAILABLE' });
  const health = await request(api).get('/api/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'degraded', database: { ok: false } });

  // Timers keep firing in the workflows meanwhile; their projections fail and are retried.
  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
  postgres = await startEmbeddedPostgres({ dataDir: join(pgDir, 'cluster'), port: pgPort });

  // Back: the API answers again, the actions that waited finish, and every case reaches the gate,
  // chased up to the leader (no timer left to fire): a quiet point to compare at.
  await eventually('the API reads again', async () => ((await get(`/api/cases/${ids[0]}`)).status === 200 ? true : undefined));
  const inFlightStatuses = await Promise.all(inFlight);
  for (const status of inFlightStatuses) expect([200, 503]).toContain(status);
  for (const id of ids) {
    await eventually(`case ${id} at the gate, chased to the leader`, async () => {
      const types = (await readModelEvents(app.dataSource, id)).map((e) => e.type);
      return types.includes('ESCALATED_TO_LEADER') ? true : undefined;
    });
  }

  let eventsChecked = 0;
  let retried = 0;
  for (const id of ids) {
    eventsChecked += await expectReadModelMatchesWorkflow(app.dataSource, client, id, payloadCodecOf(app));
    const history = await client.workflow.getHandle(caseWorkflowId(id)).fetchHistory();
    retried += retriedProjections(history.events ?? []);
    const types = (await readModelEvents(app.dataSource, id)).map((e) => e.type);
    for (const once of ['CASE_OPENED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']) expect(types.filter((t) => t === once)).toHaveLength(1);
  }
  expect(retried).toBeGreaterThan(0);
  console.log(
    `fault: PostgreSQL down ${Math.round(OUTAGE_MS / 1000)} s under ${CASES} cases; actions in flight answered ${inFlightStatuses.join(', ')}; ` +
      `projections retried ${retried}; events checked ${eventsChecked}; lost 0, duplicated 0`,
  );
}, 120_000);

it('a PostgreSQL that takes connections but never answers (overloaded, or behind a dead link): 503 within the connect timeout, no hang', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket)); // accepts, reads nothing, answers nothing
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  try {
    const started = Date.now();
    const error = await createDataSource({ url: `postgres://baoxue:x@127.0.0.1:${port}/baoxue`, connectTimeoutMs: 1_000, quiet: true })
      .initialize()
      .then(() => undefined, (err: unknown) => err);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(toApiError(error)).toMatchObject({ status: 503, code: 'DATABASE.UNAVAILABLE' });
    expect(dataSourceOptions('postgres://x@h/db')).toMatchObject({ connectTimeoutMS: DEFAULT_CONNECT_TIMEOUT_MS });
  } finally {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
  }
});
