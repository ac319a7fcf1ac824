/**
 * The Excel ledger against a real PostgreSQL: import of .xlsx and .csv (UTF-8 with or without BOM,
 * GBK), the row-by-row report, all or nothing, good rows only, idempotent re-import, export and
 * import round trip. Cases go through an in-memory engine here; test/e2e/ledger.test.ts opens them
 * on real Temporal.
 */
import ExcelJS from 'exceljs';
import { importLedger, ImportOptions } from '../../src/ledger/import-ledger';
import { exportLedger } from '../../src/ledger/export-ledger';
import { UnsupportedLedgerFileError } from '../../src/ledger/read-sheet';
import { LedgerLayoutError } from '../../src/ledger/parse-ledger';
import { loadTown } from '../../src/read-model/town';
import { FakeCaseEngine } from '../support/fake-case-engine';
import { HEADERS, idNumberFor, ledgerCsv, ledgerRow, ledgerXlsx } from '../support/ledger-files';
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

beforeEach(async () => {
  // The in-memory engine writes no events, so cases can go (case_events is append-only).
  for (const table of ['imports', 'cases', 'guardians', 'children']) await db.dataSource.query(`DELETE FROM ${table}`);
});

function options(fileName: string, bytes: Buffer, extra: Partial<ImportOptions> = {}): ImportOptions {
  return { town, fileName, bytes, importer: { userId: null, username: 'cli:test', actor: '测试（cli:test）', via: 'CLI' }, ...extra };
}

const count = async (table: string) => (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

describe.each(['xlsx', 'csv'] as const)('importing 5,000 rows with 3 bad ones (.%s)', (kind) => {
  let file: Buffer;
  const name = `taizhang.${kind}`;

  beforeAll(async () => {
    const spec = {
      count: 5000,
      title: '故陵镇控辍保学台账（2026 年秋季）',
      bad: {
        99: { 身份证号: '500235201001010011' }, // wrong check digit
        2499: { 年级: 8 }, // a primary-school child in grade 8
        4998: { 监护人电话: '12345' },
      },
    };
    file = kind === 'xlsx' ? await ledgerXlsx(spec) : Buffer.from(ledgerCsv(spec));
  });

  it('reports exactly those 3 rows (spreadsheet row numbers, columns) and writes nothing', async () => {
    const report = await importLedger({ dataSource: db.dataSource }, options(name, file));
    expect(report.status).toBe('REJECTED');
    expect(report.counts).toMatchObject({ rows: 5000, badRows: 3, created: 0 });
    // Row 1 is the title, row 2 the header: data row i is spreadsheet row i + 3.
    expect(report.problems.map((p) => [p.row, p.column, p.header])).toEqual([
      [102, 'B', '身份证号'],
      [2502, 'F', '年级'],
      [5001, 'K', '监护人电话'],
    ]);
    expect(report.problems[0]).toMatchObject({ value: '500235201001010011', message: expect.stringMatching(/校验/), messageEn: expect.stringMatching(/check digit/) });
    expect(report.problems[1].message).toBe('故陵小学只有 1-6 年级');
    expect(await count('children')).toBe(0);
    expect(await count('imports')).toBe(0);
  });

  it('with good rows only, imports the 4,997 good ones and records the import; a re-import is a no-op', async () => {
    const first = await importLedger({ dataSource: db.dataSource }, options(name, file, { goodRowsOnly: true }));
    expect(first.status).toBe('IMPORTED');
    expect(first.counts).toMatchObject({ rows: 5000, badRows: 3, created: 4997, updated: 0, unchanged: 0 });
    expect(await count('children')).toBe(4997);
    expect(await count('guardians')).toBe(4997);
    const [row] = await db.dataSource.query(`SELECT town, username, via, file_hash, children_created, bad_rows, jsonb_array_length(problems) AS problems FROM imports`);
    expect(row).toMatchObject({ town: 'GULING', username: 'cli:test', via: 'CLI', file_hash: first.fileHash, children_created: 4997, bad_rows: 3, problems: 3 });

    const before = await db.dataSource.query(`SELECT max(updated_at) AS at FROM children`);
    const again = await importLedger({ dataSource: db.dataSource }, options(name, file, { goodRowsOnly: true }));
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 4997, casesOpened: 0 });
    expect(await db.dataSource.query(`SELECT max(updated_at) AS at FROM children`)).toEqual(before);
    expect(await count('children')).toBe(4997);
  });
});

