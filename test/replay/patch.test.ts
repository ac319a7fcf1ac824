/**
 * The patches of the case workflow and the histories around them (v2 in detail below; v4, v5 and v6
 * each in their own describe). The v2 change (patch `baoxue-paused-search-attribute`: it upserts
 * BaoxuePaused when the pause state changes):
 * - the histories recorded before the change replay on the patched code, and would not without the guard;
 * - the histories recorded with the change replay, and carry the patch marker where a case was paused;
 * - a case opened by the old code and upgraded mid-case takes the new path from then on.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import { ReplayWorkerOptions, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { NormalModuleReplacementPlugin } from 'webpack';
import { loadPolicy } from '../../src/policy/load-policy';
import { baoxueDataConverter } from '../../src/temporal/codec';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { PAUSED_KEY, STAGE_KEY } from '../../src/temporal/search-attributes';
import { caseWorkflow } from '../../src/workflows/case-workflow';
import { CaseAction, CaseEvent, ProjectedEvents, actUpdate, caseWorkflowId, projectedUpdate } from '../../src/workflows/messages';
import { APPROVAL_REMINDERS_PATCH, DUE_TIMERS_TOGETHER_PATCH, EXTENSION_MOVES_WINDOW_PATCH, ONE_TASK_STEP_PATCH, PAUSED_SEARCH_ATTRIBUTE_PATCH, TRANSFERS_PATCH } from '../../src/workflows/patches';
import { historySteps } from '../../src/temporal/history-steps';
import { HistoryFile, historyFiles, readHistory } from './history-files';

const BEFORE = 'v1-before-paused-attribute';
const WITH = 'v2-paused-attribute';
const files = historyFiles();
const before = files.filter((f) => f.set === BEFORE);
const withPatch = files.filter((f) => f.set === WITH);
const V4 = 'v4-due-timers-together';
const v4 = files.filter((f) => f.set === V4);
const V5 = 'v5-one-task-step';
const v5 = files.filter((f) => f.set === V5);
const V6 = 'v6-extension-moves-window';
const v6 = files.filter((f) => f.set === V6);
const V7 = 'v7-approvals';
const v7 = files.filter((f) => f.set === V7);
const V8 = 'v8-transfers';
const v8 = files.filter((f) => f.set === V8);

function options(patchesModule?: string): ReplayWorkerOptions {
  return {
    workflowsPath: require.resolve('../../src/workflows'),
    dataConverter: baoxueDataConverter(),
    ...(patchesModule && {
      bundlerOptions: {
        webpackConfigHook: (config) => {
          config.plugins = [...(config.plugins ?? []), new NormalModuleReplacementPlugin(/^\.\/patches$/, patchesModule)];
          return config;
        },
      },
    }),
  };
}

async function replay(opts: ReplayWorkerOptions, selected: HistoryFile[]): Promise<Array<[string, string]>> {
  const results: Array<[string, string]> = [];
  const histories = selected.map((f) => ({ workflowId: f.name, history: readHistory(f.file) }));
  for await (const r of Worker.runReplayHistories(opts, histories)) results.push([r.workflowId, r.error?.name ?? 'ok']);
  return results.sort();
}

function markers(file: HistoryFile): string[] {
  return (readHistory(file.file).events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => Buffer.from(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0].data!).toString('utf8'));
}

beforeAll(() => installTemporalRuntime('ERROR'));

describe(`patch ${PAUSED_SEARCH_ATTRIBUTE_PATCH}`, () => {
  it('replays every history recorded before the change on the patched code', async () => {
    expect(before.length).toBeGreaterThanOrEqual(11);
    expect(await replay(options(), before)).toEqual(before.map((f) => [f.name, 'ok']).sort());
  }, 60_000);

  it('is needed: without the patched() guard, every pre-change history fails to replay', async () => {
    const results = await replay(options(require.resolve('./incompatible/unguarded-patches')), before);
    expect(results).toEqual(before.map((f) => [f.name, DeterminismViolationError.name]).sort());
  }, 60_000);

  it('replays the histories recorded with the change; those where a case was paused carry the patch marker', async () => {
    expect(withPatch.length).toBeGreaterThanOrEqual(11);
    expect(await replay(options(), withPatch)).toEqual(withPatch.map((f) => [f.name, 'ok']).sort());
    for (const f of withPatch) {
      const paused = f.name.endsWith('pause-resume') || f.name.endsWith('open-paused');
      expect({ name: f.name, patched: markers(f).some((m) => m.includes(PAUSED_SEARCH_ATTRIBUTE_PATCH)) }).toEqual({ name: f.name, patched: paused });
    }
    for (const f of before) expect(markers(f)).toEqual([]);
  }, 60_000);
});

describe(`patch ${DUE_TIMERS_TOGETHER_PATCH} (v4: timers due at the same moment are projected together)`, () => {
  const scheduledActivities = (f: HistoryFile) => (readHistory(f.file).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
  const fullChain = (set: HistoryFile[]) => set.find((f) => f.name.endsWith('/full-chain'))!;

  it('is needed: without the guard, the v2 full chain (due date and supervisor at the same moment) fails to replay', async () => {
    const results = new Map(await replay(options(require.resolve('./incompatible/unguarded-patches')), [fullChain(withPatch)]));
    expect(results.get(fullChain(withPatch).name)).toBe(DeterminismViolationError.name);
  }, 60_000);

  it('replays the histories recorded with it; the full chain carries the marker and schedules fewer projections', async () => {
    expect(v4.length).toBeGreaterThanOrEqual(11);
    expect(await replay(options(), v4)).toEqual(v4.map((f) => [f.name, 'ok']).sort());
    expect(markers(fullChain(v4)).some((m) => m.includes(DUE_TIMERS_TOGETHER_PATCH))).toBe(true);
    expect(scheduledActivities(fullChain(v4))).toBeLessThan(scheduledActivities(fullChain(withPatch)));
  }, 60_000);
});

describe(`patch ${ONE_TASK_STEP_PATCH} (v5: one workflow task per step, the projection a local activity)`, () => {
  const events = (f: HistoryFile) => readHistory(f.file).events ?? [];
  const named = (set: HistoryFile[], path: string) => set.find((f) => f.name.endsWith(`/${path}`))!;

  it('is needed: without the guard, every v4 history (projection as an activity task) fails to replay', async () => {
    expect(v4.length).toBeGreaterThanOrEqual(11);
    const results = await replay(options(require.resolve('./incompatible/unguarded-patches')), v4);
    expect(results).toEqual(v4.map((f) => [f.name, DeterminismViolationError.name]).sort());
  }, 60_000);

  it('replays the histories recorded with it: the marker in each, no activity task, one workflow task per step, fewer events than v4', async () => {
    expect(v5.length).toBeGreaterThanOrEqual(11);
    expect(await replay(options(), v5)).toEqual(v5.map((f) => [f.name, 'ok']).sort());
    for (const f of v5) {
      expect({ name: f.name, patched: markers(f).some((m) => m.includes(ONE_TASK_STEP_PATCH)) }).toEqual({ name: f.name, patched: true });
      expect({ name: f.name, activities: events(f).filter((e) => e.activityTaskScheduledEventAttributes).length }).toEqual({ name: f.name, activities: 0 });
      const steps = historySteps(events(f)).filter((s) => s.kind !== 'other');
      expect({ name: f.name, tasks: steps.filter((s) => s.workflowTasks !== 1).map((s) => `${s.kind}: ${s.types.join(' ')}`) }).toEqual({ name: f.name, tasks: [] });
    }
    for (const path of ['full-chain', 'pause-resume', 'support-gate']) {
      expect({ path, fewer: events(named(v5, path)).length < events(named(v4, path)).length }).toEqual({ path, fewer: true });
    }
  }, 60_000);
});

/** The case events a v5+ history projected (the local activity markers' results), in order. */
function projected(file: HistoryFile): CaseEvent[] {
  return (readHistory(file.file).events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const result = marker?.markerName === 'core_local_activity' ? marker.details?.result?.payloads?.[0] : undefined;
    return result ? defaultPayloadConverter.fromPayload<ProjectedEvents>(result as Payload).events : [];
  });
}

