/**
 * Load shapes: a fixed number of operations with a fixed concurrency (throughput), and a number of
 * clients that loop for a while (latency under load). Both time each operation with a monotonic clock.
 */
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** Milliseconds of every successful operation. */
  latencies: number[];
  elapsedMs: number;
  failures: number;
  /** The first few failure messages, to say what went wrong. */
  failureSamples: string[];
}

/** Runs `count` operations, `concurrency` at a time; `onDone` after each (progress). */
export async function runCount(count: number, concurrency: number, operation: (i: number) => Promise<void>, onDone?: (done: number) => void): Promise<LoadResult> {
  let next = 0;
  let done = 0;
  const result: LoadResult = { latencies: [], elapsedMs: 0, failures: 0, failureSamples: [] };
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await timed(result, () => operation(i));
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** `clients` loops, each calling `operation(client)` again as soon as it answers, for `durationMs`. */
export async function runFor(clients: number, durationMs: number, operation: (client: number) => Promise<void>, onDone?: (done: number) => void): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], elapsedMs: 0, failures: 0, failureSamples: [] };
  const started = performance.now();
  const until = started + durationMs;
  let done = 0;
  const lane = async (client: number) => {
    while (performance.now() < until) {
      await timed(result, () => operation(client));
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => lane(c)));
  result.elapsedMs = performance.now() - started;
  return result;
}

async function timed(result: LoadResult, operation: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  try {
    await operation();
    result.latencies.push(performance.now() - t0);
  } catch (err) {
    result.failures++;
    if (result.failureSamples.length < 5) result.failureSamples.push((err as Error).message.slice(0, 300));
  }
}
