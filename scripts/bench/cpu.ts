/**
 * Where the CPU went, per process, during each phase: the process-level profile that says which
 * part limits a figure (Temporal server, worker, API, or this harness driving the load).
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used (Linux /proc), or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/** Child processes of `parent` whose command name starts with `name` (the dev server the SDK spawned). */
export function childPids(parent: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm.startsWith(name)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

export type CpuShares = Record<string, number>;

/** Measures CPU seconds per named process between start() and the returned stop(). */
export function cpuMeter(processes: () => Record<string, number | undefined>): { stop(): CpuShares & { wallSeconds: number } } {
  const before = snapshot(processes());
  const t0 = Date.now();
  return {
    stop() {
      const after = snapshot(processes());
      const shares: CpuShares & { wallSeconds: number } = { wallSeconds: Math.round((Date.now() - t0) / 100) / 10 };
      for (const [name, seconds] of Object.entries(after)) {
        if (before[name] !== undefined) shares[name] = Math.round((seconds - before[name]) * 10) / 10;
      }
      return shares;
    },
  };
}

function snapshot(processes: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) {
    if (pid === undefined) continue;
    const s = pid === process.pid ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : cpuSeconds(pid);
    if (Number.isFinite(s)) out[name] = s;
  }
  return out;
}
