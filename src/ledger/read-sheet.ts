/**
 * Reads a ledger file into plain rows: .xlsx with exceljs's streaming reader (every worksheet),
 * .csv with csv-parse's stream. Bounded before and while parsing (issue 16, decompression bombs):
 * an .xlsx's zip directory is checked first (declared unpacked sizes, ./zip-bounds.ts), every
 * entry is then inflated once with its bytes counted (declared sizes lie), and rows stop at the
 * row bound; so a file's cost is bounded by the limits, not by what it claims or unpacks to.
 * Towns' Excel saves CSV in GBK (GB18030 is its superset): a CSV that is not valid UTF-8 is read as
 * GB18030, which costs one failed decode, no guessing library. A UTF-8 BOM is dropped.
 * Row numbers are the spreadsheet's own, so an error report points at the row people see.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse';
import { checkXlsxBounds, LedgerTooLargeError, ReadLimits } from './zip-bounds';

export { LedgerTooLargeError } from './zip-bounds';
export type { ReadLimits } from './zip-bounds';

export type CellValue = string | number | boolean | Date | null;

export interface SheetRow {
  /** The row number as the spreadsheet shows it (1-based, header rows counted). */
  rowNumber: number;
  /** Cell values by column, 0-based (column A is 0). */
  cells: CellValue[];
}

export interface Sheet {
  /** The worksheet's name; for a CSV, the file's name. */
  name: string;
  rows: SheetRow[];
}

export type LedgerFileKind = 'xlsx' | 'csv';

export class UnsupportedLedgerFileError extends Error {
  constructor(
    readonly zh: string,
    en: string,
  ) {
    super(en);
    this.name = 'UnsupportedLedgerFileError';
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]); // .xls (Excel 97-2003)

/** Which reader a file needs, from its content first and its name second. */
export function ledgerFileKind(fileName: string, bytes: Buffer): LedgerFileKind {
  const lower = fileName.toLowerCase();
  if (bytes.subarray(0, 4).equals(OLE_MAGIC) || lower.endsWith('.xls')) {
    throw new UnsupportedLedgerFileError('不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入', 'Old Excel files (.xls) are not supported; save as .xlsx or CSV and import that');
  }
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    if (lower.endsWith('.xlsx') || !/\.[a-z0-9]+$/.test(lower)) return 'xlsx';
    throw new UnsupportedLedgerFileError(`不支持的文件类型："${fileName}"；请导入 .xlsx 或 .csv 文件`, `Unsupported file type "${fileName}"; import an .xlsx or .csv file`);
  }
  if (lower.endsWith('.xlsx')) throw new UnsupportedLedgerFileError('该文件不是有效的 .xlsx 文件（可能已损坏）', 'The file is not a valid .xlsx file (it may be damaged)');
  if ((lower.endsWith('.csv') || lower.endsWith('.txt') || !/\.[a-z0-9]+$/.test(lower)) && looksLikeText(bytes)) return 'csv';
  throw new UnsupportedLedgerFileError(`不支持的文件类型："${fileName}"；请导入 .xlsx 或 .csv 文件`, `Unsupported file type "${fileName}"; import an .xlsx or .csv file`);
}

/** No NUL bytes in the first kilobytes: text (UTF-8 or GBK), not a binary file renamed. */
function looksLikeText(bytes: Buffer): boolean {
  return !bytes.subarray(0, 8192).includes(0);
}

/** Rows read beyond the row bound before the header is known: title rows above the header (parse-ledger's HEADER_SEARCH_ROWS). */
const ROW_SLACK = 10;

export async function readLedgerFile(fileName: string, bytes: Buffer, limits: ReadLimits): Promise<Sheet[]> {
  const kind = ledgerFileKind(fileName, bytes);
  if (kind === 'xlsx') {
    await checkXlsxBounds(bytes, limits);
    return readXlsx(bytes, limits);
  }
  return [{ name: fileName, rows: await readCsv(decodeText(bytes), limits) }];
}

/** UTF-8 (BOM dropped) when the bytes are valid UTF-8, else GB18030 (GBK's superset, as Chinese Excel writes CSV). */
export function decodeText(bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('gb18030').decode(body);
  }
}

function tooManyRows(limits: ReadLimits): LedgerTooLargeError {
  return LedgerTooLargeError.rows(limits.maxRows);
}

async function readCsv(text: string, limits: ReadLimits): Promise<SheetRow[]> {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true });
  // In chunks, so the parser's stream yields between them (the text itself is bounded by the upload limit).
  const chunks = Readable.from((function* () {
    for (let i = 0; i < text.length; i += 64 * 1024) yield text.slice(i, i + 64 * 1024);
  })());
  chunks.pipe(parser);
  const rows: SheetRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (rows.length >= limits.maxRows + ROW_SLACK) throw tooManyRows(limits);
      rows.push({ rowNumber: info.lines, cells: record });
    }
  } finally {
    chunks.unpipe(parser);
    chunks.destroy();
    parser.destroy();
  }
  return rows;
}

async function readXlsx(bytes: Buffer, limits: ReadLimits): Promise<Sheet[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache', // dates are numbers with a date format
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const sheets: Sheet[] = [];
  let total = 0;
  try {
    for await (const worksheet of reader) {
      const rows: SheetRow[] = [];
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        const cells = values.slice(1).map(cellValue);
        if (cells.every((c) => c === null || c === '')) continue;
        if (++total > limits.maxRows + ROW_SLACK) throw tooManyRows(limits);
        rows.push({ rowNumber: row.number, cells });
      }
      sheets.push({ name: (worksheet as unknown as { name: string }).name, rows });
    }
  } catch (err) {
    if (err instanceof LedgerTooLargeError) throw err;
    throw new UnsupportedLedgerFileError('该文件不是有效的 .xlsx 文件（可能已损坏）', 'The file is not a valid .xlsx file (it may be damaged)');
  }
  return sheets;
}

/** exceljs's cell value (rich text, formula, hyperlink, date, ...) as a plain value. */
function cellValue(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const v = value as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: unknown };
  if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('');
  if ('result' in v) return cellValue(v.result);
  if (typeof v.text === 'string') return v.text;
  if (v.error !== undefined) return String(v.error);
  return String(value);
}
