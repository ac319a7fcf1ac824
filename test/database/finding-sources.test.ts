/**
 * The four sources of 四查三比对 imported as jobs against a real PostgreSQL (src/finding/sources):
 * each file read in the worker thread and checked row by row, realistic bad rows refused with
 * nothing written (a wrong check digit, a missing name, an unreadable date, a duplicate row, a
 * child on two rolls in one file), versions per town + kind + school, the same file again
 * answering the earlier import, dry runs, attendance in both layouts, and the teacher's class rule.
 */
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { SourceImporter, SourceImportRunner, submitSourceImport } from '../../src/finding/sources/source-jobs';
import { DEFAULT_READ_LIMITS } from '../../src/ledger/import-ledger';
import type { SourceKind } from '../../src/read-model/entities';
import { loadTowns } from '../../src/read-model/town';
import { DEMO_PASSWORD } from '../support/auth';
import { idNumberFor } from '../support/ledger-files';
import { Cell, csvOf, dailyAttendanceRows, povertyRows, registerRows, rollRows, studentNumberOf, weeklyAttendanceRows, xlsxOf } from '../support/source-files';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const towns = loadTowns();
let db: TestDatabase;
let coordinator: SourceImporter;
let teacher: SourceImporter;
let runner: SourceImportRunner;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
  const ids = new Map<string, string>((await db.dataSource.query(`SELECT username, id FROM users`)).map((u: { username: string; id: string }) => [u.username, u.id]));
  const base = { town: 'GULING', area: null, school: null, grade: null, className: null, classOnly: null };
  coordinator = { ...base, id: ids.get('coordinator')!, username: 'coordinator', actor: '谭巧玲（coordinator）', role: 'COORDINATOR' };
  teacher = { ...base, id: ids.get('teacher')!, username: 'teacher', actor: '班主任（teacher）', role: 'TEACHER', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班', classOnly: { grade: 5, className: '五年级二班' } };
  runner = new SourceImportRunner({ dataSource: db.dataSource, towns, limits: DEFAULT_READ_LIMITS });
});

afterAll(async () => {
  await db?.drop();
});

interface Done {
  status: string;
  version: number | null;
  same_as: string | null;
  dry_run: boolean;
  row_count: number | null;
  report: { status: string; counts: Record<string, number>; problems: Array<{ row: number; column: string; header: string; value: string; message: string; messageEn: string }>; attendanceFormat: string | null; sameAs: { id: string } | null };
  error: { statusCode: number; code: string; message: string } | null;
}

/** Submits the file as the importer would over the API and runs its job to the end. */
async function importFile(kind: SourceKind, fileName: string, bytes: Buffer, options: { scope?: string; dryRun?: boolean; importer?: SourceImporter } = {}): Promise<Done & { id: string }> {
  const job = await submitSourceImport(db.dataSource, towns, { importer: options.importer ?? coordinator, ip: '127.0.0.1', kind, scope: options.scope ?? '', fileName, bytes, dryRun: options.dryRun ?? false });
  expect(await runner.runNext()).toBe(true);
  const [row] = await db.dataSource.query(`SELECT id, status, version, same_as, dry_run, row_count, report, error FROM source_imports WHERE id = $1`, [job.id]);
  return row;
}

