/**
 * The app (API and worker, as startApp composes them with testConfig) in a process of its own, for
 * tests that time it: in jest's process, the heap that a whole `--runInBand` suite has grown to
 * (3 GB by the time ledger-load runs) pauses for garbage collection and shows in the app's latency.
 * Started with scripts/run-ts.js (no build needed), it prints its URL and stops on SIGTERM.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaoxueConfig } from '../../src/config';

export interface AppProcess {
  apiUrl: string;
  pid: number;
  /** The process's resident memory now, in MB (Linux /proc). */
  rssMb(): number;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');
const READY = /^baoxue test app at (http:\S+)$/m;

export async function startAppProcess(overrides: Partial<BaoxueConfig>, timeoutMs = 120_000): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts', 'run-ts.js'), join(__dirname, 'app-process-main.ts')], {
    cwd: ROOT,
    env: { ...process.env, BAOXUE_TEST_APP_CONFIG: JSON.stringify(overrides) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const seen = (d: Buffer) => {
      output += String(d);
      const ready = READY.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before it was ready:\n${output}`));
    });
  });
  const pid = child.pid!;
  return {
    apiUrl,
    pid,
    rssMb: () => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
