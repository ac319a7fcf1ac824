/**
 * The deployment the fault tests break: Temporal dev server and PostgreSQL, the API in this
 * process, and workers as separate processes (dist/worker-main.js) that a test can SIGKILL.
 * Call at the top of a test file; it registers its own beforeAll/afterAll.
 */
import { Client, Connection } from '@temporalio/client';
import { rmSync } from 'node:fs';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import { RunningDevServer, startTemporalDevServer } from '../../src/temporal/dev-server';
import { AppProcess, killAll, runDist } from './processes';
import { SECONDS_POLICY, testConfig } from './running-app';
import { createTestDatabase, TestDatabase } from './test-database';

export interface SplitDeployment {
  readonly app: RunningBaoxue;
  readonly client: Client;
  startWorker(name: string): AppProcess;
}

export function useSplitDeployment(): SplitDeployment {
  let temporal: RunningDevServer;
  let db: TestDatabase;
  let app: RunningBaoxue;
  let client: Client;
  const workers: AppProcess[] = [];
  const config = testConfig();

  beforeAll(async () => {
    [temporal, db] = await Promise.all([startTemporalDevServer(), createTestDatabase({ migrate: false })]);
    config.databaseUrl = db.url;
    config.temporalAddress = temporal.address;
    app = await startBaoxue({ config, roles: { api: true, worker: false } });
    client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  }, 60_000);

  afterAll(async () => {
    await killAll(workers);
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
    get client() {
      return client;
    },
    startWorker(name: string): AppProcess {
      const worker = runDist(name, 'worker-main.js', {
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: temporal.address,
        BAOXUE_POLICY: SECONDS_POLICY,
        BAOXUE_DATA_DIR: config.dataDir,
      });
      workers.push(worker);
      return worker;
    },
  };
}
