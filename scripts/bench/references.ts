/**
 * The no-op references of one bench run, on the same Temporal server as the cases: a worker in the
 * bench's own process for the no-op workflows (scripts/bench/noop-workflow.ts), a client over
 * grpc-js (as the API's) and a client on the worker's own NativeConnection (which eager workflow
 * start needs: the server hands the first workflow task back in the start's answer, to a worker in
 * the caller's process, as when the API and the worker share one, `npm start`).
 */
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { BENCH_NOOP_TASK_QUEUE, benchIdleWorkflow, benchNoopWorkflow, benchTimerWorkflow, pingUpdate, startedUpdate } from './noop-workflow';
import { summarize, LatencySummary } from './stats';

export interface References {
  /** Over grpc-js, as the API reaches Temporal. */
  client: Client;
  /** On the reference worker's NativeConnection: eager start works only there. */
  native: Client;
  /** Update-with-start of a no-op workflow: the reference for opening a case. */
  updateWithStart(i: number, via?: 'grpc' | 'native'): Promise<void>;
  /** Eager start of a no-op workflow, then its update: the two-round-trip alternative. Answers whether the server started it eagerly. */
  eagerStartThenUpdate(i: number): Promise<boolean>;
  /** Starts `count` idle workflows for the action reference; answers their ids. */
  startIdle(count: number): Promise<string[]>;
  /** The no-op update on a running no-op workflow: the reference for an action. */
  ping(workflowId: string): Promise<void>;
  /** Starts a no-op workflow sleeping until `dueAtMs`: the reference for a deadline. */
  startTimer(i: number, dueAtMs: number): Promise<void>;
  /** Lag (close time − due) of the timers started so far, once all have closed or at `giveUpAt`. */
  timerLags(giveUpAt: number): Promise<{ closed: number; started: number; lagMs: LatencySummary }>;
  history(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]>;
  /** Some workflow ids of each kind, for the events-per-step table. */
  samples: { open: string[]; action: string[]; timer: string[] };
  stop(): Promise<void>;
}

export async function startReferences(address: string): Promise<References> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: quietLogger() });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: BENCH_NOOP_TASK_QUEUE, workflowBundle: { code }, maxCachedWorkflows: 20_000 });
  const running = worker.run();
  const grpc = await Connection.connect({ address });
  const client = new Client({ connection: grpc });
  const native = new Client({ connection });
  const runId = Date.now().toString(36);
  const timers: Array<{ id: string; dueAtMs: number }> = [];
  const samples = { open: [] as string[], action: [] as string[], timer: [] as string[] };
  const keep = (list: string[], id: string) => void (list.length < 20 && list.push(id));

  return {
    client,
    native,
    samples,
    async updateWithStart(i, via = 'grpc') {
      const workflowId = `bench-noop-${via}-${runId}-${i}`;
      await (via === 'grpc' ? client : native).workflow.executeUpdateWithStart(startedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(benchNoopWorkflow, { workflowId, taskQueue: BENCH_NOOP_TASK_QUEUE, workflowIdConflictPolicy: 'FAIL' }),
      });
      if (i >= 0) keep(samples.open, workflowId);
    },
    async eagerStartThenUpdate(i) {
      const handle = await native.workflow.start(benchNoopWorkflow, { workflowId: `bench-noop-eager-${runId}-${i}`, taskQueue: BENCH_NOOP_TASK_QUEUE, requestEagerStart: true });
      await handle.executeUpdate(startedUpdate);
      return (handle as { eagerlyStarted?: boolean }).eagerlyStarted === true;
    },
    async startIdle(count) {
      const ids = Array.from({ length: count }, (_, i) => `bench-idle-${runId}-${i}`);
      await Promise.all(ids.map((workflowId) => client.workflow.start(benchIdleWorkflow, { workflowId, taskQueue: BENCH_NOOP_TASK_QUEUE })));
      for (const id of ids) keep(samples.action, id);
      return ids;
    },
    async ping(workflowId) {
      await client.workflow.getHandle(workflowId).executeUpdate(pingUpdate);
    },
    async startTimer(i, dueAtMs) {
      const workflowId = `bench-timer-${runId}-${i}`;
      await client.workflow.start(benchTimerWorkflow, { workflowId, taskQueue: BENCH_NOOP_TASK_QUEUE, args: [dueAtMs] });
      timers.push({ id: workflowId, dueAtMs });
      keep(samples.timer, workflowId);
    },
    async timerLags(giveUpAt) {
      const dueOf = new Map(timers.map((t) => [t.id, t.dueAtMs]));
      const lags = new Map<string, number>();
      const query = `WorkflowType = 'benchTimerWorkflow' AND ExecutionStatus = 'Completed'`;
      for (;;) {
        for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
          const due = dueOf.get(wf.workflowId);
          if (due !== undefined && wf.closeTime) lags.set(wf.workflowId, wf.closeTime.getTime() - due);
        }
        if (lags.size >= timers.length || Date.now() > giveUpAt) break;
        await new Promise((r) => setTimeout(r, 2_000));
      }
      return { closed: lags.size, started: timers.length, lagMs: summarize([...lags.values()]) };
    },
    async history(workflowId) {
      return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    },
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await grpc.close();
      await connection.close();
    },
  };
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
