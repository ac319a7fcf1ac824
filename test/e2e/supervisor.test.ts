/**
 * `npm start`'s supervisor (src/supervisor.ts), on the built app (dist/main.js): the child that
 * runs API and worker is killed with SIGKILL, the supervisor logs the exit and starts a new child,
 * and the API answers again; SIGTERM to the supervisor stops the child cleanly and both exit.
 * Before, `npm start` was that one process: killed, it stayed dead until someone restarted it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { AppProcess, freePort, kill9, runDist, waitForOutput } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let temporal: RunningDevServer;
let db: TestDatabase;
let supervisor: AppProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'baoxue-supervised-'));

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  temporal = await startTemporalDevServer({});
}, 120_000);

afterAll(async () => {
  if (supervisor) await kill9(supervisor);
  await temporal?.stop();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const childPids = (p: AppProcess) => [...p.output.join('').matchAll(/child started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function healthy(url: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await request(url).get('/api/health').timeout(2_000).catch(() => undefined);
    if (res?.status === 200) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`/api/health did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('restarts the child after SIGKILL (logging the exit), and the API answers again; SIGTERM stops both', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  supervisor = runDist('npm start', 'main.js', { DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), BAOXUE_DATA_DIR: dataDir, BAOXUE_SEED_DEMO: 'false' });
  await waitForOutput(supervisor, /就绪 \/ ready in/, 90_000);
  await healthy(url, 10_000);
  const [first] = childPids(supervisor);
  expect(first).toBeGreaterThan(0);
  expect(first).not.toBe(supervisor.child.pid);

  process.kill(first, 'SIGKILL');
  await waitForOutput(supervisor, /child exited \(pid \d+, signal SIGKILL/, 10_000);
  expect(supervisor.output.join('')).toMatch(/restarting in 1 s/);
  const back = await healthy(url, 90_000);
  console.log(`after SIGKILL of the child, /api/health answered again in ${(back / 1000).toFixed(1)} s`);
  const pids = childPids(supervisor);
  expect(pids).toHaveLength(2);
  expect(alive(first)).toBe(false);

  supervisor.child.kill('SIGTERM');
  expect(await supervisor.exited).toEqual({ code: 0, signal: null });
  expect(alive(pids[1])).toBe(false);
  supervisor = undefined;
}, 240_000);
