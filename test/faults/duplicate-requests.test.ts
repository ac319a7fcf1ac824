/**
 * Fault: a bad connection makes clients send the same thing twice, on the real app (Temporal dev
 * server, PostgreSQL):
 * - the same POST repeated with one Idempotency-Key, one after the other and all at once
 *   (a report and an action): one case, one event;
 * - two reports of the same child at the same moment (different keys, or none): one case.
 * Proof: the rows in cases, the workflows in Temporal and the events in the read model and in the
 * workflow's history, counted.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { caseWorkflowId } from '../../src/workflows/messages';
import { tokenFor, withToken } from '../support/auth';
import { reportBody, startApp, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { expectReadModelMatchesWorkflow, payloadCodecOf, readModelEvents, workflowEvents } from '../support/workflow-history';

let db: TestDatabase;
let app: RunningBaoxue;
let client: Client;
let token: string | undefined;
// Days, not seconds: no timer writes an event while the test counts them.
const config = testConfig({ policyPath: loadConfig({}).policyPath });

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  config.databaseUrl = db.url;
  app = await startApp(config);
  client = new Client({ connection: await Connection.connect({ address: app.temporalAddress }) });
  token = await tokenFor(app.apiUrl!, 'coordinator');
}, 60_000);

afterAll(async () => {
  await client?.connection.close();
  await app?.stop();
  await db?.drop();
  rmSync(config.dataDir, { recursive: true, force: true });
});

const report = (body: object, key?: string) => {
  const req = withToken(request(app.apiUrl!).post('/api/cases'), token);
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
};

async function casesOfChild(idNumber: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db.dataSource.query(
    `SELECT c.id FROM cases c JOIN children ch ON ch.id = c.child_id WHERE ch.id_number = $1 ORDER BY c.opened_at`,
    [idNumber],
  );
  return rows.map((r) => r.id);
}

/** Workflow ids of every case workflow Temporal knows (running or not). */
async function workflowIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'caseWorkflow'` })) ids.add(wf.workflowId);
  return ids;
}

let eventsChecked = 0;

afterAll(() => {
  console.log(`fault: duplicated requests (one key repeated, same child reported at once); events checked ${eventsChecked}; duplicates created 0`);
});

it('the same report repeated with one Idempotency-Key, in sequence and all at once: one case, one workflow, one opening', async () => {
  const body = reportBody();
  const key = randomUUID();
  const first = await report(body, key);
  expect(first.status).toBe(201);
  for (let i = 0; i < 3; i++) {
    const again = await report(body, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  }

  // All at once, with a fresh key and a fresh child: exactly one of them runs.
  const body2 = reportBody();
  const key2 = randomUUID();
  const answers = await Promise.all(Array.from({ length: 8 }, () => report(body2, key2)));
  const ran = answers.filter((r) => r.status === 201 && r.headers['idempotency-replayed'] === undefined);
  expect(ran).toHaveLength(1);
  for (const r of answers) {
    if (r.status === 201) expect(r.body.id).toBe(ran[0].body.id);
    else expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY.IN_PROGRESS' });
  }

  for (const [b, id] of [
    [body, first.body.id],
    [body2, ran[0].body.id],
  ] as const) {
    expect(await casesOfChild(b.child.idNumber)).toEqual([id]);
    const types = (await readModelEvents(app.dataSource, id)).map((e) => e.type);
    expect(types.filter((t) => t === 'CASE_OPENED')).toHaveLength(1);
    eventsChecked += await expectReadModelMatchesWorkflow(app.dataSource, client, id, payloadCodecOf(app));
  }
});

it('the same action repeated with one Idempotency-Key, all at once: recorded once, in the read model and in the workflow', async () => {
  const created = await report(reportBody());
  const id = created.body.id as string;
  const key = randomUUID();
  const act = () =>
    withToken(request(app.apiUrl!).post(`/api/cases/${id}/actions`), token).set('Idempotency-Key', key).send({ type: 'ADD_NOTE', note: '村里信号不好，重发了几次' });
  const answers = await Promise.all(Array.from({ length: 6 }, act));
  expect(answers.filter((r) => r.status === 200 && r.headers['idempotency-replayed'] === undefined)).toHaveLength(1);
  for (const r of answers) expect([200, 409]).toContain(r.status);
  const late = await act();
  expect(late.status).toBe(200);
  expect(late.headers['idempotency-replayed']).toBe('true');

  const notes = (await workflowEvents(client, id, payloadCodecOf(app))).filter((e) => e.type === 'ADD_NOTE');
  expect(notes).toHaveLength(1);
  eventsChecked += await expectReadModelMatchesWorkflow(app.dataSource, client, id, payloadCodecOf(app));
});

it('two reports of the same child at the same moment, with different keys or none: one case, one workflow', async () => {
  const workflowsBefore = await workflowIds();
  const casesBefore: number = (await db.dataSource.query(`SELECT count(*)::int AS n FROM cases`))[0].n;
  const opened: string[] = [];
  for (const keys of [[randomUUID(), randomUUID()], [undefined, undefined], [randomUUID(), undefined, randomUUID(), undefined]]) {
    const body = reportBody();
    const answers = await Promise.all(keys.map((k) => report(body, k)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(keys.length - 1).fill(409)]);
    for (const r of answers.filter((a) => a.status === 409)) expect(r.body.code).toBe('CASE.ALREADY_OPEN');
    const winner = answers.find((r) => r.status === 201)!.body.id as string;
    expect(await casesOfChild(body.child.idNumber)).toEqual([winner]);
    opened.push(winner);
    eventsChecked += await expectReadModelMatchesWorkflow(app.dataSource, client, winner, payloadCodecOf(app));
  }
  // Exactly one new row and one new workflow per child: the refused reports started nothing.
  const casesAfter: number = (await db.dataSource.query(`SELECT count(*)::int AS n FROM cases`))[0].n;
  expect(casesAfter - casesBefore).toBe(opened.length);
  let added: string[] = [];
  for (let i = 0; i < 40; i++) {
    added = [...(await workflowIds())].filter((w) => !workflowsBefore.has(w));
    if (added.length >= opened.length) break;
    await new Promise((r) => setTimeout(r, 250)); // visibility catches up
  }
  expect(added.sort()).toEqual(opened.map((id) => caseWorkflowId(id)).sort());
});
