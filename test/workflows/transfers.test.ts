/**
 * A transfer between towns in the case workflow, on the real time-skipping test server: the case
 * keeps one history, goes on with the receiving town's place and policy from the acceptance, and
 * keeps that policy across continue-as-new. Activities are an in-memory projection.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, WorkerOptions } from '@temporalio/worker';
import { NormalModuleReplacementPlugin } from 'webpack';
import { createTimeSkippingEnvironment } from '../../src/temporal/dev-server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { loadPolicy } from '../../src/policy/load-policy';
import type { Policy } from '../../src/workflows/policy';
import { caseWorkflow } from '../../src/workflows/case-workflow';
import { ActionRequest, CaseAction, CaseActivities, CaseEvent, CaseSnapshot, actUpdate, caseWorkflowId, projectedEvents, snapshotQuery } from '../../src/workflows/messages';

const DAY = 86_400_000;
const guling = loadPolicy();
/** The receiving town's policy: other windows, so the test sees which one the case follows. */
const xinhe: Policy = {
  ...guling,
  version: 'xinhe-test.1',
  stages: { ...guling.stages, PERSUASION: { ...guling.stages.PERSUASION, window: '20d' }, TOWN_CRITICISM: { ...guling.stages.TOWN_CRITICISM, due: '9d' } },
};

const snapshots = new Map<string, CaseSnapshot>();
const events = new Map<string, CaseEvent[]>();
const activities: CaseActivities = {
  async projectCase({ snapshot, events: batch }) {
    const prev = snapshots.get(snapshot.caseId);
    if (!prev || prev.lastSeq < snapshot.lastSeq) snapshots.set(snapshot.caseId, snapshot);
    const list = events.get(snapshot.caseId) ?? [];
    for (const e of batch) if (!list.some((x) => x.id === e.id)) list.push(e);
    events.set(snapshot.caseId, list);
    return projectedEvents(batch);
  },
};

