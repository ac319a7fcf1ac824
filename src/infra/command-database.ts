/**
 * Where a command-line tool (npm run ledger, npm run admin) finds the database: DATABASE_URL, or
 * the embedded default's data folder: the running app's PostgreSQL when `npm start` is up (and its
 * Temporal), else the folder's PostgreSQL started for the command and stopped after it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BaoxueConfig } from '../config';
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
