/**
 * A restart on the embedded default: the app is stopped while cases wait on timers, their due
 * dates pass while it is down, and it starts again on the same data folder (Temporal's SQLite
 * file and the embedded PostgreSQL cluster). Every timer then fires, and fires once.
 */
import request from 'supertest';
import { rmSync } from 'node:fs';
import type { RunningBaoxue } from '../../src/bootstrap';
import { as } from '../support/auth';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';

const config = testConfig(); // no DATABASE_URL, no TEMPORAL_ADDRESS: everything embedded under config.dataDir
let app: RunningBaoxue | undefined;

afterAll(async () => {
  await app?.stop();
  rmSync(config.dataDir, { recursive: true, force: true });
});

it('timers that came due while the app was stopped fire exactly once after it starts again on the same data folder', async () => {
  app = await startApp(config);
  const principal = await as(app.apiUrl!, 'principal');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await principal.post('/api/cases').send(reportBody());
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const before = await principal.get(`/api/cases/${ids[0]}`);
  const due = Date.parse(before.body.actionDueAt);
  await app.stop();
  app = undefined;

  // HOME_VISIT's window (6 s in this policy) ends while nothing runs.
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 1_000));

  app = await startApp(config);
  // The token key and the demo accounts live in the data folder and the database: a token from
  // before the restart still works, and seeding again created no second account.
  expect((await request(app.apiUrl!).get(`/api/cases/${ids[0]}`).set('Authorization', `Bearer ${principal.token}`)).status).toBe(200);
  const accounts = await app.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE username = 'principal'`);
  expect(accounts[0].n).toBe(1);
  for (const id of ids) {
    const c = await waitForCase(app.apiUrl!, id, (v) => v.stage === 'PERSUASION');
    const types = c.timeline.map((e) => e.type);
    expect(types.filter((t) => t === 'DEADLINE_MISSED')).toHaveLength(1);
    expect(types.filter((t) => t === 'AUTO_ESCALATED')).toHaveLength(1);
    expect(c.timeline.map((e) => e.seq)).toEqual(c.timeline.map((_, i) => i + 1));
  }

  // And nothing fires twice later: the next window's events arrive once each.
  for (const id of ids) {
    const c = await waitForCase(app.apiUrl!, id, (v) => v.stage === 'TOWN_CRITICISM');
    const types = c.timeline.map((e) => e.type);
    expect(types.filter((t) => t === 'AUTO_ESCALATED')).toHaveLength(2);
    expect(new Set(c.timeline.map((e) => e.id)).size).toBe(c.timeline.length);
  }
}, 120_000);