describe(`patch ${EXTENSION_MOVES_WINDOW_PATCH} (v6: an extension of the home visit's due date moves the stage window)`, () => {
  const named = (set: HistoryFile[], path: string) => set.find((f) => f.name.endsWith(`/${path}`))!;
  const beforeV6 = files.filter((f) => f.set < V6);

  it('is needed: without the guard, the v5 histories with an extension at the home visit fail to replay; the others do not notice', async () => {
    const results = await replay(options(require.resolve('./incompatible/unguarded-extension-patch')), beforeV6);
    const failing = results.filter(([, outcome]) => outcome !== 'ok');
    expect(failing).toEqual([
      [`${V5}/extension-at-home-visit`, DeterminismViolationError.name],
      [`${V5}/refused-update`, DeterminismViolationError.name],
    ]);
    expect(await replay(options(), beforeV6)).toEqual(beforeV6.map((f) => [f.name, 'ok']).sort());
  }, 120_000);

  it('replays the histories recorded with it: the extended case escalates at the moved window end, the v5 one escalated at the old end', async () => {
    expect(v6.length).toBeGreaterThanOrEqual(14);
    expect(await replay(options(), v6)).toEqual(v6.map((f) => [f.name, 'ok']).sort());
    const timeline = (f: HistoryFile) => projected(f).map((e) => e.type);
    const extendedAt = (f: HistoryFile) => Date.parse(projected(f).find((e) => e.type === 'EXTEND_DEADLINE')!.data.newDueAt as string);
    const escalatedAt = (f: HistoryFile) => Date.parse(projected(f).find((e) => e.type === 'AUTO_ESCALATED')!.occurredAt);

    const fixed = named(v6, 'extension-at-home-visit');
    expect(markers(fixed).some((m) => m.includes(EXTENSION_MOVES_WINDOW_PATCH))).toBe(true);
    expect(timeline(fixed)).toEqual(['CASE_OPENED', 'EXTEND_DEADLINE', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED', 'CANCEL']);
    expect(escalatedAt(fixed)).toBeGreaterThanOrEqual(extendedAt(fixed));

    const old = named(v5, 'extension-at-home-visit');
    expect(markers(old).some((m) => m.includes(EXTENSION_MOVES_WINDOW_PATCH))).toBe(false);
    expect(timeline(old)).toEqual(['CASE_OPENED', 'EXTEND_DEADLINE', 'AUTO_ESCALATED', 'CANCEL']);
    expect(escalatedAt(old)).toBeLessThan(extendedAt(old));
    // Only a history whose extension met a window carries the marker.
    expect(markers(named(v6, 'cancel')).some((m) => m.includes(EXTENSION_MOVES_WINDOW_PATCH))).toBe(false);
  }, 60_000);
});

describe(`patch ${APPROVAL_REMINDERS_PATCH} (v7: a pending approval reminds its approvers)`, () => {
  const named = (set: HistoryFile[], path: string) => set.find((f) => f.name.endsWith(`/${path}`))!;
  const hasMarker = (f: HistoryFile) => markers(f).some((m) => m.includes(APPROVAL_REMINDERS_PATCH));

  it('replays the histories recorded with it; those with a request for approval carry the marker (its reminder was the next timer)', async () => {
    expect(v7.length).toBeGreaterThanOrEqual(17);
    expect(await replay(options(), v7)).toEqual(v7.map((f) => [f.name, 'ok']).sort());
    const closure = named(v7, 'approval-closure');
    expect(projected(closure).map((e) => e.type)).toEqual([
      'CASE_OPENED', 'RECORD_HOME_VISIT', 'FOLLOW_UP_COMPLETED', 'REQUEST_APPROVAL', 'REMINDER_SENT', 'REJECT_REQUEST', 'REQUEST_APPROVAL', 'APPROVE_REQUEST', 'APPROVE_CLOSURE',
    ]);
    expect(projected(closure).find((e) => e.type === 'REMINDER_SENT')!.data).toMatchObject({ deadline: 'approvalRemindAt', decision: 'CLOSURE' });
    expect(hasMarker(closure)).toBe(true);
    expect(v7.filter(hasMarker).map((f) => f.name)).toEqual([closure.name, named(v7, 'approval-judicial-exemption').name].sort());
    expect(projected(named(v7, 'approval-judicial-exemption')).map((e) => e.type)).toEqual(expect.arrayContaining(['AWAITING_APPROVAL', 'APPROVE_REQUEST', 'AUTO_ESCALATED', 'EXEMPT']));
    for (const f of files.filter((x) => x.set < V7)) expect(hasMarker(f)).toBe(false);
  }, 60_000);

  it('is needed: code without the reminder timer fails to replay the v7 histories with a request (and those of later sets); the other histories do not notice', async () => {
    const results = await replay(options(require.resolve('./incompatible/without-approval-reminders')), files);
    // Every set recorded since v7 (v8-transfers too) holds the two approval paths.
    const since = [...new Set(files.map((f) => f.set).filter((set) => set >= V7))].sort();
    expect(results.filter(([, outcome]) => outcome !== 'ok')).toEqual(
      since.flatMap((set) => [
        [`${set}/approval-closure`, DeterminismViolationError.name],
        [`${set}/approval-judicial-exemption`, DeterminismViolationError.name],
      ]),
    );
  }, 120_000);
});

describe('a case opened by the old code and upgraded while it is open', () => {
  let server: RunningDevServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTemporalDevServer();
    client = new Client({ connection: server.env.connection, namespace: server.namespace, dataConverter: baoxueDataConverter() });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  async function runWorker<T>(taskQueue: string, patchesModule: string | undefined, work: () => Promise<T>): Promise<T> {
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      activities: { projectCase: async () => undefined },
      maxCachedWorkflows: 0, // every task replays the whole history first
      ...options(patchesModule),
    });
    return worker.runUntil(work());
  }

  it('gets BaoxuePaused at its next projection after the upgrade and keeps replaying', async () => {
    const taskQueue = `upgrade-${randomUUID()}`;
    const caseId = randomUUID();
    const handle = client.workflow.getHandle<typeof caseWorkflow>(caseWorkflowId(caseId));
    const act = (action: Omit<CaseAction, 'actor'>) => handle.executeUpdate(actUpdate, { args: [{ actor: '吴家俊', ...action } as CaseAction] });
    const policy = loadPolicy();

    // The old worker: opens the case (without BaoxuePaused, as v1 did) and pauses it.
    await runWorker(taskQueue, require.resolve('./incompatible/pre-patch-patches'), async () => {
      await client.workflow.start(caseWorkflow, {
        taskQueue,
        workflowId: caseWorkflowId(caseId),
        args: [{ facts: { caseId, childId: randomUUID(), cause: 'POVERTY', area: 'GAOPING', school: 'GULING_PRIMARY', openedAt: new Date().toISOString(), openedBy: 'test' }, policy }],
        typedSearchAttributes: [{ key: STAGE_KEY, value: 'HOME_VISIT' }],
      });
      await handle.executeUpdate(projectedUpdate);
      await act({ type: 'PAUSE', reason: '住院治疗' } as Omit<CaseAction, 'actor'>);
    });
    expect((await handle.describe()).typedSearchAttributes.get(PAUSED_KEY)).toBeUndefined();

    // The new worker takes over the open case: replay says "no marker here", live code takes the patch.
    await runWorker(taskQueue, undefined, async () => {
      await act({ type: 'ADD_NOTE', note: '升级后第一次操作' } as Omit<CaseAction, 'actor'>);
      expect((await handle.describe()).typedSearchAttributes.get(PAUSED_KEY)).toBe(true);
      await act({ type: 'RESUME' } as Omit<CaseAction, 'actor'>);
      expect((await handle.describe()).typedSearchAttributes.get(PAUSED_KEY)).toBe(false);
      await act({ type: 'CANCEL', reason: '测试结束' } as Omit<CaseAction, 'actor'>);
      await handle.result();
    });

    // Its history (old commands, then the marker and the new ones) replays on the current code.
    const history = await handle.fetchHistory();
    let error: Error | undefined;
    for await (const r of Worker.runReplayHistories(options(), [{ workflowId: caseWorkflowId(caseId), history }])) error = r.error;
    expect(error).toBeUndefined();
    expect(history.events?.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);
    // And since v5: the steps after the upgrade project as a local activity, those before as activities.
    const names = (history.events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName ?? (e.activityTaskScheduledEventAttributes ? 'activity' : ''));
    expect(names.indexOf('activity')).toBeGreaterThanOrEqual(0);
    expect(names.lastIndexOf('activity')).toBeLessThan(names.indexOf('core_local_activity'));
  }, 90_000);
});

