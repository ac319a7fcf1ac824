/**
 * The four sources over HTTP (POST /api/sources/import, real PostgreSQL, the worker's runner
 * beside the API as `npm start` has it): 202 and the job followed to its end, the 422 row report,
 * the same file again answered with the earlier import, the versions list, the scope rule per
 * role (403 naming why, 400 asking for the school), a bad file type, decompression bombs (the
 * ledger's bounds: refused at once, or as the job's error), and the audit row.
 */
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { xlsxBomb } from '../support/ledger-bombs';
import { idNumberFor } from '../support/ledger-files';
import { csvOf, registerRows, rollRows, xlsxOf } from '../support/source-files';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  coordinator = await as(api.server, 'coordinator');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const upload = (user: AsUser, query: string, file: Buffer, name: string) => user.post(`/api/sources/import?${query}`).attach('file', file, name);

async function waitFor(user: AsUser, id: string): Promise<Record<string, any>> {
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await user.get(`/api/sources/imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'DONE' || res.body.status === 'FAILED') return res.body;
    if (Date.now() > until) throw new Error(`source import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('POST /api/sources/import', () => {
  it('queues the register (202, Location), imports it as version 1, and answers the same file again with that import, DONE, writing nothing', async () => {
    const file = await xlsxOf({ 户籍: registerRows([1, 2, 3]) });
    const posted = await upload(coordinator, 'kind=HOUSEHOLD_REGISTER', file, '户籍.xlsx');
    expect(posted.status).toBe(202);
    expect(posted.headers.location).toBe(`/api/sources/imports/${posted.body.id}`);
    expect(posted.body).toMatchObject({ kind: 'HOUSEHOLD_REGISTER', kindLabel: { zh: '户籍' }, scope: '', status: 'QUEUED', fileName: '户籍.xlsx', uploadedBy: 'coordinator', version: null });
    const done = await waitFor(coordinator, posted.body.id);
    expect(done).toMatchObject({ status: 'DONE', version: 1, rowCount: 3, error: null, report: { status: 'IMPORTED', counts: { rows: 3, records: 3 }, problemCount: 0 } });
    expect(done.fileSha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await upload(coordinator, 'kind=HOUSEHOLD_REGISTER', file, '户籍-副本.xlsx');
    expect(again.status).toBe(202);
    expect(again.headers.location).toBe(`/api/sources/imports/${posted.body.id}`);
    expect(again.body).toMatchObject({ id: posted.body.id, status: 'DONE', version: 1, fileName: '户籍.xlsx' });
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM source_imports`))[0].n).toBe(1);

    const versions = await coordinator.get('/api/sources/imports?kind=HOUSEHOLD_REGISTER');
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual([expect.objectContaining({ id: posted.body.id, version: 1, current: true, uploadedBy: 'coordinator', fileName: '户籍.xlsx', rowCount: 3 })]);
    const audit = await (await as(api.server, 'leader')).get('/api/audit?what=IMPORT_SOURCE');
    expect(audit.body.items.map((a: { detail: unknown }) => a.detail ?? null)).toContainEqual(expect.objectContaining({ sameFileAs: posted.body.id, version: 1 }));
  });

  it('fails the job with 422 and the row report when a row is bad, writing nothing', async () => {
    const rows = rollRows([5, 6]);
    rows[2][3] = idNumberFor(6).slice(0, 17) + (idNumberFor(6)[17] === '1' ? '2' : '1');
    const posted = await upload(coordinator, 'kind=SCHOOL_ROLL&school=故陵小学', csvOf(rows), '学籍.csv');
    expect(posted.status).toBe(202);
    const done = await waitFor(coordinator, posted.body.id);
    expect(done).toMatchObject({ status: 'FAILED', version: null, scope: 'GULING_PRIMARY', error: { statusCode: 422, code: 'SOURCE.ROWS_INVALID', path: '/api/sources/import' } });
    expect(done.report.problems).toEqual([expect.objectContaining({ row: 3, column: 'D', header: '身份证号', message: expect.stringContaining('校验位') })]);
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM roll_records`))[0].n).toBe(0);
  });

  it('lets a principal import their own school only, and a teacher no roll', async () => {
    const principal = await as(api.server, 'principal');
    const own = await upload(principal, 'kind=SCHOOL_ROLL', csvOf(rollRows([7])), '本校学籍.csv');
    expect(own.status).toBe(202);
    expect(own.body.scope).toBe('GULING_PRIMARY');
    expect((await waitFor(principal, own.body.id)).status).toBe('DONE');
    const other = await upload(principal, 'kind=SCHOOL_ROLL&school=GULING_MIDDLE', csvOf(rollRows([8], 7)), '中学学籍.csv');
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'AUTH.FORBIDDEN', message: expect.stringContaining('本校') });
    const register = await upload(principal, 'kind=HOUSEHOLD_REGISTER', csvOf(registerRows([9])), '户籍.csv');
    expect(register.status).toBe(403);
    const teacher = await as(api.server, 'teacher');
    expect((await upload(teacher, 'kind=SCHOOL_ROLL', csvOf(rollRows([7])), '学籍.csv')).status).toBe(403);
    for (const username of ['leader', 'secretary', 'justice']) {
      const res = await upload(await as(api.server, username), 'kind=ATTENDANCE&school=GULING_PRIMARY', csvOf(rollRows([7])), '考勤.csv');
      expect(res.status).toBe(403);
    }
    const versions = await principal.get('/api/sources/imports');
    expect(versions.body.map((v: { scope: string }) => v.scope)).toEqual(['GULING_PRIMARY']);
  });

  it('asks for the kind and the school, and refuses a file that is no spreadsheet', async () => {
    const noKind = await upload(coordinator, '', csvOf(registerRows([1])), '户籍.csv');
    expect(noKind.status).toBe(400);
    expect(noKind.body.code).toBe('SOURCE.KIND_INVALID');
    const noSchool = await upload(coordinator, 'kind=ATTENDANCE', csvOf(rollRows([1])), '考勤.csv');
    expect(noSchool).toMatchObject({ status: 400, body: { code: 'SOURCE.SCHOOL_REQUIRED' } });
    const pdf = await upload(coordinator, 'kind=POVERTY_LIST', Buffer.from('%PDF-1.4\n\0\0binary'), '名单.pdf');
    expect(pdf).toMatchObject({ status: 400, body: { code: 'LEDGER.UNSUPPORTED_FILE' } });
    const noFile = await coordinator.post('/api/sources/import?kind=POVERTY_LIST').field('x', '1');
    expect(noFile).toMatchObject({ status: 400, body: { code: 'SOURCE.FILE_REQUIRED' } });
  });

  it('refuses a decompression bomb at once (413), and fails one whose zip directory lies as a job (413)', async () => {
    const unpackedBytes = 120 * 1024 * 1024; // over the default bound of 100 MB
    const bomb = await upload(coordinator, 'kind=HOUSEHOLD_REGISTER&dryRun=true', await xlsxBomb({ unpackedBytes }), 'bomb.xlsx');
    expect(bomb).toMatchObject({ status: 413, body: { code: 'LEDGER.UNPACKED_TOO_LARGE' } });
    const liar = await upload(coordinator, 'kind=HOUSEHOLD_REGISTER&dryRun=true', await xlsxBomb({ unpackedBytes, declare: () => 4096 }), 'liar.xlsx');
    expect(liar.status).toBe(202);
    expect(await waitFor(coordinator, liar.body.id)).toMatchObject({ status: 'FAILED', report: null, error: { statusCode: 413, code: 'LEDGER.UNPACKED_TOO_LARGE', path: '/api/sources/import' } });
  });

  it("keeps an import's report to its uploader", async () => {
    const [row] = await db.dataSource.query(`SELECT id FROM source_imports WHERE uploaded_by = 'coordinator' LIMIT 1`);
    const officer = await as(api.server, 'officer');
    expect((await officer.get(`/api/sources/imports/${row.id}`)).status).toBe(404);
    expect((await officer.get('/api/sources/imports/not-a-uuid')).body.code).toBe('SOURCE.IMPORT_NOT_FOUND');
  });
});
