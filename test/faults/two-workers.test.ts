/**
 * Scale-out and fault: what docker-compose.yml runs, as processes on this machine: one API
 * (dist/api-main.js) and two workers (dist/worker-main.js) against one Temporal server and one
 * PostgreSQL. The workers share the task queue; one of them is killed (SIGKILL) mid-run, while the
 * cases' timers are firing.
 *
 * Proof that the work is shared and nothing was lost: both workers ran workflow tasks or
 * activities before the kill (their identities, pid@host, are in the workflows' histories), the
 * survivor alone carries every case on to the legal gate and, asked by the API, closes them all;
 * the read model holds exactly the workflows' events, in order.
 */
import request from 'supertest';
import { caseWorkflowId } from '../../src/workflows/messages';
import { tokenFor, withToken } from '../support/auth';
import { WORKER_READY, kill9, waitForOutput } from '../support/processes';
import { reportBody } from '../support/running-app';
import { useSplitDeployment } from '../support/split-deployment';
import { expectReadModelMatchesWorkflow, readModelEvents } from '../support/workflow-history';
import { eventually } from '../support/eventually';

/** The survivor picks up the killed worker's cases once Temporal times its tasks out: allow a minute. */
const AFTER_A_KILL_MS = 60_000;

const CASES = 8;
const deployment = useSplitDeployment({ apiProcess: true });
const { startWorker } = deployment;

/** Which workers (identity pid@host) ran workflow and activity tasks of a case, and how many of each. */
async function identities(caseId: string, tally?: Map<string, { workflowTasks: number; activities: number }>): Promise<Set<string>> {
  const history = await deployment.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const found = new Set<string>();
  for (const e of history.events ?? []) {
    const workflowTask = e.workflowTaskStartedEventAttributes?.identity;
    const activity = e.activityTaskStartedEventAttributes?.identity;
    const identity = workflowTask ?? activity;
    if (!identity) continue;
    found.add(identity);
    const count = tally?.get(identity) ?? { workflowTasks: 0, activities: 0 };
    if (workflowTask) count.workflowTasks++;
    else count.activities++;
    tally?.set(identity, count);
  }
  return found;
}

it('two workers share the task queue, one is killed mid-run: the other finishes every case', async () => {
  const [a, b] = [startWorker('worker-a'), startWorker('worker-b')];
  await Promise.all([waitForOutput(a, WORKER_READY), waitForOutput(b, WORKER_READY)]);
  const api = deployment.apiUrl;
  const token = await tokenFor(api, 'coordinator');

  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const res = await withToken(request(api).post('/api/cases'), token).send(reportBody());
    expect(res.status).toBe(201);
    ids.push(res.body.id);
    // Half move on at once, so their timers fire at other moments than the rest.
    if (i % 2 === 0) {
      expect((await withToken(request(api).post(`/api/cases/${res.body.id}/actions`), token).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);
    }
  }

  // Mid-run: reminders and escalations are firing (reminders from 2 s, windows end from 4 s).
  await eventually('timers firing', async () => {
    const fired = await Promise.all(ids.map(async (id) => (await readModelEvents(deployment.dataSource, id)).some((e) => !['CASE_OPENED', 'RECORD_HOME_VISIT'].includes(e.type))));
    return fired.filter(Boolean).length >= 2 ? true : undefined;
  }, AFTER_A_KILL_MS);
  const before = new Set<string>();
  const shares = new Map<string, { workflowTasks: number; activities: number }>();
  for (const id of ids) for (const identity of await identities(id, shares)) before.add(identity);
  await kill9(a);
  const killedIdentity = `${a.child.pid}@`;
  const survivorIdentity = `${b.child.pid}@`;

  // The survivor carries every case to the gate, chased up to the leader...
  for (const id of ids) {
    await eventually(`case ${id} at the gate, chased to the leader`, async () =>
      (await readModelEvents(deployment.dataSource, id)).some((e) => e.type === 'ESCALATED_TO_LEADER') ? true : undefined,
      AFTER_A_KILL_MS,
    );
  }
  // ...and closes each one when asked.
  for (const id of ids) {
    const res = await withToken(request(api).post(`/api/cases/${id}/actions`), token).send({ type: 'CANCEL', reason: '测试结束' });
    expect(res.status).toBe(200);
    expect(res.body.case).toMatchObject({ stage: 'CANCELLED', open: false });
  }

  let eventsChecked = 0;
  const after = new Set<string>();
  for (const id of ids) {
    await eventually(`workflow of ${id} completed`, async () =>
      (await deployment.client.workflow.getHandle(caseWorkflowId(id)).describe()).status.name === 'COMPLETED' ? true : undefined,
      AFTER_A_KILL_MS,
    );
    eventsChecked += await expectReadModelMatchesWorkflow(deployment.dataSource, deployment.client, id, deployment.payloadCodec);
    for (const identity of await identities(id)) after.add(identity);
  }
  // Both workers had work before the kill; afterwards the survivor did the rest.
  expect([...before].some((i) => i.startsWith(killedIdentity))).toBe(true);
  expect([...before].some((i) => i.startsWith(survivorIdentity))).toBe(true);
  expect([...after].every((i) => i.startsWith(killedIdentity) || i.startsWith(survivorIdentity))).toBe(true);
  expect(b.child.exitCode).toBeNull();
  expect(deployment.apiProcess!.child.exitCode).toBeNull();
  console.log(`work shared before the kill (pid@host: workflow tasks, activities): ${[...shares].map(([who, n]) => `${who} ${n.workflowTasks}, ${n.activities}`).join('; ')}`);
  console.log(`fault: 1 of 2 workers SIGKILLed mid-run under ${CASES} cases; the other finished and closed all; events checked ${eventsChecked}; lost 0, duplicated 0`);
}, 150_000);
