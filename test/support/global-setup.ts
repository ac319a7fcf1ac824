/**
 * Once per jest run: make a PostgreSQL server available to the tests.
 * - DATABASE_URL set: use that server (each test file creates and drops its own database there);
 * - otherwise: start an embedded PostgreSQL (src/infra/embedded-postgres.ts) in a temporary folder,
 *   stopped by global-teardown.ts.
 * Tests find the server in BAOXUE_TEST_DATABASE_SERVER (workers inherit the environment).
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_SERVER_ENV } from './database-server';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresModule {
  startEmbeddedPostgres(options: { dataDir: string; port?: number; database?: string }): Promise<EmbeddedPostgresHandle>;
}

/** Shared with global-teardown (same process). */
export const EMBEDDED_HANDLE_KEY = '__baoxueTestPostgres';

export default async function globalSetup(): Promise<void> {
  const given = process.env.DATABASE_URL?.trim();
  if (given) {
    process.env[TEST_DATABASE_SERVER_ENV] = given;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'baoxue-test-pg-'));
  const { startEmbeddedPostgres } = loadEmbeddedPostgres();
  const handle = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
  (globalThis as Record<string, unknown>)[EMBEDDED_HANDLE_KEY] = { handle, dataDir };
  process.env[TEST_DATABASE_SERVER_ENV] = handle.url;
}

function loadEmbeddedPostgres(): EmbeddedPostgresModule {
  // Resolved at run time, so this file compiles before src/infra/embedded-postgres.ts exists.
  const path = join(__dirname, '..', '..', 'src', 'infra', 'embedded-postgres');
  try {
    return require(path) as EmbeddedPostgresModule;
  } catch (err) {
    throw new Error(
      `no PostgreSQL for the tests: DATABASE_URL is not set and the embedded server could not be loaded from ${path} ` +
        `(${(err as Error).message}). Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to use a running server.`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
