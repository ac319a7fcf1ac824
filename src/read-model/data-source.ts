/**
 * The read model's TypeORM data source. The schema comes from migrations only: `synchronize` is
 * off, always, and runMigrations is what start-up calls.
 */
import { Client as PgClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { READ_MODEL_ENTITIES } from './entities';
import { InitialSchema1764374400000 } from './migrations/1764374400000-initial-schema';
import { Users1764460800000 } from './migrations/1764460800000-users';
import { AuditLog1764547200000 } from './migrations/1764547200000-audit-log';
import { IdempotencyKeys1764640000000 } from './migrations/1764640000000-idempotency-keys';
import { ReconciliationRuns1764720000000 } from './migrations/1764720000000-reconciliation-runs';
import { Towns1764800000000 } from './migrations/1764800000000-towns';
import { RegistryAuditKinds1764800000001 } from './migrations/1764800000001-registry-audit-kinds';
import { Imports1764800000002 } from './migrations/1764800000002-imports';
import { TasksAndNotifications1764850000000 } from './migrations/1764850000000-tasks-and-notifications';
import { SupportMeasures1764900000000 } from './migrations/1764900000000-support-measures';
import { Documents1764950000000 } from './migrations/1764950000000-documents';
import { DashboardAndMonthlyReports1765000000000 } from './migrations/1765000000000-dashboard-and-monthly-reports';
import { DashboardMonthlyRollup1765000000001 } from './migrations/1765000000001-dashboard-monthly-rollup';
import { AuditLogChildIndex1766100000000 } from './migrations/1766100000000-audit-log-child-index';
import { LedgerImportJobs1766200000000 } from './migrations/1766200000000-ledger-import-jobs';
import { LedgerImportJobsReopenClosed1766200000001 } from './migrations/1766200000001-ledger-import-jobs-reopen-closed';
import { DemoAccounts1766300000000 } from './migrations/1766300000000-demo-accounts';
import { LoginThrottle1766300000001 } from './migrations/1766300000001-login-throttle';
import { AccountsAndSessions1766600000000 } from './migrations/1766600000000-accounts-and-sessions';
import { ApiRateLimit1766800000000 } from './migrations/1766800000000-api-rate-limit';
import { SourceImports1767000000000 } from './migrations/1767000000000-source-imports';
import { WatchGroups1767000000001 } from './migrations/1767000000001-watch-groups';
import { FindingCheck1767100000000 } from './migrations/1767100000000-finding-check';
import { AuditLogPageIndexes1767400000000 } from './migrations/1767400000000-audit-log-page-indexes';
import { NotificationChannels1768000000000 } from './migrations/1768000000000-notification-channels';
import { CaseApprovals1768020000000 } from './migrations/1768020000000-case-approvals';
import { CaseTransfers1768030000000 } from './migrations/1768030000000-case-transfers';

/** In order; append new migrations here. */
export const READ_MODEL_MIGRATIONS = [
  InitialSchema1764374400000,
  Users1764460800000,
  AuditLog1764547200000,
  IdempotencyKeys1764640000000,
  ReconciliationRuns1764720000000,
  Towns1764800000000,
  RegistryAuditKinds1764800000001,
  Imports1764800000002,
  TasksAndNotifications1764850000000,
  SupportMeasures1764900000000,
  Documents1764950000000,
  DashboardAndMonthlyReports1765000000000,
  DashboardMonthlyRollup1765000000001,
  AuditLogChildIndex1766100000000,
  LedgerImportJobs1766200000000,
  LedgerImportJobsReopenClosed1766200000001,
  DemoAccounts1766300000000,
  LoginThrottle1766300000001,
  AccountsAndSessions1766600000000,
  ApiRateLimit1766800000000,
  SourceImports1767000000000,
  WatchGroups1767000000001,
  FindingCheck1767100000000,
  AuditLogPageIndexes1767400000000,
  NotificationChannels1768000000000,
  CaseApprovals1768020000000,
  CaseTransfers1768030000000,
];

export const MIGRATIONS_TABLE = 'schema_migrations';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Any fixed number: the key of the advisory lock that serialises migration runs of all processes. */
const MIGRATION_LOCK_KEY = 7_261_834_015;

export interface ReadModelOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * Log every SQL statement (default false: warnings and migrations only). Failed queries are not
   * logged by default: their errors reach the caller (a refused duplicate is an answer, not a fault).
   */
  logQueries?: boolean;
  /** Log nothing, not even migrations (tests). */
  quiet?: boolean;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** How long to wait for a connection (connect, or a free one in the pool) before failing; default 5 s. */
  connectTimeoutMs?: number;
  /**
   * The longest a statement may run (PostgreSQL's statement_timeout; unset: no limit). The client
   * also gives up a little later (pg's query_timeout), for a server that does not answer at all
   * (frozen, or its machine gone), and then closes that connection (see BoundedPgClient).
   */
  statementTimeoutMs?: number;
}

