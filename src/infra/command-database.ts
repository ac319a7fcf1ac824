/**
 * Where a command-line tool (npm run ledger, admin, reconcile, report) finds the database: DATABASE_URL, or
 * the embedded default's data folder: the running app's PostgreSQL when `npm start` is up (and its
 * Temporal), else the folder's PostgreSQL started for the command and stopped after it.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { BaoxueConfig, loadConfigForCommand } from '../config';
import { openReadModel } from '../read-model/data-source';
import { EMBEDDED_TEMPORAL_PORTS } from '../temporal/dev-server';
import { runningEmbeddedPostgresUrl, startEmbeddedPostgres } from './embedded-postgres';

export type CommandDatabase =
  | { url: string; temporalAddress?: string; stop?: () => Promise<void> }
  /** Nothing to connect to: what to tell the operator. */
  | { problem: string };

export async function commandDatabase(config: BaoxueConfig): Promise<CommandDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, temporalAddress: config.temporalAddress };
  const pgData = join(config.dataDir, 'postgres');
  const appRunning = runningEmbeddedPostgresUrl(pgData);
  if (appRunning) return { url: appRunning, temporalAddress: config.temporalAddress ?? `127.0.0.1:${EMBEDDED_TEMPORAL_PORTS.temporalPort}` };
  if (!existsSync(join(pgData, 'PG_VERSION'))) return { problem: `${config.dataDir} holds no baoxue data: start baoxue once (npm start), or set DATABASE_URL` };
  console.error(`启动数据库 / starting the embedded PostgreSQL of ${config.dataDir}`);
  const pg = await startEmbeddedPostgres({ dataDir: pgData });
  return { url: pg.url, temporalAddress: config.temporalAddress, stop: () => pg.stop() };
}

/** A refusal a command prints as it is and exits with 2 (a wrong town, a missing file, no data). */
export class CommandRefusedError extends Error {
  override name = 'CommandRefusedError';
}

export interface CommandContext {
  config: BaoxueConfig;
  /** Opens the read model (the database as commandDatabase finds it) once; later calls get the same. */
  readModel(): Promise<{ dataSource: DataSource; temporalAddress?: string }>;
  /** Closed when the command ends, last added first. */
  cleanup(fn: () => Promise<unknown>): void;
}

export interface RunCommandOptions {
  /** `application_name` of its PostgreSQL connections, e.g. baoxue-ledger. */
  applicationName: string;
  poolSize?: number;
  /** What failed, in Chinese and English, before the error's message: `台账导入未能完成 / the import could not run`. */
  failure: string;
  /** Errors the command explains itself (it prints them and gives the exit code); undefined: the default line. */
  explain?: (err: unknown) => number | undefined;
}

/**
 * The prelude and ending every command-line tool shares: the settings (printed and exit 2 when
 * wrong), the read model on demand, exit 2 on a refusal or an unexpected error with one line that
 * says what could not run, and every connection and embedded server closed whatever happened.
 * The body returns the exit code of its own outcomes (0, or 1 for "done, with differences").
 */
export async function runCommand(options: RunCommandOptions, body: (ctx: CommandContext) => Promise<number>): Promise<number> {
  const config = loadConfigForCommand();
  if (!config) return 2;
  const cleanups: Array<() => Promise<unknown>> = [];
  let opened: Promise<{ dataSource: DataSource; temporalAddress?: string }> | undefined;
  const readModel = () =>
    (opened ??= (async () => {
      const database = await commandDatabase(config);
      if ('problem' in database) throw new CommandRefusedError(database.problem);
      if (database.stop) cleanups.push(database.stop);
      const dataSource = await openReadModel({ url: database.url, poolSize: options.poolSize ?? 2, applicationName: options.applicationName, quiet: true });
      cleanups.push(() => dataSource.destroy());
      return { dataSource, temporalAddress: database.temporalAddress };
    })());
  try {
    return await body({ config, readModel, cleanup: (fn) => cleanups.push(fn) });
  } catch (err) {
    if (err instanceof CommandRefusedError) {
      console.error(err.message);
      return 2;
    }
    const code = options.explain?.(err);
    if (code !== undefined) return code;
    console.error(`${options.failure}: ${(err as Error).message}`);
    return 2;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Who ran a command, for the audit log and the rows it writes: `cli:<operating-system user>`. */
export function commandOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}
