/**
 * Fault: PostgreSQL freezes (SIGSTOP: the server keeps its sockets open and answers nothing, as an
 * overloaded or hung machine does) while the API serves, then wakes (SIGCONT).
 *
 * Without bounded waits every request hung for as long as the freeze lasted. With them
 * (statement timeout, connection-acquire timeout, a deadline on every Temporal call):
 * - reads, actions and new cases answer 503 in the documented error shape within the timeouts;
 * - health says the database is down and the engine is not;
 * - after SIGCONT: every case and action acknowledged before the freeze is there, an action
 *   refused during it is either absent or there exactly once (never half-written), the read model
 *   holds exactly the workflow's events, and new requests work.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import { RunningPostgres, startEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { CLIENT_READ_MARGIN_MS } from '../../src/read-model/data-source';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { tokenFor, withToken } from '../support/auth';
import { eventually } from '../support/eventually';
import { freePort } from '../support/processes';
import { reportBody, testConfig } from '../support/running-app';
import { expectReadModelMatchesWorkflow, payloadCodecOf, readModelEvents } from '../support/workflow-history';

const STATEMENT_MS = 2_000;
const CONNECT_MS = 2_000;
const TEMPORAL_MS = 3_000;
/** The longest any request may take while the database is frozen: the slowest bound, plus slack. */
const ANSWER_WITHIN_MS = Math.max(STATEMENT_MS + CLIENT_READ_MARGIN_MS, CONNECT_MS, TEMPORAL_MS) + 2_000;

const pgDir = mkdtempSync(join(tmpdir(), 'baoxue-frozen-pg-'));
let postgres: RunningPostgres;
let temporal: RunningDevServer;
let app: RunningBaoxue;
let client: Client;
let frozen = false;
const config = testConfig({ timeouts: { dbStatementMs: STATEMENT_MS, dbConnectMs: CONNECT_MS, temporalCallMs: TEMPORAL_MS } });

/**
 * The postmaster and every backend (each backend is a session of its own, so not one process
 * group): the postmaster first, so it forks no new backend meanwhile, and it wakes last.
 */
function signalPostgres(signal: 'SIGSTOP' | 'SIGCONT') {
  const postmaster = Number(readFileSync(join(pgDir, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const backends = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces, so split after ")".
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === postmaster;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
  expect(backends.length).toBeGreaterThan(0);
  const order = signal === 'SIGSTOP' ? [postmaster, ...backends] : [...backends, postmaster];
  for (const pid of order) process.kill(pid, signal);
  frozen = signal === 'SIGSTOP';
}

beforeAll(async () => {
  [postgres, temporal] = await Promise.all([startEmbeddedPostgres({ dataDir: join(pgDir, 'cluster'), port: await freePort() }), startTemporalDevServer()]);
  config.databaseUrl = postgres.url;
  config.temporalAddress = temporal.address;
  app = await startBaoxue({ config, roles: { api: true, worker: true } });
  client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
}, 90_000);

afterAll(async () => {
  if (frozen) signalPostgres('SIGCONT');
  await client?.connection.close();
  await app?.stop();
  await temporal?.stop();
  await postgres?.stop();
  rmSync(pgDir, { recursive: true, force: true });
  rmSync(config.dataDir, { recursive: true, force: true });
});

it('a frozen PostgreSQL (SIGSTOP): 503 in the error shape within the timeouts, health names it; after SIGCONT nothing is lost', async () => {
  const api = app.apiUrl!;
  const token = await tokenFor(api, 'coordinator');
  const timed = async (what: string, send: () => request.Test) => {
    const started = Date.now();
    const res = await send().timeout(ANSWER_WITHIN_MS + 10_000);
    return { what, status: res.status, code: res.body.code, ms: Date.now() - started, body: res.body };
  };

  const opened = await withToken(request(api).post('/api/cases'), token).send(reportBody());
  expect(opened.status).toBe(201);
  const caseId = opened.body.id as string;
  const noted = await withToken(request(api).post(`/api/cases/${caseId}/actions`), token).send({ type: 'ADD_NOTE', note: '冻结前的备注' });
  expect(noted.status).toBe(200);

  signalPostgres('SIGSTOP');
  const answers = [
    await timed('read a case', () => withToken(request(api).get(`/api/cases/${caseId}`), token)),
    await timed('list cases', () => withToken(request(api).get('/api/cases'), token)),
    await timed('act on a case', () => withToken(request(api).post(`/api/cases/${caseId}/actions`), token).send({ type: 'ADD_NOTE', note: '冻结时的备注' })),
    await timed('report a case', () => withToken(request(api).post('/api/cases'), token).send(reportBody({ child: { ...reportBody().child, name: '王小明' } }))),
  ];
  const health = await timed('health', () => request(api).get('/api/health'));
  signalPostgres('SIGCONT');

  for (const answer of answers) {
    expect({ what: answer.what, status: answer.status, within: answer.ms < ANSWER_WITHIN_MS }).toEqual({ what: answer.what, status: 503, within: true });
    expect(['DATABASE.UNAVAILABLE', 'AUDIT.UNAVAILABLE', 'ENGINE.UNAVAILABLE']).toContain(answer.code);
    expect(answer.body).toEqual(expect.objectContaining({ statusCode: 503, message: expect.stringMatching(/[\u4e00-\u9fff]/), messageEn: expect.any(String), path: expect.any(String), timestamp: expect.any(String) }));
  }
  expect(health.status).toBe(503);
  expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
  expect(health.body).toMatchObject({ status: 'degraded', down: ['database'], database: { ok: false }, temporal: { ok: true } });

  // Awake: the API answers again, what was acknowledged is there, the refused note at most once.
  await eventually('the API reads again', async () => ((await withToken(request(api).get(`/api/cases/${caseId}`), token)).status === 200 ? true : undefined));
  const after = await withToken(request(api).post(`/api/cases/${caseId}/actions`), token).send({ type: 'ADD_NOTE', note: '恢复后的备注' });
  expect(after.status).toBe(200);
  // The case's timers go on firing (the seconds policy): compare once the projection has caught up.
  await eventually('the read model holds the workflow\'s events', () => expectReadModelMatchesWorkflow(app.dataSource, client, caseId, payloadCodecOf(app)));
  await expectReadModelMatchesWorkflow(app.dataSource, client, caseId, payloadCodecOf(app));
  const notes = (await readModelEvents(app.dataSource, caseId)).filter((e) => e.type === 'ADD_NOTE');
  expect(notes.length).toBeGreaterThanOrEqual(2);
  expect(notes.length).toBeLessThanOrEqual(3);
  expect((await request(api).get('/api/health')).status).toBe(200);
  console.log(`fault: PostgreSQL frozen; answers ${answers.map((a) => `${a.what} ${a.status} ${a.code} in ${a.ms} ms`).join('; ')}; health ${health.status} in ${health.ms} ms`);
}, 120_000);
