/**
 * The reference for case-open throughput: a workflow that does nothing, started the way a case is
 * (update-with-start, answered by its first workflow task). Registered only by the bench's own
 * worker on its own task queue, so the product never sees it.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const BENCH_NOOP_TASK_QUEUE = 'baoxue-bench-noop';

export const startedUpdate = defineUpdate<void>('started');

export async function benchNoopWorkflow(): Promise<void> {
  let answered = false;
  setHandler(startedUpdate, () => {
    answered = true;
  });
  await condition(() => answered);
}