/** The workflow bundle without our search attributes (this server cannot register them). */
const searchAttributesLeftOut = {
  webpackConfigHook: (config: Parameters<NonNullable<NonNullable<WorkerOptions['bundlerOptions']>['webpackConfigHook']>>[0]) => {
    config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(/case-search-attributes$/, require.resolve('./no-search-attributes'))];
    return config;
  },
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  installTemporalRuntime();
  env = await createTimeSkippingEnvironment();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'transfers-test',
    workflowsPath: require.resolve('../../src/workflows'),
    activities,
    bundlerOptions: searchAttributesLeftOut,
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function openCase(continueAsNewAfterEvents?: number) {
  const id = randomUUID();
  const handle = await env.client.workflow.start(caseWorkflow, {
    taskQueue: 'transfers-test',
    workflowId: caseWorkflowId(id),
    args: [
      {
        facts: { caseId: id, town: 'GULING', childId: randomUUID(), cause: 'GUARDIAN_REFUSES', area: 'GAOPING', school: 'GULING_MIDDLE', openedAt: new Date().toISOString(), openedBy: 'test' },
        policy: guling,
        continueAsNewAfterEvents,
      },
    ],
  });
  const act = (action: ActionRequest | CaseAction) => handle.executeUpdate(actUpdate, { args: [{ actor: '测试员（tester）', ...action } as CaseAction] });
  const reaches = async (stage: string) => {
    for (let i = 0; i < 200; i++) {
      if (snapshots.get(id)?.stage === stage) return snapshots.get(id)!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never reached ${stage}: ${(events.get(id) ?? []).map((e) => e.type).join(',')}`);
  };
  await reaches('HOME_VISIT');
  return { id, handle, act, reaches };
}

describe('transfers between towns in the case workflow', () => {
  it('accepted: one history goes on in the receiving town, its clocks restarted under its policy, kept across continue-as-new', async () => {
    const c = await openCase(40);
    await c.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    const asked = await c.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '在新河镇发现' });
    expect(asked.snapshot.transferPending).toMatchObject({ fromTown: 'GULING', toTown: 'XINHE', requestedBy: '测试员（tester）' });
    expect(asked.snapshot.allowedActions).toEqual(expect.arrayContaining(['ACCEPT_TRANSFER', 'DECLINE_TRANSFER']));
    expect(asked.snapshot.allowedActions).not.toContain('REQUEST_TRANSFER');
    // While the receiving town has not answered, the sending town's clocks run.
    await env.sleep(2 * DAY);
    const childId = randomUUID();
    const accepted = await c.act({ type: 'ACCEPT_TRANSFER', area: 'GAOPING', school: 'XINHE_SCHOOL', grade: 8, className: '八年级一班', receiving: { town: 'XINHE', childId, policy: xinhe } });
    const s = accepted.snapshot;
    expect(s).toMatchObject({ town: 'XINHE', childId, area: 'GAOPING', school: 'XINHE_SCHOOL', stage: 'PERSUASION', policyVersion: 'xinhe-test.1' });
    expect(s.transferPending).toBeUndefined();
    expect(Date.parse(s.windowEndsAt!) - Date.parse(s.stageEnteredAt)).toBe(20 * DAY);
    const acceptEvent = accepted.events.find((e) => e.type === 'ACCEPT_TRANSFER')!;
    expect(acceptEvent.data).toMatchObject({ fromTown: 'GULING', toTown: 'XINHE', from: { town: 'GULING', school: 'GULING_MIDDLE' }, policyVersion: 'xinhe-test.1' });
    expect(acceptEvent.data).not.toHaveProperty('receiving');

    // Notes until the history passes the continue-as-new threshold; then the window ends under the receiving town's policy.
    for (let i = 0; i < 12; i++) await c.act({ type: 'ADD_NOTE', note: `接收后随访 ${i}` });
    await env.sleep(20 * DAY + 1000);
    const criticism = await c.reaches('TOWN_CRITICISM');
    expect(criticism.policyVersion).toBe('xinhe-test.1');
    expect(Date.parse(criticism.actionDueAt!) - Date.parse(criticism.stageEnteredAt)).toBe(9 * DAY);
    const described = await c.handle.describe();
    expect(described.runId).not.toBe(c.handle.firstExecutionRunId); // it did continue as new on the way
    const types = (events.get(c.id) ?? []).map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['CASE_OPENED', 'RECORD_HOME_VISIT', 'REQUEST_TRANSFER', 'ACCEPT_TRANSFER']);
  }, 60_000);

  it('declined: the case goes on in the sending town, which may ask again', async () => {
    const c = await openCase();
    await c.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '疑在新河镇' });
    const declined = await c.act({ type: 'DECLINE_TRANSFER', reason: '经核实不在本镇' });
    expect(declined.snapshot).toMatchObject({ town: 'GULING', stage: 'HOME_VISIT', policyVersion: guling.version });
    expect(declined.snapshot.transferPending).toBeUndefined();
    expect(declined.snapshot.allowedActions).toContain('REQUEST_TRANSFER');
    expect(declined.events.map((e) => [e.type, e.reason])).toEqual([['DECLINE_TRANSFER', '经核实不在本镇']]);
  }, 30_000);

  it('refuses a transfer to the own town, and an acceptance by a town that was not asked, before anything is written', async () => {
    const c = await openCase();
    await expect(c.act({ type: 'REQUEST_TRANSFER', toTown: 'GULING', reason: 'x' })).rejects.toThrow(WorkflowUpdateFailedError);
    await c.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' });
    const wrongTown = c.act({ type: 'ACCEPT_TRANSFER', area: 'A', school: 'S', grade: 1, className: '一班', receiving: { town: 'OTHER', childId: randomUUID() } });
    await expect(wrongTown).rejects.toThrow(WorkflowUpdateFailedError);
    const again = c.act({ type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'y' });
    await expect(again).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await c.handle.query(snapshotQuery)).lastSeq).toBe(2);
  }, 30_000);
});
