/**
 * Settings from the environment, typed, with defaults. Fails fast: every problem is listed in one
 * error at start-up, so a deployment learns what to fix before anything runs.
 * Only the reading lives here; main.ts wires the values.
 */
import { isAbsolute, resolve } from 'node:path';
import { PROJECT_ROOT } from './project-root';
import { PayloadKeyRing, parsePayloadKeys } from './temporal/codec/payload-keys';
import { isDuration, parseDuration } from './workflows/policy';
import { DEFAULT_SESSION_TTL_SECONDS } from './api/auth/auth.options';
import { ChannelSettings, readChannelSettings } from './notifications/channel-settings';

export interface BaoxueConfig {
  /** HTTP port of the API (`PORT`, default 3000). */
  port: number;
  /** Folder for embedded PostgreSQL / Temporal data (`BAOXUE_DATA_DIR`, default `data`), absolute. */
  dataDir: string;
  /** `DATABASE_URL`; undefined means: start an embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  /** `TEMPORAL_ADDRESS` (host:port); undefined means: start an embedded Temporal dev server. */
  temporalAddress?: string;
  /** `TEMPORAL_NAMESPACE`, default `default`. */
  temporalNamespace: string;
  /** `BAOXUE_POLICY`: the escalation policy file, absolute; default `policies/default.json`. */
  policyPath: string;
  /**
   * The town files this deployment serves (absolute; files or folders of *.json), the first being
   * the default town. `BAOXUE_TOWNS` (comma-separated) or `BAOXUE_TOWN` (one file, the single-town
   * form); default `towns/guling.json`.
   */
  townPaths: string[];
  /**
   * `BAOXUE_PAYLOAD_KEYS`: AES-256 keys of the payloads stored in Temporal, `id:base64,...`, the first
   * encrypts. Undefined: a key generated once into `<dataDir>/payload-keys` (mode 0600).
   */
  payloadKeys?: PayloadKeyRing;
  /** `BAOXUE_RECONCILE_EVERY`: interval of the scheduled reconciliation (default 1h); undefined when `off`. */
  reconcileEveryMs?: number;
  /** `BAOXUE_CODEC_CORS_ORIGINS`: web origins (Temporal's UI) allowed to call /api/temporal-codec; default the embedded UI's. */
  codecCorsOrigins: string[];
  /**
   * `BAOXUE_TOKEN_SECRET`: the key that signs log-in tokens (HS256), at least 32 characters.
   * Undefined: one is generated once and kept in `<dataDir>/token-secret` (mode 0600).
   */
  tokenSecret?: string;
  /**
   * `BAOXUE_DEMO_PASSWORD`: password of the demo accounts. Undefined: one is generated once per data
   * folder into `<dataDir>/demo-password` (mode 0600) and printed when it is made. Required when
   * DATABASE_URL is set and the demo accounts are asked for (every API process seeds them).
   */
  demoPassword?: string;
  /**
   * `BAOXUE_SEED_DEMO` (true/false): create the demo accounts at start-up. Default: true on the
   * embedded database, false when DATABASE_URL is set. Refused on a database that holds any other
   * account (src/api/auth/demo-accounts.ts).
   */
  seedDemo: boolean;
  /**
   * Open the demo town's cases through the engine at start-up (src/dashboard/demo-cases.ts), so the
   * dashboard shows a populated town. Follows `BAOXUE_SEED_DEMO`; tests that count cases turn it off.
   */
  seedDemoCases: boolean;
  /**
   * `BAOXUE_TRUST_PROXY`: how many reverse proxies in front of the API append to X-Forwarded-For
   * (false = 0, the default: the address of the connection is the client's; true = 1).
   */
  trustProxyHops: number;
  /**
   * `BAOXUE_RATE_LIMIT`: requests per client (the user when logged in, else the IP address) per
   * window, written `300/1m` (or `300`, per minute); default 300 a minute, which a caseworker never hits.
   */
  rateLimit: RateLimitSetting;
  /** `BAOXUE_LOGIN_RATE_LIMIT`: failed log-ins (POST /api/auth/login) per IP address per window; default `10/1m`. */
  loginRateLimit: RateLimitSetting;
  /** `BAOXUE_LOGIN_LOCKOUT`: failed log-ins in a row after which an account is locked for a while (default 5). */
  loginLockoutAfter: number;
  /**
   * `BAOXUE_SESSION_LIFETIME`: how long a session lasts from its log-in, however active (refresh
   * tokens rotate within it), written like 10h or 600m; default 10h, a working day. At least 15m.
   */
  sessionTtlSeconds: number;
  /** `BAOXUE_LEDGER_MAX_SIZE`: largest ledger file POST /api/ledger/import accepts, in bytes (default 20 MB). */
  ledgerMaxBytes: number;
  /** `BAOXUE_LEDGER_MAX_UNPACKED`: an .xlsx's largest unpacked size (all its zip entries), in bytes (default 100 MB); a bomb is refused. */
  ledgerMaxUnpackedBytes: number;
  /** `BAOXUE_LEDGER_MAX_ROWS`: most data rows a ledger file may have (default 50,000). */
  ledgerMaxRows: number;
  /** `BAOXUE_WORKER_*`: the worker's cache and slots; each unset one keeps the Temporal SDK's default. */
  workerTuning: WorkerTuning;
  /**
   * Bounded waits (docs/operations.md): `BAOXUE_DB_STATEMENT_TIMEOUT` (default 10s), the longest a
   * PostgreSQL statement runs; `BAOXUE_DB_CONNECT_TIMEOUT` (default 5s), the longest wait for a
   * connection, new or from the pool; `BAOXUE_TEMPORAL_TIMEOUT` (default 10s), the deadline of each
   * Temporal call made for a request. A frozen dependency answers 503 after them, not never.
   */
  timeouts: TimeoutSettings;
  /** `BAOXUE_LOG_FORMAT`: `json` writes one JSON line per request on stdout (src/metrics/request-log.ts); default `text` (none). */
  logFormat: 'text' | 'json';
  /** `BAOXUE_WORKER_METRICS_ADDRESS` (host:port): where the worker serves the Temporal SDK's metrics at /metrics; default off. */
  workerMetricsAddress?: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: OTLP/HTTP address for traces (spans to `<it>/v1/traces`, src/tracing); default off. */
  otlpEndpoint?: string;
  /** `BAOXUE_OUTBOX_RETENTION` (default 30d), `BAOXUE_IDEMPOTENCY_RETENTION` (default 7d, at least 1d): pruned by the worker (src/retention). */
  retention: { outboxMs: number; idempotencyMs: number };
  /**
   * Delivery channels beside the inbox (docs/notifications.md): `BAOXUE_SMS` off | fake | aliyun and
   * `BAOXUE_WECOM` off | fake | wecom with their credentials and daily caps; both `fake` (the local
   * fake provider) when embedded, `off` with DATABASE_URL.
   */
  channels: ChannelSettings;
}

