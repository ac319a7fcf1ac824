/**
 * The deployment the fault tests break: Temporal dev server and PostgreSQL, the API, and workers
 * as separate processes (dist/worker-main.js) that a test can SIGKILL. The API runs in this
 * process by default; `{ apiProcess: true }` runs it as dist/api-main.js too, which is what
 * docker-compose.yml runs: every part a process of its own, sharing only Temporal and PostgreSQL.
 * Call at the top of a test file; it registers its own beforeAll/afterAll.
 */
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import type { BaoxueConfig } from '../../src/config';
import { parsePayloadKeys } from '../../src/temporal/codec/payload-keys';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { AppProcess, freePort, killAll, runDist, waitForOutput } from './processes';
import { SECONDS_POLICY, testConfig } from './running-app';
import { DEMO_PASSWORD } from './auth';
import { createTestDatabase, TestDatabase } from './test-database';

export interface SplitDeployment {
  /** The API in this process (the default); undefined with `apiProcess`. */
  readonly app: RunningBaoxue;
  /** The API process (with `apiProcess`). */
  readonly apiProcess?: AppProcess;
  readonly apiUrl: string;
  /** The read model, for the tests' own checks. */
  readonly dataSource: DataSource;
  /** Decodes what the API and the workers store in Temporal. */
  readonly payloadCodec: PayloadCodec;
  readonly client: Client;
  /** A worker process; `env` on top of the shared settings. */
  startWorker(name: string, env?: Record<string, string>): AppProcess;
}

export interface SplitDeploymentOptions {
  /** Run the API as its own process (dist/api-main.js) instead of in this one. */
  apiProcess?: boolean;
  /** Settings of the API in this process, on top of the tests' own. */
  config?: Partial<BaoxueConfig>;
}

/** The line dist/api-main.js prints once it serves. */
export const API_READY = /就绪 \/ ready in/;

export function useSplitDeployment(options: SplitDeploymentOptions = {}): SplitDeployment {
  let temporal: RunningDevServer;
  let db: TestDatabase;
  let app: RunningBaoxue;
  let apiProcess: AppProcess | undefined;
  let apiUrl: string;
  let client: Client;
  const workers: AppProcess[] = [];
  const config = testConfig(options.config);
  // Shared by every process, as a deployment shares them (with the API in this process, its key file in dataDir does).
  const payloadKeys = `split:${randomBytes(32).toString('base64')}`;
  const sharedEnv = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    BAOXUE_POLICY: SECONDS_POLICY,
    BAOXUE_DATA_DIR: config.dataDir,
    ...(options.apiProcess ? { BAOXUE_PAYLOAD_KEYS: payloadKeys } : {}),
  });

  beforeAll(async () => {
    [temporal, db] = await Promise.all([startTemporalDevServer(), createTestDatabase({ migrate: false })]);
    config.databaseUrl = db.url;
    config.temporalAddress = temporal.address;
    if (options.apiProcess) {
      const port = await freePort();
      apiProcess = runDist('api', 'api-main.js', {
        ...sharedEnv(),
        PORT: String(port),
        BAOXUE_SEED_DEMO: 'true',
        BAOXUE_DEMO_PASSWORD: DEMO_PASSWORD,
        BAOXUE_TOKEN_SECRET: randomBytes(48).toString('base64'),
        BAOXUE_RATE_LIMIT: `${config.rateLimit.limit}/1m`,
        BAOXUE_LOGIN_RATE_LIMIT: `${config.loginRateLimit.limit}/1m`,
      });
      await waitForOutput(apiProcess, API_READY, 60_000);
      apiUrl = `http://127.0.0.1:${port}`;
    } else {
      app = await startBaoxue({ config, roles: { api: true, worker: false } });
      apiUrl = app.apiUrl!;
    }
    client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  }, 90_000);

  afterAll(async () => {
    await killAll(workers);
    if (apiProcess) await killAll([apiProcess]);
    await client?.connection.close();
    await app?.stop();
    await temporal?.stop();
    await db?.drop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  return {
    get app() {
      return app;
    },
    get apiProcess() {
      return apiProcess;
    },
    get apiUrl() {
      return apiUrl;
    },
    get dataSource() {
      return app?.dataSource ?? db.dataSource;
    },
    get payloadCodec() {
      return app?.payloadCodec ?? new AesGcmPayloadCodec(parsePayloadKeys(payloadKeys).ring!);
    },
    get client() {
      return client;
    },
    startWorker(name: string, env: Record<string, string> = {}): AppProcess {
      const worker = runDist(name, 'worker-main.js', { ...sharedEnv(), ...env });
      workers.push(worker);
      return worker;
    },
  };
}