const count = async (sql: string, params: unknown[] = []) => (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n as number;

describe('the household register (户籍)', () => {
  it('imports an extract with a title row and 公民身份号码, as version 1, the area found in the address', async () => {
    const done = await importFile('HOUSEHOLD_REGISTER', '户籍.xlsx', await xlsxOf({ 户籍人口: registerRows([1, 2, 3, 4, 5]) }));
    expect(done).toMatchObject({ status: 'DONE', version: 1, row_count: 5, error: null, report: { status: 'IMPORTED', counts: { rows: 5, badRows: 0, records: 5 } } });
    const rows = await db.dataSource.query(`SELECT id_number, name, to_char(birth_date, 'YYYY-MM-DD') AS birth, sex, area, household_head, row_number FROM current_register ORDER BY row_number`);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ id_number: idNumberFor(1), name: '学生1', birth: `${idNumberFor(1).slice(6, 10)}-${idNumberFor(1).slice(10, 12)}-${idNumberFor(1).slice(12, 14)}`, sex: expect.stringMatching(/^[MF]$/), area: 'GAOPING', household_head: '家长1', row_number: 3 });
  });

  it('refuses a file with bad rows, row by row, and writes nothing', async () => {
    const rows = registerRows([11, 12, 13, 14, 15, 16]);
    const id = String(rows[2][2]);
    rows[2][2] = id.slice(0, 17) + (id[17] === '0' ? '1' : '0'); // 11: wrong check digit
    rows[3][1] = ''; // 12: no name
    rows[4][2] = ''; // 13: no ID number, and a date nobody can read
    rows[4][4] = '2013年13月45日';
    rows.push([...rows[5]]); // 14 twice: a duplicate row
    rows[6][4] = '2001-01-01'; // 15: a birth date the ID number contradicts
    const before = await count('register_records');
    const done = await importFile('HOUSEHOLD_REGISTER', '户籍-有错.csv', csvOf(rows));
    expect(done).toMatchObject({ status: 'FAILED', version: null, error: { statusCode: 422, code: 'SOURCE.ROWS_INVALID' }, report: { status: 'REJECTED', counts: { rows: 7, badRows: 5 } } });
    expect(done.report.problems.map((p) => [p.row, p.column, p.header])).toEqual([
      [3, 'C', '公民身份号码'],
      [4, 'B', '姓名'],
      [5, 'E', '出生日期'],
      [7, 'E', '出生日期'],
      [9, 'C', '公民身份号码'],
    ]);
    expect(done.report.problems[0].message).toContain('校验位');
    expect(done.report.problems[2]).toMatchObject({ value: '2013年13月45日', message: expect.stringContaining('无法识别') });
    expect(done.report.problems[3].message).toContain('与身份证号码不一致');
    expect(done.report.problems[4].message).toMatch(/与第 6 行完全相同/);
    expect(await count('register_records')).toBe(before);
    expect(await count('current_register')).toBe(5);
  });

  it('answers the earlier import when the same file comes again, and makes version 2 of a new one', async () => {
    const [first] = await db.dataSource.query(`SELECT id FROM source_imports WHERE kind = 'HOUSEHOLD_REGISTER' AND version = 1`);
    const again = await importFile('HOUSEHOLD_REGISTER', '户籍-再次.csv', csvOf(registerRows([21, 22])));
    expect(again).toMatchObject({ status: 'DONE', version: 2 });
    const same = await importFile('HOUSEHOLD_REGISTER', '户籍-再次.csv', csvOf(registerRows([21, 22])));
    expect(same).toMatchObject({ status: 'DONE', version: null, same_as: again.id, report: { status: 'ALREADY_IMPORTED', sameAs: { id: again.id } } });
    expect(await count('register_records WHERE import_id = $1', [same.id])).toBe(0);
    expect(await db.dataSource.query(`SELECT name FROM current_register ORDER BY name`)).toEqual([{ name: '学生21' }, { name: '学生22' }]);
    // Version 1 stays on file (history); the views read version 2.
    expect(await count('register_records WHERE import_id = $1', [first.id])).toBe(5);
  });

  it('checks a dry run fully and writes nothing, with no version', async () => {
    const before = await count('register_records');
    const done = await importFile('HOUSEHOLD_REGISTER', '户籍-试.csv', csvOf(registerRows([31, 32, 33])), { dryRun: true });
    expect(done).toMatchObject({ status: 'DONE', version: null, dry_run: true, report: { status: 'DRY_RUN', counts: { records: 3 } } });
    expect(await count('register_records')).toBe(before);
  });
});

