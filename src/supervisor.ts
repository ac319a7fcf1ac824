/**
 * `npm start` runs API and worker in a child process under this small supervisor (issue 16): when
 * the child dies (out of memory, SIGKILL, a fatal error) the exit is logged and the child is
 * started again after a backoff (1 s, doubling to 30 s; back to 1 s once a child ran a minute), so
 * timers and the API come back without anyone restarting them by hand. The child runs in its own
 * process group: whatever it started and left behind (the embedded Temporal dev server) is ended
 * with it, so the next child finds its ports free. SIGINT and SIGTERM are passed to the child,
 * which stops cleanly; then the supervisor exits with it. Exit code 2 (a setting to change) is not
 * retried. BAOXUE_SUPERVISE=false runs the app in this process, as before.
 */
import { ChildProcess, spawn } from 'node:child_process';

export const SUPERVISED_CHILD_ENV = 'BAOXUE_SUPERVISED_CHILD';

export interface SupervisorOptions {
  /** The script the child runs (this entry point again, with SUPERVISED_CHILD_ENV set). */
  script: string;
  args?: string[];
  log?: (line: string) => void;
  /** First and longest wait before a restart (default 1 s and 30 s). */
  backoffMs?: { first: number; max: number };
  /** A child that ran this long resets the backoff (default 60 s). */
  healthyAfterMs?: number;
}

/** Exit codes that say "fix the settings", not "try again" (src/entry-point.ts). */
const DO_NOT_RETRY = new Set([2]);

export function supervise(options: SupervisorOptions): void {
  const log = options.log ?? ((line: string) => console.error(`[baoxue supervisor] ${line}`));
  const backoff = options.backoffMs ?? { first: 1_000, max: 30_000 };
  const healthyAfter = options.healthyAfterMs ?? 60_000;
  let wait = backoff.first;
  let child: ChildProcess | undefined;
  let stopping: NodeJS.Signals | undefined;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, [...process.execArgv, options.script, ...(options.args ?? [])], {
      env: { ...process.env, [SUPERVISED_CHILD_ENV]: '1' },
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'], // the channel tells the child when the supervisor is gone
      detached: true, // its own process group, ended as a whole below
    });
    log(`子进程已启动 / child started (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      const pid = child!.pid!;
      child = undefined;
      endGroup(pid);
      if (stopping) {
        process.exit(code ?? (signal === stopping ? 0 : 1));
      }
      const ranMs = Date.now() - startedAt;
      log(`子进程退出 / child exited (pid ${pid}, ${signal ? `signal ${signal}` : `code ${code}`}, after ${Math.round(ranMs / 1000)} s)`);
      if (code !== null && DO_NOT_RETRY.has(code)) {
        log('设置有误，不再重启 / a setting is wrong: not restarted');
        process.exit(code);
      }
      if (ranMs >= healthyAfter) wait = backoff.first;
      log(`${wait / 1000} 秒后重启 / restarting in ${wait / 1000} s`);
      restartTimer = setTimeout(start, wait);
      wait = Math.min(backoff.max, wait * 2);
    });
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    clearTimeout(restartTimer);
    if (!child) process.exit(0);
    child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  start();
}

/** Ends what is left of a dead child's process group (its own processes; the group dies with it). */
function endGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}