describe('the file formats', () => {
  const spec = { count: 20, bad: { 4: { 性别: '男', 出生日期: '2001-01-01' } } };

  it('reads .csv in UTF-8 with a BOM, without one, and in GBK, to the same report', async () => {
    const csv = ledgerCsv(spec);
    const gbk = new TextEncoderGbk().encode(csv);
    const reports = await Promise.all([
      importLedger({ dataSource: db.dataSource }, options('a.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]))),
      importLedger({ dataSource: db.dataSource }, options('b.csv', Buffer.from(csv))),
      importLedger({ dataSource: db.dataSource }, options('c.csv', gbk)),
    ]);
    for (const report of reports) {
      expect(report.status).toBe('REJECTED');
      expect(report.problems.map((p) => [p.row, p.header])).toEqual([
        [6, '性别'],
        [6, '出生日期'],
      ]);
    }
    expect(reports[2].problems[0].value).toBe('男');
  });

  it('accepts header variants and a title row, and reports unknown columns instead of dropping them', async () => {
    const variants: Array<[string, string]> = [
      ['学生姓名', '姓名'], ['身份证号码', '身份证号'], ['性别', '性别'], ['出生年月日', '出生日期'], ['就读学校', '学校'], ['年级', '年级'],
      ['班级', '班级'], ['村（社区）', '责任区/村(社区)'], ['组', '村民小组'], ['家长姓名', '监护人'], ['联系电话', '监护人电话'], ['关系', '与学生关系'],
      ['是否留守儿童', '留守儿童'], ['家庭住址', ''],
    ];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('台账');
    sheet.addRow(['故陵镇适龄儿童台账']);
    sheet.addRow(variants.map(([variant]) => variant));
    for (let n = 1; n <= 3; n++) {
      const row = ledgerRow(n);
      sheet.addRow(variants.map(([, standard]) => (standard === '' ? '某某路 1 号' : row[HEADERS.indexOf(standard)])));
    }
    const report = await importLedger({ dataSource: db.dataSource }, options('variants.xlsx', Buffer.from(await workbook.xlsx.writeBuffer())));
    expect(report.problems).toEqual([]);
    expect(report.counts.created).toBe(3);
    expect(report.unknownColumns).toEqual([{ sheet: '台账', column: 'N', header: '家庭住址' }]);
  });

  it('refuses a file that is not a ledger: wrong type, an old .xls, no header row, missing columns', async () => {
    await expect(importLedger({ dataSource: db.dataSource }, options('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])))).rejects.toBeInstanceOf(UnsupportedLedgerFileError);
    await expect(importLedger({ dataSource: db.dataSource }, options('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0])))).rejects.toThrow(/\.xls/);
    await expect(importLedger({ dataSource: db.dataSource }, options('x.csv', Buffer.from('a,b\n1,2\n')))).rejects.toBeInstanceOf(LedgerLayoutError);
    await expect(importLedger({ dataSource: db.dataSource }, options('x.csv', Buffer.from('姓名,身份证号\n张三,1\n')))).rejects.toThrow(/lacks the columns 学校, 年级, 班级/);
  });

  it('refuses two rows with the same ID number and different details, and keeps one child for identical rows', async () => {
    const csv = ledgerCsv({ count: 3 }).trimEnd().split('\r\n');
    const dup = csv[1].replace('学生1,', '学生一,');
    const report = await importLedger({ dataSource: db.dataSource }, options('d.csv', Buffer.from([...csv, csv[1], dup].join('\n'))));
    expect(report.problems).toEqual([expect.objectContaining({ row: 6, header: '身份证号', messageEn: 'The same ID number as row 2, with other details' })]);
    expect(report.counts.badRows).toBe(1);
  });
});

describe('cases from the ledger, and the export', () => {
  it('opens the cases the rows ask for, once; export then import round-trips without a change', async () => {
    const file = await ledgerXlsx({ count: 30, cases: { 0: '因贫', 1: '厌学', 2: 'GUARDIAN_REFUSES', 3: '外出务工' } });
    const first = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file));
    expect(first.counts).toMatchObject({ created: 30, casesOpened: 4, casesAlreadyOpen: 0, casesFailed: 0 });
    const opened = await db.dataSource.query(`SELECT k.cause, k.note, k.opened_by, k.town FROM cases k JOIN children c ON c.id = k.child_id ORDER BY c.name`);
    expect(opened.map((c: { cause: string }) => c.cause).sort()).toEqual(['GUARDIAN_REFUSES', 'LEARNING_DIFFICULTY', 'POVERTY', 'WORK']);
    expect(opened[0]).toMatchObject({ opened_by: '测试（cli:test）', town: 'GULING', note: expect.stringMatching(/测试案件/) });

    const again = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file));
    expect(again.counts).toMatchObject({ created: 0, unchanged: 30, casesOpened: 0, casesAlreadyOpen: 4 });

    // One case ended: its row is history in the export and opens nothing on import.
    await db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now() WHERE cause = 'WORK'`);
    const exported = await exportLedger(db.dataSource, { town, caseScope: { kind: 'ALL' }, childScope: { kind: 'ALL' }, masked: false });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['案件台账', '儿童名册']);
    const caseSheet = workbook.worksheets[0];
    expect(caseSheet.getRow(1).values).toEqual(expect.arrayContaining(['姓名', '身份证号', '学校', '责任区/村(社区)', '辍学原因', '环节', '立案时间', '办理期限', '状态']));
    expect(caseSheet.rowCount).toBe(5);
    expect(workbook.worksheets[1].rowCount).toBe(31);
    const texts = JSON.stringify(caseSheet.getSheetValues());
    expect(texts).toContain('家访');
    expect(texts).toContain('已销号');
    expect(texts).toContain(idNumberFor(1));

    const roundTrip = await importLedger({ dataSource: db.dataSource, engine }, options('export.xlsx', exported));
    expect(roundTrip.problems).toEqual([]);
    expect(roundTrip.unknownColumns).toEqual([]);
    expect(roundTrip.counts).toMatchObject({ rows: 34, created: 0, updated: 0, unchanged: 30, casesOpened: 0, casesAlreadyOpen: 3 });
    expect(await count('cases')).toBe(4);
  });

  it('a row asking for a case of a child whose case was closed (销号) opens none unless asked for explicitly (issue 13)', async () => {
    const file = await ledgerXlsx({ count: 3, cases: { 0: '因贫' } });
    const first = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file));
    expect(first.counts).toMatchObject({ casesOpened: 1, casesClosedNotReopened: 0 });
    await db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now()`);

    const dry = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file, { dryRun: true }));
    expect(dry.counts).toMatchObject({ casesOpened: 0, casesClosedNotReopened: 1 });
    const again = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file));
    expect(again.counts).toMatchObject({ casesOpened: 0, casesAlreadyOpen: 0, casesClosedNotReopened: 1 });
    expect(again.closedCases).toEqual([{ sheet: expect.any(String), row: 2, message: expect.stringContaining('该儿童的案件已销号') }]);
    expect(await count('cases')).toBe(1);

    const reopened = await importLedger({ dataSource: db.dataSource, engine }, options('cases.xlsx', file, { reopenClosedCases: true }));
    expect(reopened.counts).toMatchObject({ casesOpened: 1, casesClosedNotReopened: 0 });
    expect(reopened.closedCases).toEqual([]);
    expect(await count('cases')).toBe(2);
  });

  it('a dry run counts what an import would do and writes nothing', async () => {
    const file = await ledgerXlsx({ count: 10, cases: { 0: '因贫' } });
    const report = await importLedger({ dataSource: db.dataSource, engine }, options('dry.xlsx', file, { dryRun: true }));
    expect(report).toMatchObject({ status: 'DRY_RUN', importId: null, counts: { created: 10, casesOpened: 1 } });
    expect(await count('children')).toBe(0);
    expect(await count('cases')).toBe(0);
  });
});

/** GBK bytes of a text, as Chinese Excel saves CSV (iconv-lite is in node_modules through the body parser). */
class TextEncoderGbk {
  encode(text: string): Buffer {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('iconv-lite').encode(text, 'gbk');
  }
}
