/**
 * Two API processes (dist/api-main.js, as docker-compose.yml runs its replicas) behind one
 * address share one rate limit: the counters are in PostgreSQL (src/api/hardening/rate-limit-store.ts).
 * Before, each process counted its own, so two replicas let a client make twice the limit.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { DEMO_PASSWORD, tokenFor, withToken } from '../support/auth';
import { AppProcess, freePort, killAll, runDist, waitForOutput } from '../support/processes';
import { SECONDS_POLICY } from '../support/running-app';
import { API_READY } from '../support/split-deployment';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const LIMIT = 8;
let temporal: RunningDevServer;
let db: TestDatabase;
const apis: AppProcess[] = [];
const urls: string[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'baoxue-rate-'));

beforeAll(async () => {
  [temporal, db] = await Promise.all([startTemporalDevServer(), createTestDatabase({ migrate: false })]);
  const shared = {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    BAOXUE_POLICY: SECONDS_POLICY,
    BAOXUE_DATA_DIR: dataDir,
    BAOXUE_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BAOXUE_TOKEN_SECRET: randomBytes(48).toString('base64'),
    BAOXUE_SEED_DEMO: 'true',
    BAOXUE_DEMO_PASSWORD: DEMO_PASSWORD,
    BAOXUE_RATE_LIMIT: `${LIMIT}/1m`,
  };
  for (const name of ['api-1', 'api-2']) {
    const port = await freePort();
    const api = runDist(name, 'api-main.js', { ...shared, PORT: String(port) });
    apis.push(api);
    // One after the other: both seed the demo accounts and migrate.
    await waitForOutput(api, API_READY, 60_000);
    urls.push(`http://127.0.0.1:${port}`);
  }
}, 120_000);

afterAll(async () => {
  await killAll(apis);
  await temporal?.stop();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('two API processes count one limit per client: the requests over it are refused by either', async () => {
  const token = await tokenFor(urls[0], 'coordinator');
  const statuses: number[] = [];
  let refusal: request.Response | undefined;
  for (let i = 0; i < LIMIT + 4; i++) {
    // Alternate, as a proxy spreading requests over the replicas does.
    const res = await withToken(request(urls[i % 2]).get('/api/me/tasks'), token);
    statuses.push(res.status);
    if (res.status === 429) refusal ??= res;
  }
  // Counted per process, each would allow LIMIT and all LIMIT + 4 would pass.
  expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
  expect(statuses.slice(LIMIT)).toEqual([429, 429, 429, 429]);
  expect(refusal!.body).toMatchObject({ statusCode: 429, code: 'REQUEST.RATE_LIMITED', details: { limit: LIMIT, windowSeconds: 60 } });
  expect(Number(refusal!.headers['retry-after'])).toBeGreaterThan(0);
  // Another user has a count of their own.
  const other = await tokenFor(urls[1], 'leader');
  expect((await withToken(request(urls[1]).get('/api/me/tasks'), other)).status).toBe(200);
}, 60_000);
