/**
 * The watch groups of the national list as registry flags (issue 15): 孤儿, 事实无人抚养, 困境,
 * 流动, 涉诉 beside 残疾 and 留守. Registered and corrected over the API, filtered by
 * (GET /api/children?flags=), labelled in Chinese and English, read from and written to the
 * ledger's columns. Real Nest app, real PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { HEADERS, ledgerRow } from '../support/ledger-files';
import { importThroughJob } from '../support/ledger-jobs';
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

const child = (overrides: Record<string, unknown>) => ({
  name: '关注儿童',
  school: '故陵小学',
  grade: 4,
  className: '四年级一班',
  area: '兰草村',
  guardians: [{ name: '祖母', phone: '13800000001', relation: '祖母' }],
  ...overrides,
});

describe('watch groups (重点关注群体)', () => {
  it('registers and corrects the flags, filters by them, and labels them', async () => {
    const orphan = await coordinator.post('/api/children').send(child({ name: '孤儿甲', idNumber: validIdNumber('2016-01-02', 'M'), isOrphan: true, isUnattended: true }));
    expect(orphan.status).toBe(201);
    expect(orphan.body).toMatchObject({ isOrphan: true, isUnattended: true, isMigrant: false, isInHardship: false, isCourtInvolved: false });
    expect(orphan.body.flagLabels).toEqual([{ zh: '孤儿', en: 'orphan' }, { zh: '事实无人抚养儿童', en: 'de facto unattended child' }]);
    const migrant = await coordinator.post('/api/children').send(child({ name: '流动乙', idNumber: validIdNumber('2016-03-04', 'F'), isMigrant: true, isLeftBehind: true }));
    expect(migrant.status).toBe(201);

    const ids = async (flags: string) => (await coordinator.get(`/api/children?flags=${flags}`)).body.items.map((c: { name: string }) => c.name);
    expect(await ids('isOrphan')).toEqual(['孤儿甲']);
    expect(await ids('isMigrant,isLeftBehind')).toEqual(['流动乙']);
    expect(await ids('isCourtInvolved')).toEqual([]);

    const corrected = await coordinator.patch(`/api/children/${migrant.body.id}`).send({ isCourtInvolved: true, isInHardship: true });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ isMigrant: true, isCourtInvolved: true, isInHardship: true });
    expect(await ids('isCourtInvolved,isInHardship')).toEqual(['流动乙']);

    const bad = await coordinator.get('/api/children?flags=isAlien');
    expect(bad.status).toBe(400);
    const notBoolean = await coordinator.post('/api/children').send(child({ idNumber: validIdNumber('2016-05-06', 'M'), isOrphan: '是' }));
    expect(notBoolean.status).toBe(400);
  });

  it('reads the flags from the ledger columns (是, √, blank) and writes them back in the export', async () => {
    const headers = [...HEADERS.slice(0, 16), '孤儿', '事实无人抚养', '困境儿童', '流动儿童', '涉诉'];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('台账');
    sheet.addRow(headers);
    sheet.addRow([...ledgerRow(700_001).slice(0, 16), '是', '', '√', '否', '']);
    sheet.addRow([...ledgerRow(700_002).slice(0, 16), '', '是', '', '是', '是']);
    const job = await importThroughJob(coordinator, Buffer.from(await workbook.xlsx.writeBuffer()), 'taizhang.xlsx');
    expect(job).toMatchObject({ status: 'done', report: { counts: { created: 2 }, unknownColumns: [] } });
    const rows = await db.dataSource.query(`SELECT name, is_orphan, is_unattended, is_in_hardship, is_migrant, is_court_involved FROM children WHERE name IN ('学生700001', '学生700002') ORDER BY name`);
    expect(rows).toEqual([
      { name: '学生700001', is_orphan: true, is_unattended: false, is_in_hardship: true, is_migrant: false, is_court_involved: false },
      { name: '学生700002', is_orphan: false, is_unattended: true, is_in_hardship: false, is_migrant: true, is_court_involved: true },
    ]);

    const exported = await coordinator.get('/api/ledger/export').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(exported.body as unknown as ArrayBuffer);
    const children = book.getWorksheet('儿童名册')!;
    const header = (children.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['孤儿', '事实无人抚养儿童', '困境儿童', '流动儿童', '涉诉儿童']));
    const rowOf = (name: string) => {
      for (let i = 2; i <= children.rowCount; i++) {
        const values = (children.getRow(i).values as string[]).slice(1);
        if (values[header.indexOf('姓名')] === name) return (h: string) => values[header.indexOf(h)];
      }
      throw new Error(`${name} is not in the export`);
    };
    const first = rowOf('学生700001');
    const second = rowOf('学生700002');
    expect(['孤儿', '事实无人抚养儿童', '困境儿童', '流动儿童', '涉诉儿童'].map(first)).toEqual(['是', '否', '是', '否', '否']);
    expect(['孤儿', '事实无人抚养儿童', '困境儿童', '流动儿童', '涉诉儿童'].map(second)).toEqual(['否', '是', '否', '是', '是']);
  });
});
