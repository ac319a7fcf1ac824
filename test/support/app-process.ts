/**
 * The app (API and worker, as startApp composes them with testConfig) in a process of its own, for
 * tests that time it: in jest's process, the heap that a whole `--runInBand` suite has grown to
 * (3 GB by the time ledger-load runs) pauses for garbage collection and shows in the app's latency.
 * Started with scripts/run-ts.js (no build needed), it prints its URL and stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaoxueConfig } from '../../src/config';
import { runNode, waitForOutput } from './processes';

export interface TestAppProcess {
  apiUrl: string;
  /** The process's resident memory now, in MB (Linux /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

const READY = /baoxue test app at (http:\S+)/;

export async function startAppProcess(overrides: Partial<BaoxueConfig>): Promise<TestAppProcess> {
  const root = join(__dirname, '..', '..');
  const p = runNode('test app', [join(root, 'scripts', 'run-ts.js'), join(__dirname, 'app-process-main.ts')], { BAOXUE_TEST_APP_CONFIG: JSON.stringify(overrides) });
  await waitForOutput(p, READY, 120_000);
  const pid = p.child.pid!;
  return {
    apiUrl: READY.exec(p.output.join(''))![1],
    rssMb: () => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024),
    async stop() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}
