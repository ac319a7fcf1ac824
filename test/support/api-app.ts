/**
 * The real Nest application, set up exactly as main.ts sets it up (configureApp), over a test
 * database and a fake engine, with the demo accounts seeded (password DEMO_PASSWORD):
 *
 *   const api = await createTestApi({ dataSource: db.dataSource });
 *   const teacher = await as(api.server, 'teacher');            // test/support/auth.ts
 *   await teacher.get('/api/cases').expect(200);
 *   await api.close();
 *
 * Ledger imports are jobs: a runner takes them as the worker role does (test/support/ledger-jobs.ts waits for one).
 *
 * Rate limits are generous unless the test passes its own (`hardening`): test files log many
 * accounts in from one address.
 */
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DataSource } from 'typeorm';
import { ApiModule } from '../../src/api/api.module';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import type { CaseEngine } from '../../src/api/case-engine.port';
import { configureApp, NEST_APP_OPTIONS } from '../../src/api/configure-app';
import type { HardeningSettings } from '../../src/api/hardening';
import { loadTowns, Towns } from '../../src/read-model/town';
import { ImportJobRunner } from '../../src/api/ledger/import-jobs';
import { SourceImportRunner } from '../../src/finding/sources';
import { DEFAULT_READ_LIMITS } from '../../src/ledger/import-ledger';
import type { ReadLimits } from '../../src/ledger/read-sheet';
import type { ResponsibilityDirectory } from '../../src/responsibility/directory';
import { DEMO_PASSWORD } from './auth';
import { FakeCaseEngine } from './fake-case-engine';

/** The key the test app signs tokens with (tests sign expired or foreign tokens with it). */
export const TEST_TOKEN_SECRET = 'baoxue-test-token-secret-0123456789abcdef';

export const GENEROUS_LIMITS: HardeningSettings = {
  rateLimit: { limit: 100_000, windowMs: 60_000 },
  loginRateLimit: { limit: 10_000, windowMs: 60_000 },
  // Tests try wrong passwords on purpose; the lockout is tested where it is set (login-throttle.test.ts).
  loginLockout: { afterFailures: 1_000 },
};

export interface TestApi<E extends CaseEngine = FakeCaseEngine> {
  app: INestApplication;
  /** The HTTP server, for supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  engine: E;
  tokenSecret: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  dataSource: DataSource;
  /** Rate limits and idempotency; GENEROUS_LIMITS when absent. */
  hardening?: HardeningSettings;
  /** Reverse proxies trusted for X-Forwarded-For (default 0). */
  trustProxyHops?: number;
  /** The towns served (default: Guling alone). */
  towns?: Towns;
  /** Largest ledger upload (default the app's). */
  ledgerMaxBytes?: number;
  /** The responsibility chains the accounts API shows posts from (default none). */
  responsibility?: ResponsibilityDirectory;
  /** Seed the demo accounts (default true). */
  seedDemo?: boolean;
  /** The file bounds of the ledger import (default the app's). */
  ledgerLimits?: ReadLimits;
  /** "Now" of the API's date rules (default FIXTURE_TODAY). */
  clock?: () => Date;
}

/**
 * The day the tests' children (birth dates and grades, e.g. born 2011 in grade 5) fit: the
 * reported child's age must fit the grade (src/registry/age-rules.ts), and a fixed day keeps those
 * fixtures valid as years pass. Tests of the age rule itself pass the real clock.
 */
export const FIXTURE_TODAY = new Date('2024-10-08T02:00:00Z');

export async function createTestApi(options: TestApiOptions): Promise<TestApi>;
export async function createTestApi<E extends CaseEngine>(options: TestApiOptions & { engine: E }): Promise<TestApi<E>>;
export async function createTestApi(options: TestApiOptions & { engine?: CaseEngine }): Promise<TestApi<CaseEngine>> {
  const engine = options.engine ?? new FakeCaseEngine();
  if (options.seedDemo !== false) await seedDemoAccounts(options.dataSource, DEMO_PASSWORD);
  const moduleRef = await Test.createTestingModule({
    imports: [
      ApiModule.forRoot({
        database: { dataSource: options.dataSource },
        engine: { useValue: engine },
        towns: options.towns ?? loadTowns(),
        ledgerMaxBytes: options.ledgerMaxBytes,
        ledgerLimits: options.ledgerLimits,
        responsibility: options.responsibility,
        hardening: options.hardening ?? GENEROUS_LIMITS,
        auth: { tokenSecret: TEST_TOKEN_SECRET, trustProxyHops: options.trustProxyHops ?? 0 },
        clock: options.clock ?? (() => FIXTURE_TODAY),
      }),
    ],
  }).compile();
  // Quiet by default: tests provoke errors on purpose. BAOXUE_TEST_LOGS=1 shows Nest's log.
  const logger = process.env.BAOXUE_TEST_LOGS ? (['error', 'warn', 'log'] as const) : false;
  const app = configureApp(moduleRef.createNestApplication({ ...NEST_APP_OPTIONS, logger: logger === false ? false : [...logger] }));
  await app.init();
  // The worker role's runner of ledger import jobs, as `npm start` has it beside the API.
  const importJobs = new ImportJobRunner({ dataSource: options.dataSource, engine, towns: options.towns ?? loadTowns(), limits: options.ledgerLimits ?? DEFAULT_READ_LIMITS, pollMs: 100 });
  importJobs.start();
  const sourceImports = new SourceImportRunner({ dataSource: options.dataSource, towns: options.towns ?? loadTowns(), limits: options.ledgerLimits ?? DEFAULT_READ_LIMITS, pollMs: 100 });
  sourceImports.start();
  return {
    app,
    server: app.getHttpServer(),
    engine,
    tokenSecret: TEST_TOKEN_SECRET,
    close: async () => {
      await importJobs.stop();
      await sourceImports.stop();
      await app.close();
    },
  };
}