/** How much later than the server's statement_timeout the client stops waiting for an answer. */
export const CLIENT_READ_MARGIN_MS = 1_000;

/**
 * A pg client that closes its connection when it stops waiting for an answer (query_timeout):
 * the statement may still run once the server wakes, and the connection must not go back to the
 * pool in the middle of it or of its transaction. Closing it makes the server roll that
 * transaction back, so nothing is half-written.
 */
class BoundedPgClient extends PgClient {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.catch((err: Error) => {
        if (err?.message === 'Query read timeout') (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        throw err;
      }) as never;
    }
    return result as never;
  }
}

export function dataSourceOptions(options: ReadModelOptions | string): DataSourceOptions {
  const o: ReadModelOptions = typeof options === 'string' ? { url: options } : options;
  return {
    type: 'postgres',
    url: o.url,
    entities: READ_MODEL_ENTITIES,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // The migrations create what they need (gen_random_uuid() is built into PostgreSQL 13+);
    // TypeORM must not try to CREATE EXTENSION, which needs rights a deployment may not grant.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    poolSize: o.poolSize ?? 10,
    // When PostgreSQL is down or unreachable, fail within seconds (the API answers 503
    // DATABASE.UNAVAILABLE, activities retry) instead of waiting forever: this bounds both the
    // TCP connect and the wait for a free connection of the pool. TCP keep-alive notices a
    // server that vanished without closing its connections.
    connectTimeoutMS: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    extra: {
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(o.statementTimeoutMs
        ? { Client: BoundedPgClient, statement_timeout: o.statementTimeoutMs, query_timeout: o.statementTimeoutMs + CLIENT_READ_MARGIN_MS }
        : {}),
    },
    logging: o.quiet ? false : o.logQueries ? 'all' : ['warn', 'migration'],
    applicationName: o.applicationName ?? 'baoxue',
  };
}

/** A data source for the read model; not yet connected (call `initialize()`). */
export function createDataSource(options: ReadModelOptions | string): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/**
 * Runs the pending migrations, each in its own transaction. An advisory lock makes concurrent
 * start-ups (API and worker as separate processes) wait for each other instead of racing.
 * Returns the names of the migrations run.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner('master');
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}

/** Connects and migrates: what a process calls at start-up. The caller destroys it at shutdown. */
export async function openReadModel(options: ReadModelOptions | string): Promise<DataSource> {
  const o: ReadModelOptions = typeof options === 'string' ? { url: options } : options;
  if (o.statementTimeoutMs) {
    // Migrations (and the lock that makes a second process wait for the first's) may take longer
    // than a request's statement: they run on a connection of their own, without the limit.
    const migrating = createDataSource({ ...o, statementTimeoutMs: undefined, poolSize: 2 });
    await migrating.initialize();
    try {
      await runMigrations(migrating);
    } finally {
      await migrating.destroy();
    }
    const dataSource = createDataSource(o);
    await dataSource.initialize();
    return dataSource;
  }
  const dataSource = createDataSource(o);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}
