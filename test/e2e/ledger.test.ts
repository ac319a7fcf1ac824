/**
 * The Excel ledger end to end: the app as `npm start` composes it (real Temporal, real PostgreSQL),
 * files generated here. Over HTTP, imports are jobs (202, then GET /api/ledger/imports/:id): import
 * with cases opened on Temporal, the 422 report, good rows only, re-import, export and import back,
 * a bad file type and a too-large file. The command line
 * (`node dist/ledger-main.js`, built by `npm run build`) spawned against the same database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { as, AsUser } from '../support/auth';
import { idNumberFor, ledgerCsv, ledgerXlsx } from '../support/ledger-files';
import { importThroughJob } from '../support/ledger-jobs';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startApp, testConfig, waitForCase } from '../support/running-app';
import { loadConfig } from '../../src/config';

const MAX_BYTES = 300_000;
let db: TestDatabase;
let app: RunningBaoxue;
let coordinator: AsUser;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  // The town's real policy (windows of days): with the seconds policy a case's timer could fire
  // mid-test and its projection undo a test's change to the read model (the 销号 test below).
  const config = testConfig({ databaseUrl: db.url, ledgerMaxBytes: MAX_BYTES, policyPath: loadConfig({}).policyPath });
  dataDir = config.dataDir;
  app = await startApp(config);
  coordinator = await as(app.apiUrl!, 'coordinator');
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

const upload = (file: Buffer, name: string, query = '', user = coordinator) => user.post(`/api/ledger/import${query}`).attach('file', file, name);
const importJob = (file: Buffer, name: string, query = '', user = coordinator) => importThroughJob(user, file, name, query);
const count = async (sql: string) => (await app.dataSource.query(sql))[0].n as number;

describe('POST /api/ledger/import', () => {
  it('imports children and opens the cases on Temporal; the same file again changes nothing', async () => {
    const file = await ledgerXlsx({ count: 12, cases: { 0: '因贫', 5: '监护人无正当理由拒绝' } });
    const job = await importJob(file, 'taizhang.xlsx');
    expect(job).toMatchObject({ status: 'done', error: null, progress: { phase: 'cases', done: 2, total: 2 } });
    expect(job.report).toMatchObject({ status: 'IMPORTED', town: 'GULING', counts: { rows: 12, created: 12, casesOpened: 2, casesAlreadyOpen: 0, casesFailed: 0 } });
    const cases: Array<{ id: string }> = await app.dataSource.query(`SELECT k.id FROM cases k JOIN children c ON c.id = k.child_id WHERE c.id_number = ANY($1)`, [[idNumberFor(1), idNumberFor(6)]]);
    expect(cases).toHaveLength(2);
    for (const { id } of cases) {
      const view = await waitForCase(app.apiUrl!, id, (c) => c.policyVersion !== null);
      expect(view).toMatchObject({ stage: 'HOME_VISIT', open: true });
      expect(view.timeline[0]).toMatchObject({ type: 'CASE_OPENED', actor: '谭巧玲（coordinator）' });
    }
    const again = await importJob(file, 'taizhang.xlsx');
    expect(again.report!.counts).toMatchObject({ created: 0, updated: 0, unchanged: 12, casesOpened: 0, casesAlreadyOpen: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM imports`)).toBe(2);
    const [recorded] = await app.dataSource.query(`SELECT import_id, file IS NULL AS emptied FROM ledger_import_jobs WHERE id = $1`, [again.id]);
    expect(recorded).toEqual({ import_id: again.report!.importId, emptied: true });
    const audit = await (await as(app.apiUrl!, 'leader')).get('/api/audit?what=IMPORT_LEDGER');
    expect(audit.body.items[0]).toMatchObject({ username: 'coordinator', status: 202, detail: { jobId: again.id } });
  });

  it('a row of a child whose case was closed (销号) opens no case unless reopenClosedCases=true (issue 13; dry runs)', async () => {
    const file = await ledgerXlsx({ count: 12, cases: { 0: '因贫' } });
    await importJob(file, 'taizhang.xlsx');
    // Closed in the read model only, and put back after (later tests use this child's open case).
    const ofChild = `child_id = (SELECT id FROM children WHERE id_number = $1)`;
    const [{ stage }] = await app.dataSource.query(`SELECT stage FROM cases WHERE open AND ${ofChild}`, [idNumberFor(1)]);
    await app.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now() WHERE ${ofChild}`, [idNumberFor(1)]);
    try {
      const kept = await importJob(file, 'taizhang.xlsx', '?dryRun=true');
      expect(kept).toMatchObject({ status: 'done', reopenClosedCases: false, report: { status: 'DRY_RUN', counts: { casesOpened: 0, casesClosedNotReopened: 1 } } });
      expect(kept.report!.closedCases).toEqual([expect.objectContaining({ row: 2, message: expect.stringContaining('该儿童的案件已销号') })]);
      const reopened = await importJob(file, 'taizhang.xlsx', '?dryRun=true&reopenClosedCases=true');
      expect(reopened).toMatchObject({ status: 'done', reopenClosedCases: true, report: { counts: { casesOpened: 1, casesClosedNotReopened: 0 }, closedCases: [] } });
    } finally {
      await app.dataSource.query(`UPDATE cases SET stage = $2, open = true, ended_at = NULL WHERE ${ofChild}`, [idNumberFor(1), stage]);
    }
  });

  it('answers 422 with the row-by-row report and writes nothing; with goodRowsOnly=true the good rows go in', async () => {
    const csv = Buffer.from(ledgerCsv({ start: 100, count: 6, bad: { 1: { 身份证号: '500235201001010011' }, 4: { 学校: '月亮小学' } } }));
    const before = await count(`SELECT count(*)::int AS n FROM children`);
    const refused = await importJob(csv, 'bad.csv');
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'LEDGER.ROWS_INVALID', statusCode: 422, messageEn: expect.stringMatching(/^2 rows are not valid/), path: '/api/ledger/import' });
    expect(refused.report!.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
      [3, 'B'],
      [6, 'E'],
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM children`)).toBe(before);
    const good = await importJob(csv, 'bad.csv', '?goodRowsOnly=true');
    expect(good.status).toBe('done');
    expect(good.report!.counts).toMatchObject({ rows: 6, badRows: 2, created: 4, unchanged: 0 });
  });

  it('refuses a file that is not a spreadsheet (400) and one over the size limit (413), in the error shape', async () => {
    const png = await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), 'photo.png');
    expect(png.status).toBe(400);
    expect(png.body).toMatchObject({ statusCode: 400, code: 'LEDGER.UNSUPPORTED_FILE', message: expect.stringMatching(/xlsx/), path: '/api/ledger/import' });
    const large = await upload(Buffer.from(ledgerCsv({ count: 3000 })), 'large.csv');
    expect(large.status).toBe(413);
    expect(large.body.code).toBe('REQUEST.TOO_LARGE');
    const none = await coordinator.post('/api/ledger/import').field('x', '1');
    expect(none.body.code).toBe('LEDGER.FILE_REQUIRED');
  });

  it('lets a teacher import only the children of their class, and the leading group not at all', async () => {
    const teacher = await as(app.apiUrl!, 'teacher');
    const job = await importJob(await ledgerXlsx({ start: 300, count: 2 }), 't.xlsx', '', teacher);
    expect(job.error!.statusCode).toBe(422);
    expect(job.report!.problems[0]).toMatchObject({ column: '', messageEn: expect.stringMatching(/outside your scope/) });
    // A job is its uploader's: another user does not find it.
    expect((await coordinator.get(`/api/ledger/imports/${job.id}`)).body).toMatchObject({ statusCode: 404, code: 'LEDGER.IMPORT_NOT_FOUND' });
    expect((await upload(await ledgerXlsx({ count: 2 }), 't.xlsx', '', await as(app.apiUrl!, 'leader'))).status).toBe(403);
  });
});

describe('GET /api/ledger/export', () => {
  it('downloads the town’s ledger as .xlsx, which imports back without a change', async () => {
    const res = await coordinator.get('/api/ledger/export').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('台账-GULING'));
    const back = await importJob(res.body as Buffer, 'export.xlsx');
    expect(back.status).toBe('done');
    expect(back.report!.counts).toMatchObject({ created: 0, updated: 0, casesOpened: 0 });
    expect(back.report!.counts.unchanged).toBe(await count(`SELECT count(*)::int AS n FROM children`));
    expect(back.report!.unknownColumns).toEqual([]);
  });
});

describe('npm run ledger (the command line)', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'ledger-main.js'), ...args], {
        // The app's data folder holds its payload key: the command line encrypts what it sends to Temporal with it.
        env: { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: app.temporalAddress, BAOXUE_DATA_DIR: dataDir, BAOXUE_TOWNS: '', BAOXUE_TOWN: '' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });

  it('prints its help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('npm run ledger -- import <file.xlsx|file.csv> [--good-rows] [--town <code>] [--dry-run]');
  });

  it('reports bad rows as a table and a CSV next to the file (exit 1), then imports the good rows and opens a case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baoxue-ledger-'));
    const file = join(dir, 'cli.csv');
    writeFileSync(file, ledgerCsv({ start: 200, count: 5, bad: { 2: { 监护人电话: '110' } }, cases: { 0: '因贫' } }));
    const refused = await run(['import', file]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/4\s+K 监护人电话\s+110\s+电话号码格式不正确/);
    const errors = join(dir, 'cli.errors.csv');
    expect(existsSync(errors)).toBe(true);
    expect(readFileSync(errors, 'utf8')).toContain('监护人电话');

    const imported = await run(['import', file, '--good-rows', '--town', 'GULING']);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/新增 created 4.*立案 opened 1/);
    const [row] = await app.dataSource.query(`SELECT username, via, children_created, cases_opened FROM imports WHERE via = 'CLI'`);
    expect(row).toMatchObject({ via: 'CLI', children_created: 4, cases_opened: 1, username: expect.stringMatching(/^cli:/) });

    const exported = join(dir, 'out.xlsx');
    const exportRun = await run(['export', exported]);
    expect(exportRun.code).toBe(0);
    expect(readFileSync(exported).subarray(0, 2).toString()).toBe('PK');
  });
});
