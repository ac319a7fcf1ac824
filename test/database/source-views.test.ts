/**
 * The views the cross-check reads (migration 1767000000000-source-imports): the latest version
 * per town + kind + scope for register, roll and poverty list; for attendance every day ever
 * imported, the later version's mark winning; dry runs, failures and re-imports never count.
 */
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('the source views', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function sourceImport(kind: string, scope: string, version: number | null, hash: string, extra: { status?: string; dryRun?: boolean } = {}): Promise<string> {
    const [row] = await db.dataSource.query(
      `INSERT INTO source_imports (town_code, kind, scope, version, file_name, file_sha256, file_size, dry_run, uploaded_by, importer, status)
       VALUES ('GULING', $1, $2, $3, 'f.xlsx', $4, 1, $5, 'coordinator', '{}', $6) RETURNING id`,
      [kind, scope, version, hash.repeat(64), extra.dryRun ?? false, extra.status ?? (version === null ? 'FAILED' : 'DONE')],
    );
    return row.id;
  }

  it('shows the latest version of the register, and ignores failed imports and dry runs', async () => {
    const v1 = await sourceImport('HOUSEHOLD_REGISTER', '', 1, 'a');
    const v2 = await sourceImport('HOUSEHOLD_REGISTER', '', 2, 'b');
    const failed = await sourceImport('HOUSEHOLD_REGISTER', '', null, 'c');
    const dry = await sourceImport('HOUSEHOLD_REGISTER', '', null, 'd', { status: 'DONE', dryRun: true });
    for (const [id, name] of [[v1, '旧'], [v2, '新'], [failed, '败'], [dry, '试']]) {
      await db.dataSource.query(
        `INSERT INTO register_records (import_id, sheet, row_number, town_code, id_number, name, birth_date) VALUES ($1, '户籍', 2, 'GULING', '500235201305150019', $2, '2013-05-15')`,
        [id, name],
      );
    }
    const rows = await db.dataSource.query(`SELECT name, import_id FROM current_register`);
    expect(rows).toEqual([{ name: '新', import_id: v2 }]);
  });

  it('keeps one current roll per school', async () => {
    const primary1 = await sourceImport('SCHOOL_ROLL', 'GULING_PRIMARY', 1, 'e');
    const primary2 = await sourceImport('SCHOOL_ROLL', 'GULING_PRIMARY', 2, 'f');
    const middle1 = await sourceImport('SCHOOL_ROLL', 'GULING_MIDDLE', 1, 'e');
    for (const [id, school, name] of [[primary1, 'GULING_PRIMARY', '甲旧'], [primary2, 'GULING_PRIMARY', '甲'], [middle1, 'GULING_MIDDLE', '乙']]) {
      await db.dataSource.query(
        `INSERT INTO roll_records (import_id, sheet, row_number, town_code, school, student_number, name, birth_date) VALUES ($1, 'Sheet1', 3, 'GULING', $2, 'G1', $3, '2013-05-15')`,
        [id, school, name],
      );
    }
    const rows = await db.dataSource.query(`SELECT school, name FROM current_roll ORDER BY school`);
    expect(rows).toEqual([{ school: 'GULING_MIDDLE', name: '乙' }, { school: 'GULING_PRIMARY', name: '甲' }]);
  });

  it('keeps every attendance day, the later version winning a day both give', async () => {
    const week1 = await sourceImport('ATTENDANCE', 'GULING_PRIMARY', 1, '1');
    const week2 = await sourceImport('ATTENDANCE', 'GULING_PRIMARY', 2, '2');
    const mark = (id: string, row: number, day: string, absent: boolean, reason: string | null) =>
      db.dataSource.query(
        `INSERT INTO attendance_records (import_id, sheet, row_number, town_code, school, student_number, name, day, absent, reason)
         VALUES ($1, '考勤', $2, 'GULING', 'GULING_PRIMARY', 'G1', '甲', $3, $4, $5)`,
        [id, row, day, absent, reason],
      );
    await mark(week1, 2, '2026-09-07', true, null);
    await mark(week1, 3, '2026-09-08', true, null);
    await mark(week2, 2, '2026-09-08', true, '病假：发烧');
    await mark(week2, 3, '2026-09-09', false, null);
    const rows = await db.dataSource.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, absent, reason, import_id FROM attendance_days ORDER BY day`);
    expect(rows).toEqual([
      { day: '2026-09-07', absent: true, reason: null, import_id: week1 },
      { day: '2026-09-08', absent: true, reason: '病假：发烧', import_id: week2 },
      { day: '2026-09-09', absent: false, reason: null, import_id: week2 },
    ]);
  });

  it('refuses a second version of the same file and a version on a dry run', async () => {
    await sourceImport('POVERTY_LIST', '', 1, '9');
    await expect(sourceImport('POVERTY_LIST', '', 2, '9')).rejects.toThrow(/source_imports_file_once/);
    await expect(sourceImport('POVERTY_LIST', '', 3, '8', { dryRun: true })).rejects.toThrow(/source_imports_version_check/);
  });
});
