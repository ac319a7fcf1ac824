/**
 * The embedded PostgreSQL keeps its data across restarts: first start initialises the cluster,
 * the second reuses it (and finds the table made before). A stale postmaster.pid is survived, and a
 * second server on the same folder or a taken port is refused with a clear error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningPostgres, startEmbeddedPostgres } from '../../src/infra/embedded-postgres';

/** Minimal typing of `pg` (the project has no @types/pg). */
type PgClient = { connect(): Promise<void>; query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: new (config: { connectionString: string }) => PgClient };

let base: string;
let pg: RunningPostgres | undefined;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'baoxue-pg-test-'));
});

afterAll(async () => {
  await pg?.stop();
  rmSync(base, { recursive: true, force: true });
});

it('initialises once, keeps data across a restart, and survives a stale postmaster.pid', async () => {
  const dataDir = join(base, 'data', 'postgres');

  let t = Date.now();
  pg = await startEmbeddedPostgres({ dataDir, log });
  const firstStartMs = Date.now() - t;
  expect(pg.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/baoxue$/);
  expect(await query(pg.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  await query(pg.url, "create table kept (name text); insert into kept values ('保学')");
  await pg.stop();
  await pg.stop(); // idempotent
  pg = undefined;
  expect(lines.some((l) => l.includes('initialising PostgreSQL cluster'))).toBe(true);

  // A postmaster.pid whose process is gone, as a SIGKILL would leave it.
  writeFileSync(join(dataDir, 'postmaster.pid'), '999999\n');
  lines.length = 0;
  t = Date.now();
  pg = await startEmbeddedPostgres({ dataDir, log });
  const warmStartMs = Date.now() - t;
  expect(lines.some((l) => l.includes('initialising'))).toBe(false);
  expect(lines.some((l) => l.includes('removing stale'))).toBe(true);
  expect(await query(pg.url, 'select name from kept')).toEqual([{ name: '保学' }]);

  // Clear refusals, before anything is touched: the same folder twice, a taken port.
  await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/already running on .*running twice/);
  await expect(startEmbeddedPostgres({ dataDir: join(base, 'other'), port: pg.port })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is taken/);
  console.log(`embedded PostgreSQL: first start (initdb) ${firstStartMs} ms, warm start ${warmStartMs} ms`);
});
