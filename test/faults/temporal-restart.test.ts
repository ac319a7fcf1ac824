/**
 * Fault: the Temporal dev server dies (SIGKILL) and is started again on the same database file,
 * while the API and the worker keep running and cases wait on their timers.
 *
 * Proof that nothing was lost: every case is still open and running after the restart, the timers
 * that came due while the server was down fire (once each), the worker carries on without being
 * restarted, and the read model holds exactly the workflows' events, in order. While the server is
 * down the read model still answers reads and health says degraded.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { caseWorkflowId } from '../../src/workflows/messages';
import { tokenFor, withToken } from '../support/auth';
import { freePort } from '../support/processes';
import { reportBody, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { expectReadModelMatchesWorkflow, payloadCodecOf, readModelEvents } from '../support/workflow-history';
import { eventually } from '../support/eventually';

const CASES = 4;
const DOWN_MS = 7_000;
const temporalDir = mkdtempSync(join(tmpdir(), 'baoxue-fault-temporal-'));
const dbFile = join(temporalDir, 'temporal.db');
let port: number;
let temporal: RunningDevServer | undefined;
let db: TestDatabase;
let app: RunningBaoxue;
const config = testConfig();

beforeAll(async () => {
  port = await freePort();
  [temporal, db] = await Promise.all([startTemporalDevServer({ dbFile, port }), createTestDatabase({ migrate: false })]);
  config.databaseUrl = db.url;
  config.temporalAddress = temporal.address;
  app = await startBaoxue({ config, roles: { api: true, worker: true } });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await temporal?.stop().catch(() => undefined);
  await db?.drop();
  rmSync(temporalDir, { recursive: true, force: true });
  rmSync(config.dataDir, { recursive: true, force: true });
});

/** The pid of the dev server process using our database file (found in /proc by its command line). */
function devServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((a) => a === dbFile) && cmdline.some((a) => a.endsWith('temporal'))) return Number(entry);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

it('the Temporal server is killed and restarted on the same database file: open cases and their timers survive', async () => {
  const api = app.apiUrl!;
  const token = await tokenFor(api, 'coordinator');
  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const res = await withToken(request(api).post('/api/cases'), token).send(reportBody());
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  for (const id of ids.slice(0, CASES / 2)) {
    expect((await withToken(request(api).post(`/api/cases/${id}/actions`), token).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);
  }

  // The fault: the server process dies without a word.
  const pid = devServerPid();
  expect(pid).toBeDefined();
  const killedAt = Date.now();
  process.kill(pid!, 'SIGKILL');
  await temporal!.stop().catch(() => undefined); // releases the SDK's handle of the dead process
  temporal = undefined;

  // Down: the read model still answers; health says degraded; the timers come due meanwhile.
  expect((await withToken(request(api).get(`/api/cases/${ids[0]}`), token)).status).toBe(200);
  const health = await request(api).get('/api/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'degraded', temporal: { ok: false }, database: { ok: true } });
  await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (Date.now() - killedAt))));
  for (const id of ids) expect((await readModelEvents(app.dataSource, id)).map((e) => e.type)).not.toContain('AUTO_ESCALATED');

  temporal = await startTemporalDevServer({ dbFile, port });
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  try {
    // The same worker, never restarted, picks the work up again; every case reaches the gate and is
    // chased up to the leader: no timer left to fire, a quiet point to compare at.
    for (const id of ids) {
      await eventually(`case ${id} at the gate, chased to the leader`, async () =>
        (await readModelEvents(app.dataSource, id)).some((e) => e.type === 'ESCALATED_TO_LEADER') ? true : undefined,
      );
    }
    expect(app.worker?.getState()).toBe('RUNNING');
    let eventsChecked = 0;
    for (const id of ids) {
      const description = await client.workflow.getHandle(caseWorkflowId(id)).describe();
      expect(description.status.name).toBe('RUNNING');
      eventsChecked += await expectReadModelMatchesWorkflow(app.dataSource, client, id, payloadCodecOf(app));
      const types = (await readModelEvents(app.dataSource, id)).map((e) => e.type);
      for (const once of ['CASE_OPENED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']) {
        expect({ id, once, n: types.filter((t) => t === once).length }).toEqual({ id, once, n: 1 });
      }
    }
    // And the API drives cases again.
    const note = await withToken(request(api).post(`/api/cases/${ids[0]}/actions`), token).send({ type: 'ADD_NOTE', note: '服务器重启后' });
    expect(note.status).toBe(200);
    console.log(`fault: Temporal server SIGKILL, down ${Math.round(DOWN_MS / 1000)} s, restarted on its database file; ${CASES} open cases survived; events checked ${eventsChecked}; lost 0, duplicated 0`);
  } finally {
    await client.connection.close();
  }
}, 120_000);
