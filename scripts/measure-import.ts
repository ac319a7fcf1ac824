/**
 * How long a ledger import takes: 5,000 and 50,000 rows of children (xlsx and csv), the same file
 * again (nothing to write), and 5,000 rows that each open a case on Temporal (real dev server and
 * worker, as `npm start` runs them). Each run uses a fresh database on the server of DATABASE_URL.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/run-ts.js scripts/measure-import.ts [--cases 5000] [--sizes 5000,50000] [--writer]
 *
 * --writer imports the children as the town's coordinator, as the API does: the write rule
 * (src/access/child-writes.ts) decides every row; without it, as the command line (no user).
 *
 * The files are generated here (test/support/ledger-files.ts) and never written to disk.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { startBaoxue } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { importLedger, ImportOptions } from '../src/ledger/import-ledger';
import { loadPolicy } from '../src/policy/load-policy';
import { openReadModel } from '../src/read-model/data-source';
import { loadTown } from '../src/read-model/town';
import { TemporalCaseEngine } from '../src/temporal/temporal-case-engine';
import { ledgerCsv, ledgerXlsx } from '../test/support/ledger-files';

const server = process.env.DATABASE_URL;
if (!server) {
  console.error('set DATABASE_URL to a PostgreSQL server (a fresh database is created and dropped there)');
  process.exit(2);
}
const argValue = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = argValue('--sizes', '5000,50000').split(',').map(Number);
const caseRows = Number(argValue('--cases', '5000'));
const town = loadTown();
const importer: ImportOptions['importer'] = { userId: null, username: 'cli:measure', actor: '测量（cli:measure）', via: 'CLI' };
const writer: ImportOptions['writer'] = process.argv.includes('--writer')
  ? { role: 'COORDINATOR', town: town.code, area: null, school: null, grade: null, className: null }
  : undefined;

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `baoxue_measure_${randomBytes(4).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url: server, poolSize: 1 }).initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server!);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.destroy();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function childrenOnly(size: number, kind: 'xlsx' | 'csv'): Promise<void> {
  const [bytes, makeMs] = await timed(async () => (kind === 'xlsx' ? ledgerXlsx({ count: size }) : Buffer.from(ledgerCsv({ count: size }))));
  await withDatabase(async (url) => {
    const dataSource = await openReadModel({ url, poolSize: 4, applicationName: 'baoxue-measure', quiet: true });
    try {
      const [first, firstMs] = await timed(() => importLedger({ dataSource }, { town, fileName: `m.${kind}`, bytes, importer, writer }));
      const [again, againMs] = await timed(() => importLedger({ dataSource }, { town, fileName: `m.${kind}`, bytes, importer, writer }));
      const [dry, dryMs] = await timed(() => importLedger({ dataSource }, { town, fileName: `m.${kind}`, bytes, importer, writer, dryRun: true }));
      console.log(
        `${String(size).padStart(6)} rows ${kind.padEnd(4)} ${(bytes.length / 1e6).toFixed(1)} MB (made in ${seconds(makeMs)}): ` +
          `import ${seconds(firstMs)} (created ${first.counts.created}), again ${seconds(againMs)} (unchanged ${again.counts.unchanged}), dry run ${seconds(dryMs)} (${dry.status})`,
      );
    } finally {
      await dataSource.destroy();
    }
  });
}

async function withCases(size: number): Promise<void> {
  const file = (count: number, start: number) => {
    const cases: Record<number, string> = {};
    for (let i = 0; i < count; i++) cases[i] = '因贫';
    return ledgerXlsx({ count, cases, start });
  };
  await withDatabase(async (url) => {
    const config = { ...loadConfig({}), databaseUrl: url, dataDir: mkdtempSync(join(tmpdir(), 'baoxue-measure-')), seedDemo: false };
    const running = await startBaoxue({ config, roles: { api: false, worker: true } });
    const connection = await Connection.connect({ address: running.temporalAddress });
    try {
      const { baoxueDataConverter } = await import('../src/temporal/codec');
      const client = new Client({ connection, namespace: config.temporalNamespace, dataConverter: baoxueDataConverter(running.payloadCodec) });
      const engine = new TemporalCaseEngine(client, loadPolicy(config.policyPath));
      // The default concurrency on the whole file, then a fifth as many other children at 32 at once.
      for (const [concurrency, count, start] of [[8, size, 0], [32, Math.ceil(size / 5), size]]) {
        const bytes = await file(count, start);
        const [report, ms] = await timed(() => importLedger({ dataSource: running.dataSource, engine }, { town, fileName: 'cases.xlsx', bytes, importer, caseConcurrency: concurrency }));
        console.log(
          `${String(count).padStart(6)} rows xlsx with a case each, concurrency ${concurrency}: ${seconds(ms)} ` +
            `(children created ${report.counts.created}, cases opened ${report.counts.casesOpened}, already open ${report.counts.casesAlreadyOpen}, failed ${report.counts.casesFailed}; ${(report.counts.casesOpened / (ms / 1000)).toFixed(0)} cases/s)`,
        );
      }
    } finally {
      await connection.close();
      await running.stop();
    }
  });
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${require('node:os').cpus().length} CPUs (${require('node:os').cpus()[0]?.model}), load ${require('node:os').loadavg().map((l: number) => l.toFixed(1)).join(' ')}${writer ? ', as the coordinator (the write rule on every row)' : ''}`);
  for (const size of sizes) for (const kind of ['xlsx', 'csv'] as const) await childrenOnly(size, kind);
  if (caseRows > 0) await withCases(caseRows);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