describe(`patch ${TRANSFERS_PATCH} (v8: a case transferred to another town goes on there under its policy)`, () => {
  const named = (path: string) => v8.find((f) => f.name.endsWith(`/${path}`))!;
  const withTransfer = ['open-transfer-pending', 'transfer-accepted', 'transfer-declined'];

  it('replays the histories recorded with it; those with a transfer carry the marker, the others none', async () => {
    expect(v8.length).toBeGreaterThanOrEqual(18);
    expect(await replay(options(), v8)).toEqual(v8.map((f) => [f.name, 'ok']).sort());
    for (const f of v8) expect([f.name, markers(f).some((m) => m.includes(TRANSFERS_PATCH))]).toEqual([f.name, withTransfer.some((p) => f.name.endsWith(`/${p}`))]);
    const accepted = projected(named('transfer-accepted'));
    expect(accepted.map((e) => e.type)).toEqual(['CASE_OPENED', 'RECORD_HOME_VISIT', 'REQUEST_TRANSFER', 'ACCEPT_TRANSFER', 'REMINDER_SENT', 'AUTO_ESCALATED', 'CANCEL']);
    expect(accepted.find((e) => e.type === 'ACCEPT_TRANSFER')!.data).toMatchObject({ fromTown: 'GULING', toTown: 'XINHE' });
  }, 60_000);

  it('is needed: with the pre-v8 answer, the v8 histories with a transfer fail to replay; the others, and every older set, do not notice', async () => {
    const results = await replay(options(require.resolve('./incompatible/pre-transfers-patches')), files);
    const failing = results.filter(([, outcome]) => outcome !== 'ok');
    expect(failing).toEqual(withTransfer.map((p) => [`${V8}/${p}`, DeterminismViolationError.name]));
  }, 180_000);
});
