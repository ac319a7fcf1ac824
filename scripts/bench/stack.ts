/**
 * The deployment the benchmark measures, as a county runs it: a Temporal server, PostgreSQL, and
 * the API and the worker as separate processes (dist/api-main.js, dist/worker-main.js), started
 * here with the same settings a deployment gives them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres';
import { RunningDevServer, startTemporalDevServer, WAL_SQLITE_PRAGMAS } from '../../src/temporal/dev-server';
import { AppProcess, WORKER_READY, freePort, kill9, runDist, waitForOutput } from '../../test/support/processes';

export const API_READY = /就绪 \/ ready in/;

export interface StackOptions {
  /** A PostgreSQL server to make the bench database on (its own, dropped after); embedded when absent. */
  databaseServerUrl?: string;
  /** SQLite pragmas of the dev server's file ([] = SQLite's defaults). */
  sqlitePragmas: readonly string[];
  /** Extra environment of the worker processes (tuning settings). */
  workerEnv: Record<string, string>;
  keepDatabase: boolean;
  log: (line: string) => void;
}

export interface RunningApi {
  url: string;
  process: AppProcess;
}

export interface Stack {
  temporal: RunningDevServer;
  databaseUrl: string;
  /** Settings every API and worker process shares (keys, database, Temporal). */
  env: Record<string, string>;
  dir: string;
  startApi(policyPath: string): Promise<RunningApi>;
  startWorker(name: string): Promise<AppProcess>;
  stopProcess(p: AppProcess): Promise<void>;
  stop(): Promise<void>;
}

export const DEMO_PASSWORD = 'baoxue-bench';

export async function startStack(options: StackOptions): Promise<Stack> {
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-bench-'));
  const stops: Array<() => Promise<unknown>> = [];
  const processes: AppProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => kill9(p)));
    for (const s of stops.splice(0).reverse()) await s().catch((err) => log(`shutdown: ${(err as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pragmas = options.sqlitePragmas.length ? options.sqlitePragmas.join(', ') : 'SQLite defaults';
    log(`Temporal dev server, SQLite file (${pragmas}) ...`);
    const temporal = await startTemporalDevServer({ dbFile: join(dir, 'temporal', 'temporal.db'), sqlitePragmas: options.sqlitePragmas });
    stops.push(() => temporal.stop());

    let databaseUrl: string;
    if (options.databaseServerUrl) {
      const name = `baoxue_bench_${randomBytes(4).toString('hex')}`;
      await onServer(options.databaseServerUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
      const url = new URL(options.databaseServerUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      log(`PostgreSQL: database ${name} on ${url.host}${options.keepDatabase ? ' (kept after the run)' : ''}`);
      if (!options.keepDatabase) stops.push(() => onServer(options.databaseServerUrl!, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
    } else {
      log('PostgreSQL: embedded (set DATABASE_URL to use a server of your own) ...');
      const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), database: 'baoxue_bench' });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }

    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      BAOXUE_DATA_DIR: join(dir, 'data'),
      BAOXUE_PAYLOAD_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      BAOXUE_TOKEN_SECRET: randomBytes(48).toString('base64'),
      BAOXUE_SEED_DEMO: 'true',
      BAOXUE_DEMO_PASSWORD: DEMO_PASSWORD,
      // The bench is many clients behind one address and one account: lift the per-client limits.
      BAOXUE_RATE_LIMIT: '100000000/1m',
      BAOXUE_LOGIN_RATE_LIMIT: '100000/1m',
      // Generated read-model rows have no workflows: the scheduled check would only report them.
      BAOXUE_RECONCILE_EVERY: 'off',
    };

    const startApi = async (policyPath: string): Promise<RunningApi> => {
      const port = await freePort();
      const api = runDist('api', 'api-main.js', { ...env, PORT: String(port), BAOXUE_POLICY: policyPath });
      processes.push(api);
      await waitForOutput(api, API_READY, 120_000);
      return { url: `http://127.0.0.1:${port}`, process: api };
    };
    const startWorker = async (name: string): Promise<AppProcess> => {
      const worker = runDist(name, 'worker-main.js', { ...env, ...options.workerEnv });
      processes.push(worker);
      await waitForOutput(worker, WORKER_READY, 120_000);
      return worker;
    };
    const stopProcess = async (p: AppProcess) => {
      p.child.kill('SIGTERM');
      const timeout = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
      await p.exited;
      clearTimeout(timeout);
    };
    return { temporal, databaseUrl, env, dir, startApi, startWorker, stopProcess, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Resident memory of a process, from /proc (Linux): now and its peak, in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

export { WAL_SQLITE_PRAGMAS };