export interface TimeoutSettings {
  dbStatementMs: number;
  dbConnectMs: number;
  temporalCallMs: number;
}

/** Worker settings a deployment tunes from measurements (`npm run bench`); names as the SDK's WorkerOptions. */
export interface WorkerTuning {
  /** `BAOXUE_WORKER_CACHED_WORKFLOWS`: workflows kept in memory between tasks (the rest replay when woken). */
  maxCachedWorkflows?: number;
  /** `BAOXUE_WORKER_WORKFLOW_TASK_SLOTS`: workflow tasks run at once (SDK default 40). */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** `BAOXUE_WORKER_ACTIVITY_TASK_SLOTS`: activities (read-model projections) run at once (SDK default 100). */
  maxConcurrentActivityTaskExecutions?: number;
  /** `BAOXUE_WORKER_WORKFLOW_TASK_POLLERS`: concurrent polls for workflow tasks (SDK default min(10, slots)). */
  maxConcurrentWorkflowTaskPolls?: number;
  /** `BAOXUE_WORKER_ACTIVITY_TASK_POLLERS`: concurrent polls for activity tasks (SDK default min(10, slots)). */
  maxConcurrentActivityTaskPolls?: number;
  /** `BAOXUE_WORKER_REUSE_V8_CONTEXT` (true/false): one V8 context for all workflows (SDK default true). */
  reuseV8Context?: boolean;
  /** `BAOXUE_WORKER_WORKFLOW_THREADS`: threads that run workflow code (SDK default 1 with a reused V8 context). */
  workflowThreadPoolSize?: number;
}

