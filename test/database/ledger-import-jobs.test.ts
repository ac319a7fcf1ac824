/**
 * The ledger import job's runner against a real PostgreSQL (src/api/ledger/import-jobs.ts): a job
 * whose worker died (no heartbeat for a minute) is taken again and finishes; one another worker is
 * running (its heartbeat fresh) is left alone; one that kept dying fails cleanly with nothing
 * written; and a failed job has the API's error shape.
 */
import { ImportJobRunner, JobImporter, MAX_ATTEMPTS, submitImportJob } from '../../src/api/ledger/import-jobs';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { DEFAULT_READ_LIMITS } from '../../src/ledger/import-ledger';
import { loadTowns } from '../../src/read-model/town';
import { DEMO_PASSWORD } from '../support/auth';
import { ledgerCsv } from '../support/ledger-files';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let importer: JobImporter;
let runner: ImportJobRunner;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
  const [user] = await db.dataSource.query(`SELECT id FROM users WHERE username = 'coordinator'`);
  importer = { id: user.id, username: 'coordinator', actor: '谭巧玲（coordinator）', role: 'COORDINATOR', town: 'GULING', area: null, school: null, grade: null, className: null };
  runner = new ImportJobRunner({ dataSource: db.dataSource, towns: loadTowns(), limits: DEFAULT_READ_LIMITS });
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  for (const table of ['ledger_import_jobs', 'imports', 'guardians', 'children']) await db.dataSource.query(`DELETE FROM ${table}`);
});

const submit = (count: number, start = 0) =>
  submitImportJob(db.dataSource, { importer, ip: '127.0.0.1', fileName: 'taizhang.csv', bytes: Buffer.from(ledgerCsv({ count, start })), goodRowsOnly: false, dryRun: false });
const job = async (id: string) => (await db.dataSource.query(`SELECT status, attempts, error, report, file IS NULL AS emptied FROM ledger_import_jobs WHERE id = $1`, [id]))[0];
const children = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM children`))[0].n as number;
/** As a worker that died leaves it: running, its heartbeat `ago` old, its transaction rolled back. */
const interrupted = (id: string, ago: string, attempts: number) =>
  db.dataSource.query(`UPDATE ledger_import_jobs SET status = 'running', attempts = $2, heartbeat_at = now() - $3::interval WHERE id = $1`, [id, attempts, ago]);

describe('the import job runner', () => {
  it('takes again a job whose worker died, and finishes it once', async () => {
    const { id } = await submit(20);
    await interrupted(id, '2 minutes', 1);
    expect(await runner.runNext()).toBe(true);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2, error: null, emptied: true, report: { counts: { rows: 20, created: 20 } } });
    expect(await children()).toBe(20);
    expect(await runner.runNext()).toBe(false);
  });

  it('leaves alone a job another worker is running', async () => {
    const { id } = await submit(5, 100);
    await interrupted(id, '5 seconds', 1);
    expect(await runner.runNext()).toBe(false);
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await children()).toBe(0);
  });

  it(`fails a job cut off ${MAX_ATTEMPTS} times, writing nothing, in the error shape`, async () => {
    const { id } = await submit(5, 200);
    await interrupted(id, '2 minutes', MAX_ATTEMPTS);
    expect(await runner.runNext()).toBe(true);
    expect(await job(id)).toMatchObject({
      status: 'failed',
      emptied: true,
      report: null,
      error: { statusCode: 500, code: 'INTERNAL.ERROR', message: expect.stringMatching(/导入多次中断/), path: '/api/ledger/import' },
    });
    expect(await children()).toBe(0);
  });

  it('runs the queued jobs oldest first', async () => {
    const first = await submit(3, 300);
    const second = await submit(3, 400);
    expect(await runner.runNext()).toBe(true);
    expect((await job(first.id)).status).toBe('done');
    expect((await job(second.id)).status).toBe('queued');
  });
});
