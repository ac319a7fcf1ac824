/**
 * Backup and restore as docs/operations.md tells an operator (the embedded default): the product
 * runs on a data folder (embedded PostgreSQL, Temporal dev server) with cases whose timers are
 * still running; it is stopped, `npm run backup` (dist/backup-main.js) copies the folder, the
 * folder is wiped, `npm run restore` puts it back, and the product started on it again finds
 * every case, and each case's timer fires after the restore (the home visit's window ends and the
 * case moves to PERSUASION on its own).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { forgetTokens, tokenFor, withToken } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { DIST } from '../support/processes';
import { reportBody, SECONDS_POLICY, startApp, testConfig, waitForCase } from '../support/running-app';

/** The seconds policy with a home-visit window long enough to outlive the stop, backup, wipe and restore. */
const WINDOW_S = 45;
const work = mkdtempSync(join(tmpdir(), 'baoxue-backup-'));
const policyPath = join(work, 'policy.json');
const policy = JSON.parse(readFileSync(SECONDS_POLICY, 'utf8'));
policy.version = 'test-backup.1';
policy.stages.HOME_VISIT = { ...policy.stages.HOME_VISIT, due: `${WINDOW_S}s`, window: `${WINDOW_S}s` };
writeFileSync(policyPath, JSON.stringify(policy));
const dataDir = join(work, 'data');
const backupDir = join(work, 'backup');
const config = testConfig({ dataDir, policyPath });
let app: RunningBaoxue | undefined;

afterAll(async () => {
  await app?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** `npm run backup` / `npm run restore` as an operator runs them: the built command, with the embedded default's settings only. */
function command(...args: string[]): { status: number | null; out: string } {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BAOXUE_DATA_DIR: dataDir };
  const run = spawnSync(process.execPath, [join(DIST, 'backup-main.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

it('backs up a stopped data folder, restores it after a wipe, and every case is there with its timers running', async () => {
  app = await startApp(config);
  let token = await tokenFor(app.apiUrl!, 'coordinator');
  const ids: string[] = [];
  for (const birth of ['2012-03-15', '2012-05-01', '2012-06-01']) {
    const body = reportBody();
    const child = { ...(body.child as object), idNumber: validIdNumber(birth, 'F'), birthDate: birth };
    const res = await withToken(request(app.apiUrl!).post('/api/cases'), token).send({ ...body, child });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  // While it runs, a backup is refused: the databases are copied stopped.
  const refused = command('backup', '--out', backupDir);
  expect(refused.status).toBe(2);
  expect(refused.out).toMatch(/stop it first/);

  // Every window's timer is still running when the product stops.
  for (const id of ids) {
    const running = await waitForCase(app.apiUrl!, id, () => true);
    expect(running.stage).toBe('HOME_VISIT');
    expect(Date.parse(running.windowEndsAt!)).toBeGreaterThan(Date.now() + 10_000);
  }
  await app.stop();
  app = undefined;
  const backedUp = command('backup', '--out', backupDir);
  expect(backedUp).toMatchObject({ status: 0 });
  expect(backedUp.out).toMatch(/backed up/);
  expect(existsSync(join(backupDir, 'temporal', 'temporal.db'))).toBe(true);
  expect(existsSync(join(backupDir, 'postgres', 'postmaster.pid'))).toBe(false);
  expect(statSync(join(backupDir, 'payload-keys')).mode & 0o077).toBe(0);

  rmSync(dataDir, { recursive: true, force: true });
  const restored = command('restore', backupDir);
  expect(restored).toMatchObject({ status: 0 });
  // Restoring over data is refused without --force.
  expect(command('restore', backupDir).status).toBe(2);

  forgetTokens();
  const restartedAt = Date.now();
  app = await startApp(config);
  token = await tokenFor(app.apiUrl!, 'coordinator');
  const list = await withToken(request(app.apiUrl!).get('/api/cases?pageSize=50'), token);
  expect(list.status).toBe(200);
  expect((list.body.items as Array<{ id: string }>).map((c) => c.id).sort()).toEqual([...ids].sort());
  for (const id of ids) {
    // The window's timer was set before the backup; it fires now, on the restored Temporal.
    const after = await waitForCase(app.apiUrl!, id, (c) => c.stage === 'PERSUASION', (WINDOW_S + 60) * 1000);
    const moved = after.timeline.find((e) => e.stageAfter === 'PERSUASION')!;
    expect(moved.automatic).toBe(true);
    expect(Date.parse(moved.occurredAt)).toBeGreaterThan(restartedAt);
  }
}, 300_000);
