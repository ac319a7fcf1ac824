/**
 * Fault: a report's answer is lost. The API starts the case's workflow, but no worker runs, so the
 * opening update is not answered within the engine's deadline and the client gets 503. The
 * workflow is running all the same, and once a worker comes its projection writes the case. The
 * client's retry with the same Idempotency-Key must answer that case (201), not 409
 * CASE.ALREADY_OPEN, and never open a second one. Real Temporal dev server, PostgreSQL, worker process.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_TIMEOUTS } from '../../src/config';
import { caseWorkflowId } from '../../src/workflows/messages';
import { tokenFor, withToken } from '../support/auth';
import { WORKER_READY, waitForOutput } from '../support/processes';
import { reportBody } from '../support/running-app';
import { useSplitDeployment } from '../support/split-deployment';

// The engine's deadline short, so the lost answer costs the test seconds.
const deployment = useSplitDeployment({ config: { timeouts: { ...DEFAULT_TIMEOUTS, temporalCallMs: 2_000 } } });

async function casesOfChild(idNumber: string): Promise<Array<{ id: string; last_seq: number }>> {
  return deployment.dataSource.query(`SELECT c.id, c.last_seq FROM cases c JOIN children ch ON ch.id = c.child_id WHERE ch.id_number = $1`, [idNumber]);
}

it('a retry with the same Idempotency-Key answers the case its lost first attempt opened; without the key the same child gets 409', async () => {
  const api = deployment.apiUrl;
  const token = await tokenFor(api, 'coordinator');
  const body = reportBody();
  const idNumber = (body.child as { idNumber: string }).idNumber;
  const key = randomUUID();
  const report = (k?: string) => {
    const req = withToken(request(api).post('/api/cases'), token);
    return (k ? req.set('Idempotency-Key', k) : req).send(body);
  };

  const lost = await report(key);
  expect(lost.status).toBe(503);
  expect(lost.body.code).toBe('ENGINE.UNAVAILABLE');
  expect(lost.body.message).toContain('Idempotency-Key');

  // The workflow was started: a worker takes it up and its projection writes the case row.
  const worker = deployment.startWorker('worker-1');
  await waitForOutput(worker, WORKER_READY);
  const deadline = Date.now() + 30_000;
  let rows = await casesOfChild(idNumber);
  while (!(rows.length === 1 && rows[0].last_seq > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await casesOfChild(idNumber);
  }
  expect(rows).toHaveLength(1);
  expect(rows[0].last_seq).toBeGreaterThan(0);
  const opened = rows[0].id;
  expect((await deployment.client.workflow.getHandle(caseWorkflowId(opened)).describe()).status.name).toBe('RUNNING');

  const retry = await report(key);
  expect(retry.status).toBe(201);
  expect(retry.body.id).toBe(opened);
  expect(retry.headers.location).toBe(`/api/cases/${opened}`);
  expect(retry.body.timeline.map((e: { type: string }) => e.type)).toContain('CASE_OPENED');

  // Another request (no key, or another key) is another report: the child's case is open.
  const other = await report();
  expect(other.status).toBe(409);
  expect(other.body.code).toBe('CASE.ALREADY_OPEN');
  expect(other.body.details.openCaseId).toBe(opened);
  expect(await casesOfChild(idNumber)).toHaveLength(1);
});
