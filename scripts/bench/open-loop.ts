/**
 * Open-loop load: operations started at a fixed offered rate, whatever the answers do. In a closed
 * loop (N clients, each waiting for its answer) the latency sets the throughput and the other way
 * round (Little's law); here the rate is given, so the latency is the engine's alone. Each
 * operation is timed from the moment it was due to start, so a stalled sender cannot hide a stall
 * (no coordinated omission).
 */
import { performance } from 'node:perf_hooks';
import type { LoadResult } from './load';

export async function runAtRate(perSecond: number, durationMs: number, operation: (i: number) => Promise<void>): Promise<LoadResult & { offered: number }> {
  const result: LoadResult & { offered: number } = { latencies: [], elapsedMs: 0, failures: 0, failureSamples: [], offered: 0 };
  const started = performance.now();
  const count = Math.floor((perSecond * durationMs) / 1000);
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const dueAt = started + (i * 1000) / perSecond;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    result.offered++;
    inFlight.push(
      operation(i).then(
        () => void result.latencies.push(performance.now() - dueAt),
        (err: Error) => {
          result.failures++;
          if (result.failureSamples.length < 5) result.failureSamples.push(err.message.slice(0, 300));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  result.elapsedMs = performance.now() - started;
  return result;
}
