/**
 * The references the engine's figures are measured beside: workflows that do nothing, driven the
 * way a case is. Registered only by the bench's own worker on its own task queue, so the product
 * never sees them.
 * - benchNoopWorkflow: started like a case (update-with-start, answered by its first workflow task);
 * - benchIdleWorkflow: runs until cancelled and answers `ping` at once (the reference for an action);
 * - benchTimerWorkflow: sleeps until a given instant and ends (the reference for a deadline).
 */
import { condition, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const BENCH_NOOP_TASK_QUEUE = 'baoxue-bench-noop';

export const startedUpdate = defineUpdate<void>('started');

export async function benchNoopWorkflow(): Promise<void> {
  let answered = false;
  setHandler(startedUpdate, () => {
    answered = true;
  });
  await condition(() => answered);
}

export const pingUpdate = defineUpdate<void>('ping');

export async function benchIdleWorkflow(): Promise<void> {
  setHandler(pingUpdate, () => undefined);
  await condition(() => false);
}

/** Sleeps until `dueAtMs` (epoch ms): its close time minus that is the timer's lag. */
export async function benchTimerWorkflow(dueAtMs: number): Promise<void> {
  await sleep(Math.max(1, dueAtMs - Date.now()));
}