/** Environment variable of each worker setting. */
export const WORKER_TUNING_ENV: Record<keyof WorkerTuning, string> = {
  maxCachedWorkflows: 'BAOXUE_WORKER_CACHED_WORKFLOWS',
  maxConcurrentWorkflowTaskExecutions: 'BAOXUE_WORKER_WORKFLOW_TASK_SLOTS',
  maxConcurrentActivityTaskExecutions: 'BAOXUE_WORKER_ACTIVITY_TASK_SLOTS',
  maxConcurrentWorkflowTaskPolls: 'BAOXUE_WORKER_WORKFLOW_TASK_POLLERS',
  maxConcurrentActivityTaskPolls: 'BAOXUE_WORKER_ACTIVITY_TASK_POLLERS',
  reuseV8Context: 'BAOXUE_WORKER_REUSE_V8_CONTEXT',
  workflowThreadPoolSize: 'BAOXUE_WORKER_WORKFLOW_THREADS',
};

/** The smallest value the SDK accepts for a numeric worker setting. */
function leastOf(key: keyof WorkerTuning): number {
  if (key === 'maxCachedWorkflows') return 0;
  return key.endsWith('Polls') || key === 'workflowThreadPoolSize' ? 1 : 2;
}

/** At most `limit` requests per `windowMs`. */
export interface RateLimitSetting {
  limit: number;
  windowMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`baoxue cannot start, the configuration is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';
export const DEFAULT_POLICY_FILE = 'policies/default.json';
export const DEFAULT_TOWN_FILE = 'towns/guling.json';
export const DEFAULT_RECONCILE_EVERY = '1h';
/** The embedded Temporal UI, as a browser names it (localhost or the loopback address). */
export const DEFAULT_CODEC_CORS_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
export const MIN_TOKEN_SECRET_LENGTH = 32;
export const DEFAULT_RATE_LIMIT: RateLimitSetting = { limit: 300, windowMs: 60_000 };
export const DEFAULT_LOGIN_RATE_LIMIT: RateLimitSetting = { limit: 10, windowMs: 60_000 };
export const DEFAULT_LOGIN_LOCKOUT_AFTER = 5;
export const DEFAULT_TIMEOUTS: TimeoutSettings = { dbStatementMs: 10_000, dbConnectMs: 5_000, temporalCallMs: 10_000 };
/** 50,000 ledger rows as .xlsx take about 4 MB; as CSV about 7 MB. */
export const DEFAULT_LEDGER_MAX_BYTES = 20 * 1024 * 1024;
/** 50,000 rows written by Excel or exceljs unpack to about 40 MB of XML: room to spare, far from a bomb's gigabytes. */
export const DEFAULT_LEDGER_MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
/** A town's children and cases fit many times over (Guling has about 6,000 children of school age). */
export const DEFAULT_LEDGER_MAX_ROWS = 50_000;

/**
 * Reads the settings. Relative paths in the environment are taken from the current directory;
 * the defaults are inside the project root, so `node dist/main.js` works from anywhere.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): BaoxueConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const path = (name: string, fallback: string): string => {
    const given = value(name);
    if (given === undefined) return resolve(PROJECT_ROOT, fallback);
    return isAbsolute(given) ? given : resolve(cwd, given);
  };

  let port = DEFAULT_PORT;
  const portText = value('PORT');
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      problems.push(`PORT: "${portText}" is not a port number (1-65535)`);
    }
  }

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL: not a URL; write it like postgres://user:password@host:5432/baoxue');
    }
    if (url && url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL: the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
    }
  }

  const temporalAddress = value('TEMPORAL_ADDRESS');
  if (temporalAddress !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(temporalAddress)) {
    problems.push(`TEMPORAL_ADDRESS: "${temporalAddress}" is not host:port (for example 127.0.0.1:7233)`);
  }

  const temporalNamespace = value('TEMPORAL_NAMESPACE') ?? DEFAULT_TEMPORAL_NAMESPACE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(temporalNamespace)) {
    problems.push(`TEMPORAL_NAMESPACE: "${temporalNamespace}" is not a namespace name`);
  }

  const tokenSecret = value('BAOXUE_TOKEN_SECRET');
  if (tokenSecret !== undefined && tokenSecret.length < MIN_TOKEN_SECRET_LENGTH) {
    problems.push(
      `BAOXUE_TOKEN_SECRET: too short (${tokenSecret.length} characters); use at least ${MIN_TOKEN_SECRET_LENGTH} random characters, e.g. \`openssl rand -base64 48\``,
    );
  }

  const demoPassword = value('BAOXUE_DEMO_PASSWORD');
  if (demoPassword !== undefined && demoPassword.length < 8) problems.push('BAOXUE_DEMO_PASSWORD: use at least 8 characters');

  let seedDemo = databaseUrl === undefined;
  const seedText = value('BAOXUE_SEED_DEMO');
  if (seedText !== undefined) {
    if (/^(true|1|yes)$/i.test(seedText)) seedDemo = true;
    else if (/^(false|0|no)$/i.test(seedText)) seedDemo = false;
    else problems.push(`BAOXUE_SEED_DEMO: "${seedText}" is not true or false`);
  }
  // A shared database is seeded by every API process: they must agree on one password, given, never well known.
  if (seedDemo && databaseUrl !== undefined && demoPassword === undefined) {
    problems.push('BAOXUE_SEED_DEMO=true with DATABASE_URL needs BAOXUE_DEMO_PASSWORD (at least 8 characters, e.g. `openssl rand -base64 12`): the demo accounts of a shared database get no well-known password');
  }

  let trustProxyHops = 0;
  const proxyText = value('BAOXUE_TRUST_PROXY');
  if (proxyText !== undefined) {
    if (/^(true|yes)$/i.test(proxyText)) trustProxyHops = 1;
    else if (/^(false|no)$/i.test(proxyText)) trustProxyHops = 0;
    else if (/^\d{1,2}$/.test(proxyText)) trustProxyHops = Number(proxyText);
    else problems.push(`BAOXUE_TRUST_PROXY: "${proxyText}" is not true, false or a number of proxies`);
  }

  const rateLimit = rateLimitSetting('BAOXUE_RATE_LIMIT', value('BAOXUE_RATE_LIMIT'), DEFAULT_RATE_LIMIT, problems);
  const loginRateLimit = rateLimitSetting('BAOXUE_LOGIN_RATE_LIMIT', value('BAOXUE_LOGIN_RATE_LIMIT'), DEFAULT_LOGIN_RATE_LIMIT, problems);
  let loginLockoutAfter = DEFAULT_LOGIN_LOCKOUT_AFTER;
  const lockoutText = value('BAOXUE_LOGIN_LOCKOUT');
  if (lockoutText !== undefined) {
    if (/^\d{1,3}$/.test(lockoutText) && Number(lockoutText) >= 3 && Number(lockoutText) <= 100) loginLockoutAfter = Number(lockoutText);
    else problems.push(`BAOXUE_LOGIN_LOCKOUT: "${lockoutText}" is not a number of failed log-ins from 3 to 100`);
  }

  let payloadKeys: PayloadKeyRing | undefined;
  const payloadKeysText = value('BAOXUE_PAYLOAD_KEYS');
  if (payloadKeysText !== undefined) {
    const parsed = parsePayloadKeys(payloadKeysText);
    payloadKeys = parsed.ring;
    problems.push(...parsed.problems);
  }

  let reconcileEveryMs: number | undefined = parseDuration(DEFAULT_RECONCILE_EVERY);
  const reconcileText = value('BAOXUE_RECONCILE_EVERY');
  if (reconcileText !== undefined) {
    if (/^off$/i.test(reconcileText)) reconcileEveryMs = undefined;
    else if (!isDuration(reconcileText) || parseDuration(reconcileText) < 1_000) {
      problems.push(`BAOXUE_RECONCILE_EVERY: "${reconcileText}" is not an interval like 1h, 30m or 1d (at least 1s), or off`);
    } else reconcileEveryMs = parseDuration(reconcileText);
  }

  const workerTuning: WorkerTuning = {};
  for (const [key, name] of Object.entries(WORKER_TUNING_ENV) as Array<[keyof WorkerTuning, string]>) {
    const text = value(name);
    if (text === undefined) continue;
    if (key === 'reuseV8Context') {
      if (/^(true|false)$/i.test(text)) workerTuning.reuseV8Context = /^true$/i.test(text);
      else problems.push(`${name}: "${text}" is not true or false`);
    } else if (/^\d{1,6}$/.test(text) && Number(text) >= leastOf(key)) {
      workerTuning[key] = Number(text);
    } else {
      problems.push(`${name}: "${text}" is not a whole number (at least ${leastOf(key)})`);
    }
  }

  const codecCorsOrigins = (value('BAOXUE_CODEC_CORS_ORIGINS')?.split(',') ?? DEFAULT_CODEC_CORS_ORIGINS).map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const origin of codecCorsOrigins) {
    if (!/^https?:\/\/[^\s/]+$/.test(origin)) problems.push(`BAOXUE_CODEC_CORS_ORIGINS: "${origin}" is not an origin like http://localhost:8233`);
  }

  const townsText = value('BAOXUE_TOWNS');
  if (townsText !== undefined && value('BAOXUE_TOWN') !== undefined) {
    problems.push('BAOXUE_TOWN and BAOXUE_TOWNS are both set; set only BAOXUE_TOWNS (BAOXUE_TOWN is the one-town form of it)');
  }
  const townPaths =
    townsText === undefined
      ? [path('BAOXUE_TOWN', DEFAULT_TOWN_FILE)]
      : townsText
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .map((p) => (isAbsolute(p) ? p : resolve(cwd, p)));
  if (townsText !== undefined && townPaths.length === 0) problems.push('BAOXUE_TOWNS: name at least one town file or folder');

  let sessionTtlSeconds = DEFAULT_SESSION_TTL_SECONDS;
  const sessionText = value('BAOXUE_SESSION_LIFETIME');
  if (sessionText !== undefined) {
    if (!isDuration(sessionText) || parseDuration(sessionText) < 15 * 60_000) {
      problems.push(`BAOXUE_SESSION_LIFETIME: "${sessionText}" is not a lifetime like 10h or 600m (at least 15m)`);
    } else sessionTtlSeconds = Math.round(parseDuration(sessionText) / 1000);
  }

  const sizeSetting = (name: string, fallback: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const m = /^(\d{1,10})\s*(kb|mb)?$/i.exec(text);
    if (!m || Number(m[1]) === 0) {
      problems.push(`${name}: "${text}" is not a size like 20mb, 500kb or 1048576 (bytes)`);
      return fallback;
    }
    return Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'mb' ? 1024 * 1024 : 1024) : 1);
  };
  const ledgerMaxBytes = sizeSetting('BAOXUE_LEDGER_MAX_SIZE', DEFAULT_LEDGER_MAX_BYTES);
  const ledgerMaxUnpackedBytes = sizeSetting('BAOXUE_LEDGER_MAX_UNPACKED', DEFAULT_LEDGER_MAX_UNPACKED_BYTES);
  let ledgerMaxRows = DEFAULT_LEDGER_MAX_ROWS;
  const rowsText = value('BAOXUE_LEDGER_MAX_ROWS');
  if (rowsText !== undefined) {
    if (!/^\d{1,9}$/.test(rowsText) || Number(rowsText) === 0) problems.push(`BAOXUE_LEDGER_MAX_ROWS: "${rowsText}" is not a row count like 50000`);
    else ledgerMaxRows = Number(rowsText);
  }

  const timeouts: TimeoutSettings = { ...DEFAULT_TIMEOUTS };
  const timeoutEnv: Array<[keyof TimeoutSettings, string]> = [
    ['dbStatementMs', 'BAOXUE_DB_STATEMENT_TIMEOUT'],
    ['dbConnectMs', 'BAOXUE_DB_CONNECT_TIMEOUT'],
    ['temporalCallMs', 'BAOXUE_TEMPORAL_TIMEOUT'],
  ];
  for (const [key, name] of timeoutEnv) {
    const text = value(name);
    if (text === undefined) continue;
    if (isDuration(text) && parseDuration(text) >= 1_000 && parseDuration(text) <= 600_000) timeouts[key] = parseDuration(text);
    else problems.push(`${name}: "${text}" is not a duration like 10s or 1m (from 1s to 10m)`);
  }

  const logFormatText = value('BAOXUE_LOG_FORMAT')?.toLowerCase() ?? 'text';
  if (logFormatText !== 'text' && logFormatText !== 'json') problems.push(`BAOXUE_LOG_FORMAT: "${logFormatText}" is not text or json`);
  const workerMetricsAddress = value('BAOXUE_WORKER_METRICS_ADDRESS');
  if (workerMetricsAddress !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(workerMetricsAddress)) {
    problems.push(`BAOXUE_WORKER_METRICS_ADDRESS: "${workerMetricsAddress}" is not host:port (for example 0.0.0.0:9464)`);
  }

  const otlpEndpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (otlpEndpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(otlpEndpoint)) {
    problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT: "${otlpEndpoint}" is not an http(s) address (for example http://otel-collector:4318)`);
  }

  const retention = { outboxMs: 30 * 86_400_000, idempotencyMs: 7 * 86_400_000 };
  for (const [key, name, min] of [
    ['outboxMs', 'BAOXUE_OUTBOX_RETENTION', 3_600_000],
    // An idempotency key answers retries for 24 h: pruning one sooner would let a retry run twice.
    ['idempotencyMs', 'BAOXUE_IDEMPOTENCY_RETENTION', 86_400_000],
  ] as const) {
    const text = value(name);
    if (text === undefined) continue;
    if (isDuration(text) && parseDuration(text) >= min) retention[key] = parseDuration(text);
    else problems.push(`${name}: "${text}" is not a duration like 30d or 12h of at least ${min / 3_600_000} h`);
  }

  const channels = readChannelSettings(value, databaseUrl === undefined, problems);

  const config: BaoxueConfig = {
    port,
    dataDir: path('BAOXUE_DATA_DIR', DEFAULT_DATA_DIR),
    databaseUrl,
    temporalAddress,
    temporalNamespace,
    policyPath: path('BAOXUE_POLICY', DEFAULT_POLICY_FILE),
    townPaths,
    payloadKeys,
    reconcileEveryMs,
    codecCorsOrigins,
    tokenSecret,
    demoPassword,
    seedDemo,
    seedDemoCases: seedDemo,
    trustProxyHops,
    rateLimit,
    loginRateLimit,
    loginLockoutAfter,
    ledgerMaxBytes,
    ledgerMaxUnpackedBytes,
    ledgerMaxRows,
    sessionTtlSeconds,
    workerTuning,
    timeouts,
    logFormat: logFormatText === 'json' ? 'json' : 'text',
    workerMetricsAddress,
    otlpEndpoint,
    retention,
    channels,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `300/1m`, `10/30s`, `1000/1h`, or a bare count per minute. */
function rateLimitSetting(name: string, text: string | undefined, fallback: RateLimitSetting, problems: string[]): RateLimitSetting {
  if (text === undefined) return fallback;
  const match = /^(\d{1,9})(?:\s*\/\s*(\d{0,6})\s*(s|m|h))?$/.exec(text);
  const limit = Number(match?.[1]);
  const count = match?.[2] ? Number(match[2]) : 1;
  const unitMs = { s: 1_000, m: 60_000, h: 3_600_000 }[(match?.[3] ?? 'm') as 's' | 'm' | 'h'];
  if (!match || limit < 1 || count < 1) {
    problems.push(`${name}: "${text}" is not a rate limit; write requests per window, like 300/1m, 10/30s or 1000/1h`);
    return fallback;
  }
  return { limit, windowMs: count * unitMs };
}

/** For the command-line tools: the settings, or undefined once what is wrong has been printed (exit with 2). */
export function loadConfigForCommand(): BaoxueConfig | undefined {
  try {
    return loadConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    return undefined;
  }
}
