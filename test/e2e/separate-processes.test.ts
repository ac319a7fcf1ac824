/**
 * What docker-compose.yml runs, run directly: the API (dist/api-main.js) and the worker
 * (dist/worker-main.js) as separate processes against one Temporal and one PostgreSQL.
 * Needs the build (`npm test` builds first).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { as, DEMO_PASSWORD } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { SECONDS_POLICY, reportBody, waitForCase } from '../support/running-app';

const DIST = join(__dirname, '..', '..', 'dist');
let temporal: RunningDevServer;
let db: TestDatabase;
const processes: Array<{ name: string; child: ChildProcess; output: string[] }> = [];

function run(name: string, script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(DIST, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { name, child, output: [] as string[] };
  child.stdout!.on('data', (d) => entry.output.push(String(d)));
  child.stderr!.on('data', (d) => entry.output.push(String(d)));
  processes.push(entry);
  return entry;
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  temporal = await startTemporalDevServer();
  db = await createTestDatabase({ migrate: false });
}, 60_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await temporal?.stop();
  await db?.drop();
});

it('the API and the worker run as separate processes, like the compose services, and stop cleanly on SIGTERM', async () => {
  const port = await freePort();
  // With DATABASE_URL the demo accounts are off unless asked for; the token key is given, as a deployment would.
  const env = {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    BAOXUE_POLICY: SECONDS_POLICY,
    PORT: String(port),
    BAOXUE_SEED_DEMO: 'true',
    BAOXUE_DEMO_PASSWORD: DEMO_PASSWORD,
    BAOXUE_TOKEN_SECRET: 'separate-processes-test-secret-0123456789',
    // API and worker must share the payload key (as in docker-compose.yml); the first process would otherwise write one into ./data.
    BAOXUE_PAYLOAD_KEYS: `separate-processes:${randomBytes(32).toString('base64')}`,
  };
  const worker = run('worker', 'worker-main.js', env);
  const api = run('api', 'api-main.js', env);
  const url = `http://127.0.0.1:${port}`;

  let healthy = false;
  for (let i = 0; i < 150 && !healthy; i++) {
    healthy = await request(url).get('/api/health').then((r) => r.status === 200, () => false);
    if (!healthy) await new Promise((r) => setTimeout(r, 200));
  }
  expect({ healthy, api: api.output.join('') }).toMatchObject({ healthy: true });

  const report = await (await as(url, 'principal')).post('/api/cases').send(reportBody());
  expect(report.status).toBe(201);
  const id = report.body.id;
  // The worker process, not the API, runs the timers: the case escalates by itself.
  const escalated = await waitForCase(url, id, (c) => c.stage === 'PERSUASION');
  expect(escalated.timeline.map((e) => e.type)).toEqual(['CASE_OPENED', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);

  api.child.kill('SIGTERM');
  worker.child.kill('SIGTERM');
  expect(await exited(api.child)).toBe(0);
  expect(await exited(worker.child)).toBe(0);
}, 90_000);

it('a separate process refuses to start without the shared databases, and says which setting is missing', async () => {
  const { DATABASE_URL: _omitDb, TEMPORAL_ADDRESS: _omitTemporal, ...env } = process.env;
  const child = spawn(process.execPath, [join(DIST, 'worker-main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output += String(d)));
  expect(await exited(child)).toBe(2);
  expect(output).toContain('DATABASE_URL and TEMPORAL_ADDRESS');
});
