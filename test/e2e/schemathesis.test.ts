/**
 * Schemathesis against the OpenAPI document the app serves (/api/docs-json), on the real app
 * (a real Temporal dev server, a real PostgreSQL, composed as `npm start` composes it), logged in
 * as the coordinator (who reads every case and takes every action). A bounded, seeded run: every
 * operation gets its documented examples, the coverage phase's boundary and negative cases, a few
 * generated ones, and the stateful phase. It must find nothing: no 5xx, no answer outside its
 * response schema, content type or documented status codes, 405 with Allow for an undeclared
 * method, no invalid input accepted, no operation open without the token.
 *
 * BAOXUE_SCHEMATHESIS_EXAMPLES=<n> and BAOXUE_SCHEMATHESIS_SEED=<n> change the run, and
 * BAOXUE_SCHEMATHESIS_PATH=/api/what-if runs one path only (while working on it); the figures
 * are printed, and the whole report is kept in test-artifacts/schemathesis/ (docs/security.md).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { tokenFor } from '../support/auth';
import { startApp, testConfig } from '../support/running-app';
import { ensureSchemathesis, runSchemathesis, SCHEMATHESIS_VERSION } from '../support/schemathesis';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const EXAMPLES = Number(process.env.BAOXUE_SCHEMATHESIS_EXAMPLES ?? 10);
const SEED = Number(process.env.BAOXUE_SCHEMATHESIS_SEED ?? 20261129);
/** One path only, while working on it (e.g. /api/what-if); the suite runs them all. */
const ONLY_PATH = process.env.BAOXUE_SCHEMATHESIS_PATH?.trim();
const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts', 'schemathesis');

/**
 * The checks left out, and why (every other one of schemathesis's checks runs):
 * - positive_data_acceptance: it expects every schema-valid body to be accepted, but the API refuses
 *   valid-looking data on rules a JSON schema cannot state (an ID number's check digit and birth
 *   date, a child's age for the grade, "child or childId", a case's stage), with a documented 4xx.
 */
const EXCLUDED_CHECKS = ['positive_data_acceptance'];

let db: TestDatabase;
let app: RunningBaoxue;

beforeAll(async () => {
  ensureSchemathesis();
  db = await createTestDatabase({ migrate: false });
  // Days, not seconds: no timer writes while schemathesis runs.
  app = await startApp(testConfig({ databaseUrl: db.url, policyPath: loadConfig({}).policyPath }));
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

it(`finds no server error, no schema violation and no undocumented status (schemathesis ${SCHEMATHESIS_VERSION}, at most ${EXAMPLES} generated examples per operation)`, async () => {
  const token = await tokenFor(app.apiUrl!, 'coordinator');
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const run = await runSchemathesis(
    ensureSchemathesis(),
    [
      'run',
      `${app.apiUrl}/api/docs-json`,
      '--url',
      app.apiUrl!,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'all',
      '--exclude-checks',
      EXCLUDED_CHECKS.join(','),
      '--max-examples',
      String(EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '2',
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'junit',
      '--report-dir',
      ARTIFACTS,
      ...(ONLY_PATH ? ['--include-path', ONLY_PATH] : []),
    ],
    { cwd: ARTIFACTS, timeoutMs: 540_000 },
  );
  writeFileSync(join(ARTIFACTS, 'output.txt'), run.output);
  const junit = readFileSync(join(ARTIFACTS, readdirSync(ARTIFACTS).find((f) => f.endsWith('.xml'))!), 'utf8');
  const suite = /<testsuite [^>]*failures="(\d+)"[^>]*tests="(\d+)"/.exec(junit);
  const cases = /Test cases:\s*\n?\s*(.+)/.exec(run.output)?.[1]?.trim();
  const operations = /Tested:\s*(\d+)/.exec(run.output)?.[1];
  console.log(
    `schemathesis ${SCHEMATHESIS_VERSION}, seed ${SEED}, ${EXAMPLES} examples: ${operations} operations, test cases: ${cases}; ` +
      `${suite?.[1]} of ${suite?.[2]} operations failed; ${Math.round(run.ms / 1000)} s (report: ${ARTIFACTS})`,
  );
  const failures = run.output.slice(run.output.indexOf('FAILURES'), run.output.indexOf('SUMMARY'));
  expect({ code: run.code, failures: run.code === 0 ? '' : failures.slice(0, 20_000) }).toEqual({ code: 0, failures: '' });
}, 600_000);