describe('the school roll (学籍)', () => {
  it('imports a school roll with 全国学籍号, 2013/5/15 dates and 五年级, for its school', async () => {
    const done = await importFile('SCHOOL_ROLL', '学籍.csv', csvOf(rollRows([1, 2, 3, 4], 5, '五年级二班')), { scope: 'GULING_PRIMARY' });
    expect(done).toMatchObject({ status: 'DONE', version: 1, report: { counts: { records: 4 } } });
    expect(await db.dataSource.query(`SELECT school, student_number, grade, class_name FROM current_roll WHERE student_number = $1`, [studentNumberOf(1)])).toEqual([
      { school: 'GULING_PRIMARY', student_number: studentNumberOf(1), grade: 5, class_name: '五年级二班' },
    ]);
  });

  it('refuses a child on two rolls in one file, a row of another school and a grade the school does not teach', async () => {
    const rows: Cell[][] = [['学籍号', '姓名', '身份证号', '学校', '年级', '班级'], ...[41, 42, 43].map((n) => [studentNumberOf(n), `学生${n}`, idNumberFor(n), '故陵中学', '初一', '七年级一班'])];
    rows.push([`L${idNumberFor(41)}`, '学生41', idNumberFor(41), '故陵中学', '初二', '八年级一班']); // 41 again, another 学籍号
    rows.push([studentNumberOf(44), '学生44', idNumberFor(44), '故陵小学', '初一', '七年级一班']);
    rows.push([studentNumberOf(45), '学生45', idNumberFor(45), '故陵中学', '五年级', '五年级一班']);
    const done = await importFile('SCHOOL_ROLL', '学籍-中学.xlsx', await xlsxOf({ Sheet1: rows }), { scope: 'GULING_MIDDLE' });
    expect(done).toMatchObject({ status: 'FAILED', error: { code: 'SOURCE.ROWS_INVALID' }, report: { counts: { rows: 6, badRows: 3 } } });
    const [twoRolls, otherSchool, grade] = done.report.problems;
    expect(twoRolls).toMatchObject({ row: 5, header: '身份证号', message: expect.stringContaining('两个学籍（第 2 行') });
    expect(otherSchool).toMatchObject({ row: 6, header: '学校', value: '故陵小学' });
    expect(grade).toMatchObject({ row: 7, header: '年级', message: expect.stringContaining('7-9') });
    expect(await count(`current_roll WHERE school = 'GULING_MIDDLE'`)).toBe(0);
  });

  it('says which columns are missing when the file is no roll', async () => {
    const done = await importFile('SCHOOL_ROLL', '名单.csv', csvOf([['姓名', '身份证号'], ['学生1', idNumberFor(1)]]), { scope: 'GULING_PRIMARY' });
    expect(done).toMatchObject({ status: 'FAILED', error: { statusCode: 400, code: 'SOURCE.LAYOUT_INVALID', message: expect.stringContaining('学籍号') } });
  });
});

