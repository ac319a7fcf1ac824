import { columnForHeader, columnLetter } from '../../src/ledger/columns';
import { decodeText, ledgerFileKind } from '../../src/ledger/read-sheet';
import { parseArgs } from '../../src/ledger-main';

describe('ledger headers', () => {
  it('match whatever the spaces, full-width brackets or a required-column star', () => {
    expect(columnForHeader(' 责任区/村（社区） ')?.field).toBe('area');
    expect(columnForHeader('姓  名')?.field).toBe('name');
    expect(columnForHeader('身份证号码*')?.field).toBe('idNumber');
    expect(columnForHeader('辍学原因/案由')?.field).toBe('cause');
    expect(columnForHeader('家庭住址')).toBeUndefined();
  });

  it('name columns as the spreadsheet does', () => {
    expect([1, 11, 26, 27, 52].map(columnLetter)).toEqual(['A', 'K', 'Z', 'AA', 'AZ']);
  });
});

describe('ledger files', () => {
  it('reads GBK text when it is not UTF-8, and drops a UTF-8 BOM', () => {
    expect(decodeText(Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
    expect(decodeText(Buffer.from('\ufeff姓名', 'utf8'))).toBe('姓名');
  });

  it('knows a file by its content first: a zip is .xlsx, an old .xls or a binary is refused', () => {
    expect(ledgerFileKind('台账.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe('xlsx');
    expect(ledgerFileKind('台账.csv', Buffer.from('姓名,身份证号'))).toBe('csv');
    expect(() => ledgerFileKind('台账.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toThrow(/\.xls/);
    expect(() => ledgerFileKind('台账.csv', Buffer.from([0x89, 0x50, 0, 0]))).toThrow(/Unsupported file type/);
    expect(() => ledgerFileKind('台账.xlsx', Buffer.from('姓名'))).toThrow(/not a valid \.xlsx/);
  });
});

describe('npm run ledger arguments', () => {
  it('reads the command, the file and the options, and names every mistake', () => {
    expect(parseArgs(['import', 'a.xlsx', '--good-rows', '--town', 'GULING', '--dry-run'])).toMatchObject({ command: 'import', file: 'a.xlsx', goodRows: true, dryRun: true, town: 'GULING', problems: [] });
    expect(parseArgs(['export', 'b.xlsx', '--town=XINHE'])).toMatchObject({ command: 'export', file: 'b.xlsx', town: 'XINHE', problems: [] });
    expect(parseArgs(['import']).problems).toEqual(['import: name the file']);
    expect(parseArgs(['delete', 'x']).problems).toEqual(['unknown command delete (import or export)']);
    expect(parseArgs(['export', 'b.xlsx', '--good-rows', '--fast']).problems).toEqual(['unknown option --fast', '--good-rows and --dry-run are for import']);
  });
});
