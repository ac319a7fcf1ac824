/**
 * Separate processes of the built app (dist/, made by `npm run build`, which `npm test` runs
 * first), for tests that kill them: spawn, wait for a line of output, SIGKILL, collect.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const DIST = join(__dirname, '..', '..', 'dist');

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed, stdout and stderr together. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node dist/<script>` with the given environment on top of ours. */
export function runDist(name: string, script: string, env: Record<string, string>): AppProcess {
  return runNode(name, [join(DIST, script)], env);
}

/** Starts `node <args>` with the given environment on top of ours, collecting what it prints. */
export function runNode(name: string, args: string[], env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, output, exited };
}

/** Resolves once the process printed a line matching `pattern`; fails if it exits first or the time runs out. */
export async function waitForOutput(p: AppProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.output.join(''))) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) before printing ${pattern}:\n${p.output.join('')}`);
    }
    if (Date.now() > deadline) throw new Error(`${p.name} did not print ${pattern} within ${timeoutMs} ms:\n${p.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The worker entry point is ready when it says it polls the task queue. */
export const WORKER_READY = /worker polling task queue/;

/** SIGKILL: no shutdown, no drain, like a machine losing power. */
export async function kill9(p: AppProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

/** Stops whatever is still running (afterAll). */
export async function killAll(processes: AppProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => kill9(p)));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