describe('attendance (考勤)', () => {
  const week1 = ['2026-09-07', '2026-09-08', '2026-09-09', '2026-09-10', '2026-09-11'];
  const week2 = ['2026-09-14', '2026-09-15', '2026-09-16', '2026-09-17', '2026-09-18'];

  it('imports one row per child and day, with 病假 and an unexplained absence', async () => {
    const rows = dailyAttendanceRows([1, 2], week1, { 1: { '2026-09-09': '', '2026-09-10': '', '2026-09-11': '病假：发烧' } });
    const done = await importFile('ATTENDANCE', '考勤-第1周.csv', csvOf(rows), { scope: 'GULING_PRIMARY' });
    expect(done).toMatchObject({ status: 'DONE', version: 1, report: { attendanceFormat: 'DAILY', counts: { rows: 10, records: 10, absences: 3 } } });
    const days = await db.dataSource.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, absent, reason FROM attendance_days WHERE student_number = $1 AND absent ORDER BY day`, [studentNumberOf(1)]);
    expect(days).toEqual([
      { day: '2026-09-09', absent: true, reason: null },
      { day: '2026-09-10', absent: true, reason: null },
      { day: '2026-09-11', absent: true, reason: '病假：发烧' },
    ]);
  });

  it('imports a weekly grid (a column per date) beside it; a later import of a day wins', async () => {
    const rows = weeklyAttendanceRows([1, 2], ['2026-09-11', ...week2], { 1: week2 });
    rows[0][2] = new Date(Date.UTC(2026, 8, 11)); // an Excel date cell as a header
    const done = await importFile('ATTENDANCE', '考勤-第2周.xlsx', await xlsxOf({ 第2周: rows }), { scope: 'GULING_PRIMARY' });
    expect(done).toMatchObject({ status: 'DONE', version: 2, report: { attendanceFormat: 'WEEKLY_GRID', counts: { rows: 2, records: 12, absences: 5 } } });
    const absent = await db.dataSource.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM attendance_days WHERE student_number = $1 AND absent ORDER BY day`, [studentNumberOf(1)]);
    // 09-11 was 病假 in week 1; the grid marks it present.
    expect(absent.map((d: { day: string }) => d.day)).toEqual(['2026-09-09', '2026-09-10', ...week2]);
    expect(await count('attendance_days WHERE student_number = $1', [studentNumberOf(1)])).toBe(10);
  });

  it('refuses unknown marks, unreadable dates, the same child and day twice, and a row without 学籍号 or ID number', async () => {
    const rows: Cell[][] = [
      ['学籍号', '身份证号', '姓名', '日期', '考勤'],
      [studentNumberOf(3), '', '学生3', '2026-09-07', '请问'],
      [studentNumberOf(3), '', '学生3', '9月8日', '√'],
      [studentNumberOf(3), '', '学生3', '2026/9/9', '旷课'],
      [studentNumberOf(3), '', '学生3', '20260909', '旷课'],
      ['', '', '学生4', '2026-09-07', '√'],
    ];
    const done = await importFile('ATTENDANCE', '考勤-有错.csv', csvOf(rows), { scope: 'GULING_PRIMARY' });
    expect(done.report.problems.map((p) => [p.row, p.header])).toEqual([
      [2, '考勤'],
      [3, '日期'],
      [5, '日期'],
      [6, '学籍号'],
    ]);
    expect(done.report.problems[2].message).toContain('重复');
  });

  it("takes a teacher's attendance of their own class only (by the school's current roll)", async () => {
    // Children 1-4 are on the primary school's roll in 五年级二班 (above); 50 is not.
    const rows = dailyAttendanceRows([1, 50], ['2026-09-21']);
    const done = await importFile('ATTENDANCE', '本班考勤.csv', csvOf(rows), { scope: 'GULING_PRIMARY', importer: teacher });
    expect(done).toMatchObject({ status: 'FAILED', report: { counts: { badRows: 1 } } });
    expect(done.report.problems).toEqual([expect.objectContaining({ row: 3, value: '学生50', message: expect.stringContaining('不在您的班级') })]);
    const ok = await importFile('ATTENDANCE', '本班考勤-改.csv', csvOf(dailyAttendanceRows([1, 2], ['2026-09-21'])), { scope: 'GULING_PRIMARY', importer: teacher });
    expect(ok).toMatchObject({ status: 'DONE', version: 3 });
  });
});

describe('the poverty-monitoring list (脱贫户/监测户)', () => {
  it('imports a GBK CSV of household members with 户类型', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gbk: Buffer = require('iconv-lite').encode(csvOf(povertyRows([1, 2, 3])).toString('utf8'), 'gbk');
    const done = await importFile('POVERTY_LIST', '监测户.csv', gbk);
    expect(done).toMatchObject({ status: 'DONE', version: 1, report: { counts: { records: 3 } } });
    expect(await db.dataSource.query(`SELECT name, household_head, area, category FROM current_poverty ORDER BY name`)).toEqual([
      { name: '学生1', household_head: '家长1', area: 'GAOPING', category: '监测户' },
      { name: '学生2', household_head: '家长2', area: 'GAOPING', category: '脱贫户' },
      { name: '学生3', household_head: '家长3', area: 'GAOPING', category: '监测户' },
    ]);
  });
});
