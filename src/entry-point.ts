import { DemoSeedRefusedError } from './api/auth/demo-accounts';
import { startBaoxue } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { EMBEDDED_TEMPORAL_PORTS } from './temporal/dev-server';

const HELP = `baoxue 保学 — 控辍保学案件引擎 / dropout-control case engine

Usage: npm start            API and worker in one process, restarted when it dies (embedded PostgreSQL and Temporal by default)
       npm run start:api    the API alone
       npm run start:worker the worker alone

Settings (environment):
  PORT               HTTP port of the API (default 3000)
  BAOXUE_DATA_DIR    folder of the embedded databases (default ./data)
  DATABASE_URL       use this PostgreSQL instead of the embedded one
  TEMPORAL_ADDRESS   use this Temporal (host:port) instead of the embedded dev server
  TEMPORAL_NAMESPACE Temporal namespace (default "default")
  BAOXUE_POLICY      escalation policy file (default policies/default.json)
  BAOXUE_TOWN        town reference data (default towns/guling.json; its responsibility chains beside it, towns/guling.responsibility.json)
  BAOXUE_TOKEN_SECRET  key of the log-in tokens, 32+ characters (default a key file in the data folder)
  BAOXUE_DEMO_PASSWORD password of the demo accounts (default: generated once into <data folder>/demo-password;
                       required with DATABASE_URL and BAOXUE_SEED_DEMO=true)
  BAOXUE_SEED_DEMO     create the demo accounts (default true embedded, false with DATABASE_URL; refused
                       on a database with real accounts; when off, demo accounts are switched off)
  BAOXUE_TRUST_PROXY   reverse proxies in front, for the client address in the audit log (default false)
  BAOXUE_PAYLOAD_KEYS  keys of the payloads in Temporal, id:base64,... (first encrypts; default a key file in the data folder)
  BAOXUE_RECONCILE_EVERY  interval of the scheduled reconciliation 人账相符 (default 1h; off)
  BAOXUE_CODEC_CORS_ORIGINS  origins of Temporal's UI allowed to call /api/temporal-codec (default http://localhost:8233)
  BAOXUE_RATE_LIMIT    requests per client (user, or IP address) per window (default 300/1m)
  BAOXUE_LOGIN_RATE_LIMIT  failed log-ins per IP address per window (default 10/1m)
  BAOXUE_LOGIN_LOCKOUT     failed log-ins in a row that lock an account for a while (default 5)
  BAOXUE_WORKER_CACHED_WORKFLOWS, BAOXUE_WORKER_WORKFLOW_TASK_SLOTS, BAOXUE_WORKER_ACTIVITY_TASK_SLOTS,
  BAOXUE_WORKER_WORKFLOW_TASK_POLLERS, BAOXUE_WORKER_ACTIVITY_TASK_POLLERS, BAOXUE_WORKER_REUSE_V8_CONTEXT
                       worker cache and slots (default: the Temporal SDK's; see README, npm run bench)
  BAOXUE_LEDGER_MAX_UNPACKED  an .xlsx's largest unpacked size (default 100mb; a decompression bomb is refused)
  BAOXUE_LEDGER_MAX_ROWS      most data rows of a ledger file (default 50000)
  BAOXUE_SUPERVISE     false: npm start runs without its supervisor (default: a child process, restarted when it dies)
  BAOXUE_DB_STATEMENT_TIMEOUT, BAOXUE_DB_CONNECT_TIMEOUT, BAOXUE_TEMPORAL_TIMEOUT
                       bounded waits: longest statement, wait for a connection, Temporal call (default 10s, 5s, 10s)
  BAOXUE_LOG_FORMAT    json: one JSON line per request on stdout (default text: none)
  BAOXUE_WORKER_METRICS_ADDRESS  host:port of the worker's Temporal SDK metrics (/metrics; default off)
  OTEL_EXPORTER_OTLP_ENDPOINT    OTLP/HTTP address for OpenTelemetry traces, e.g. http://collector:4318 (default off)
  BAOXUE_SMS           SMS notifications: off, fake (local fake provider) or aliyun with BAOXUE_SMS_ACCESS_KEY_ID,
                       _ACCESS_KEY_SECRET, _SIGN_NAME, _TEMPLATE_CODE (default fake embedded, off with DATABASE_URL)
  BAOXUE_WECOM         企业微信 notifications: off, fake or wecom with BAOXUE_WECOM_CORP_ID, _CORP_SECRET, _AGENT_ID
                       (default as BAOXUE_SMS); BAOXUE_SMS_DAILY_CAP, BAOXUE_WECOM_DAILY_CAP per person and day (20, 50)
  TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH  Temporal binaries to use instead of vendor/temporal

Also: npm run reconcile   compare the ledger's open cases with the running workflows (人账相符)
      npm run backup      copy the stopped data folder (databases and keys); npm run restore -- <folder> puts it back`;

/** Embedded services listen on the usual Temporal ports, so the Temporal UI is where users expect it. */
const EMBEDDED_PORTS = EMBEDDED_TEMPORAL_PORTS;

export async function runEntryPoint(roles: { api: boolean; worker: boolean }): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const log = (line: string) => console.log(`[baoxue] ${line}`);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(2);
  }
  if (!roles.worker || !roles.api) {
    const missing = [!config.databaseUrl && 'DATABASE_URL', !config.temporalAddress && 'TEMPORAL_ADDRESS'].filter(Boolean);
    if (missing.length > 0) {
      console.error(`A separate ${roles.api ? 'API' : 'worker'} process shares its databases with the others: set ${missing.join(' and ')}.`);
      process.exit(2);
    }
  }

  const started = Date.now();
  let shuttingDown = false;
  const baoxue = await startBaoxue({
    config,
    roles,
    embedded: EMBEDDED_PORTS,
    log,
    onWorkerFailure: (err) => {
      if (shuttingDown) return;
      console.error('[baoxue] the worker stopped:', err);
      void shutdown(1);
    },
  }).catch((err) => {
    console.error(`[baoxue] start failed: ${(err as Error).message}`);
    // A refused demo seeding is a setting to change, like a configuration error.
    process.exit(err instanceof DemoSeedRefusedError ? 2 : 1);
  });

  const shutdown = async (code = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('停止中 / stopping ...');
    await baoxue.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  log(`就绪 / ready in ${Date.now() - started} ms`);
  if (baoxue.apiUrl) {
    const base = baoxue.apiUrl.replace('127.0.0.1', 'localhost');
    log(`API:          ${base}/api`);
    log(`看板 dashboard: ${base}/dashboard   办理 caseworker page: ${base}/app`);
    log(`Swagger UI:   ${base}/api/docs`);
    log(`健康 health:  ${base}/api/health`);
    log(`登录 log-in:  POST ${base}/api/auth/login  { "username", "password" }`);
  }
  log(`Temporal:     ${baoxue.temporalAddress}${baoxue.embedded.temporal ? ' (embedded dev server)' : ''}`);
  if (baoxue.temporalUiUrl) log(`Temporal UI:  ${baoxue.temporalUiUrl.replace('127.0.0.1', 'localhost')}`);
  log(`PostgreSQL:   ${baoxue.embedded.postgres ? `embedded, data in ${config.dataDir}` : 'DATABASE_URL'}`);
  if (baoxue.worker) log(`worker polling task queue baoxue-cases`);
  log('Ctrl-C to stop / 按 Ctrl-C 停止');
}
