/**
 * `npm run reconcile` on the embedded default: no DATABASE_URL, no TEMPORAL_ADDRESS, only the data
 * folder. With the app stopped, the command starts the folder's PostgreSQL and Temporal itself,
 * compares, stops them again, and leaves the folder usable by the next `npm start`.
 * Needs the build (`npm test` builds first).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { tokenFor, withToken } from '../support/auth';
import { reportBody, startApp, testConfig } from '../support/running-app';

const config = testConfig(); // everything embedded under config.dataDir
let app: RunningBaoxue | undefined;

afterAll(async () => {
  await app?.stop();
  rmSync(config.dataDir, { recursive: true, force: true });
});

function reconcileCommand(): Promise<{ code: number | null; out: string }> {
  const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _temporal, BAOXUE_PAYLOAD_KEYS: _keys, ...env } = process.env;
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'reconcile-main.js')], {
    env: { ...env, BAOXUE_DATA_DIR: config.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

it('reconciles the data folder of a stopped app, and the app starts again on it afterwards', async () => {
  app = await startApp(config);
  const res = await withToken(request(app.apiUrl!).post('/api/cases'), await tokenFor(app.apiUrl!, 'principal')).send(reportBody());
  expect(res.status).toBe(201);
  await app.stop();
  app = undefined;

  const run = await reconcileCommand();
  expect(run.out).toContain('台账未结案件 / open cases in the ledger:       1');
  expect(run.out).toContain('运行中的流程 / running case workflows:         1');
  expect(run.out).toContain('人账相符');
  expect(run.code).toBe(0);

  app = await startApp(config);
  const view = await withToken(request(app.apiUrl!).get(`/api/cases/${res.body.id}`), await tokenFor(app.apiUrl!, 'coordinator'));
  expect(view.status).toBe(200);
}, 120_000);
