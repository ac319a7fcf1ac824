/**
 * Fault: the worker process is killed with SIGKILL while cases wait on their timers.
 *
 * The API runs here, the worker as a separate process (dist/worker-main.js). Cases are reported,
 * the worker is killed before their first timers (reminder at 4 s, deadline at 6 s) come due, the
 * timers come due while no worker runs, and a new worker process is started. Proof that nothing was
 * lost: every timer fired exactly once (one REMINDER_SENT, one DEADLINE_MISSED, one AUTO_ESCALATED
 * per window), and the read model holds exactly the workflow's events, in order.
 */
import request from 'supertest';
import { tokenFor, withToken } from '../support/auth';
import { WORKER_READY, kill9, waitForOutput } from '../support/processes';
import { reportBody, waitForCase } from '../support/running-app';
import { useSplitDeployment } from '../support/split-deployment';
import { expectReadModelMatchesWorkflow, payloadCodecOf, readModelEvents } from '../support/workflow-history';

const CASES = 6;
const deployment = useSplitDeployment();
const { startWorker } = deployment;

it('SIGKILL of the worker while cases wait on timers: after a restart every timer fires exactly once and the read model converges', async () => {
  const first = startWorker('worker-1');
  await waitForOutput(first, WORKER_READY);
  const api = deployment.app.apiUrl!;
  const token = await tokenFor(api, 'coordinator');

  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const res = await withToken(request(api).post('/api/cases'), token).send(reportBody());
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const firstDue = Date.parse((await withToken(request(api).get(`/api/cases/${ids[0]}`), token)).body.actionDueAt);
  const lastDue = Date.parse((await withToken(request(api).get(`/api/cases/${ids[CASES - 1]}`), token)).body.actionDueAt);

  // The fault: no shutdown, no drain. The first reminder is due 2 s before firstDue.
  expect(Date.now()).toBeLessThan(firstDue - 2_000);
  await kill9(first);
  expect(first.child.signalCode).toBe('SIGKILL');

  // Every timer of the first window comes due while no worker runs: nothing can move.
  await new Promise((r) => setTimeout(r, Math.max(0, lastDue - Date.now()) + 1_500));
  for (const id of ids) {
    expect((await readModelEvents(deployment.app.dataSource, id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
  }

  const second = startWorker('worker-2');
  await waitForOutput(second, WORKER_READY);
  let eventsChecked = 0;
  for (const id of ids) {
    // Through the next window too (PERSUASION is 4 s): nothing fires twice later either.
    const c = await waitForCase(api, id, (v) => v.stage === 'TOWN_CRITICISM', 30_000);
    const types = c.timeline.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['CASE_OPENED', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);
    expect(types.filter((t) => t === 'AUTO_ESCALATED')).toHaveLength(2);
    expect(types.filter((t) => t === 'DEADLINE_MISSED')).toHaveLength(1);
    eventsChecked += await expectReadModelMatchesWorkflow(deployment.app.dataSource, deployment.client, id, payloadCodecOf(deployment.app));
  }
  console.log(`fault: worker SIGKILL with ${CASES} cases on timers; events checked ${eventsChecked}; lost 0, duplicated 0`);
}, 90_000);
