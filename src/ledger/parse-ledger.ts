/**
 * Turns the rows of a ledger file into registry children and case requests, checking every row
 * with the registry's rules (src/registry/child-rules.ts) before anything is written. A problem
 * names the sheet, the spreadsheet's row number, the column (letter and header), the value and
 * what is wrong, in Chinese and English.
 */
import { checkChild, CHILD_FLAGS, RawChild, RegistryChildInput } from '../registry/child-rules';
import { sameChild } from '../registry/children-store';
import type { Town } from '../read-model/town';
import { CAUSE_LABELS, CAUSES, Cause, ENDINGS, STAGE_LABELS } from '../workflows/vocabulary';
import { columnForHeader, columnLetter, columnOf, LEDGER_COLUMNS, LedgerColumn, LedgerField } from './columns';
import type { CellValue, Sheet, SheetRow } from './read-sheet';
import { LedgerTooLargeError } from './zip-bounds';
import { restoreFormula } from './formula-cells';

export interface LedgerProblem {
  sheet: string;
  /** The spreadsheet's row number. */
  row: number;
  /** Column letter (A, B, ...), or '' for a problem of the whole row. */
  column: string;
  header: string;
  value: string;
  message: string;
  messageEn: string;
}

export interface LedgerRow {
  sheet: string;
  row: number;
  child: RegistryChildInput;
  /** Set: the row asks for a case (辍学原因 filled in and the case not marked ended). */
  cause?: Cause;
  note?: string;
}

export interface UnknownColumn {
  sheet: string;
  column: string;
  header: string;
}

export interface ParsedLedger {
  /** Rows that passed every check (a child listed twice with the same details counts once). */
  rows: LedgerRow[];
  problems: LedgerProblem[];
  /** Data rows read (empty rows not counted). */
  totalRows: number;
  /** Rows with at least one problem. */
  badRows: number;
  unknownColumns: UnknownColumn[];
  /** Worksheets read; others had no ledger header row. */
  sheets: string[];
}

/** The file as a whole is not a ledger: no header row, or required columns missing. */
export class LedgerLayoutError extends Error {
  constructor(
    readonly zh: string,
    en: string,
    readonly details: Record<string, unknown>,
  ) {
    super(en);
    this.name = 'LedgerLayoutError';
  }
}

/** Header rows are looked for among the first rows: templates often start with a title row. */
const HEADER_SEARCH_ROWS = 10;

/** `limits.maxRows`: more data rows than that are refused (LedgerTooLargeError), counted exactly here; the reader stops a little later. */
export function parseLedger(town: Town, sheets: Sheet[], limits?: { maxRows: number }): ParsedLedger {
  const result: ParsedLedger = { rows: [], problems: [], totalRows: 0, badRows: 0, unknownColumns: [], sheets: [] };
  const seen = new Map<string, { sheet: string; row: number; child: RegistryChildInput; hasCase: boolean }>();
  for (const sheet of sheets) {
    const header = findHeader(sheet);
    if (!header) continue;
    result.sheets.push(sheet.name);
    const missing = LEDGER_COLUMNS.filter((c) => c.required && !header.columns.some((h) => h?.field === c.field));
    if (missing.length > 0) {
      throw new LedgerLayoutError(
        `工作表“${sheet.name}”第 ${header.rowNumber} 行的表头缺少以下列：${missing.map((c) => c.header).join('、')}`,
        `Sheet "${sheet.name}", header row ${header.rowNumber}, lacks the columns ${missing.map((c) => c.header).join(', ')}`,
        { sheet: sheet.name, headerRow: header.rowNumber, missingColumns: missing.map((c) => c.header) },
      );
    }
    header.texts.forEach((text, i) => {
      if (text !== '' && !header.columns[i]) result.unknownColumns.push({ sheet: sheet.name, column: columnLetter(i + 1), header: text });
    });
    for (const row of sheet.rows) {
      if (row.rowNumber <= header.rowNumber || row.cells.every((c) => text(c) === '')) continue;
      if (++result.totalRows > (limits?.maxRows ?? Infinity)) throw LedgerTooLargeError.rows(limits!.maxRows);
      const parsed = parseRow(town, sheet.name, header, row);
      if (parsed.problems.length > 0) {
        result.badRows++;
        result.problems.push(...parsed.problems);
        continue;
      }
      const ledgerRow = parsed.row!;
      const earlier = seen.get(ledgerRow.child.idNumber);
      if (earlier) {
        if (!sameChild(earlier.child, ledgerRow.child)) {
          result.badRows++;
          const at = header.columns.findIndex((c) => c?.field === 'idNumber');
          result.problems.push({
            sheet: sheet.name,
            row: row.rowNumber,
            column: columnLetter(at + 1),
            header: header.texts[at],
            value: ledgerRow.child.idNumber,
            message: `身份证号码与${earlier.sheet === sheet.name ? '' : `工作表“${earlier.sheet}”`}第 ${earlier.row} 行相同，但其他信息不同`,
            messageEn: `The same ID number as row ${earlier.row}${earlier.sheet === sheet.name ? '' : ` of sheet "${earlier.sheet}"`}, with other details`,
          });
          continue;
        }
        // The same child again (e.g. in the export's cases sheet and its children sheet): one child, at most one case request.
        if (ledgerRow.cause && !earlier.hasCase) {
          earlier.hasCase = true;
          result.rows.push({ ...ledgerRow });
        }
        continue;
      }
      seen.set(ledgerRow.child.idNumber, { sheet: sheet.name, row: row.rowNumber, child: ledgerRow.child, hasCase: ledgerRow.cause !== undefined });
      result.rows.push(ledgerRow);
    }
  }
  if (result.sheets.length === 0) {
    throw new LedgerLayoutError(
      `没有找到表头行（前 ${HEADER_SEARCH_ROWS} 行中应有“姓名”“身份证号”等列）`,
      `No header row found (the first ${HEADER_SEARCH_ROWS} rows should hold columns such as 姓名 and 身份证号)`,
      { expectedColumns: LEDGER_COLUMNS.filter((c) => !c.exportOnly).map((c) => c.header) },
    );
  }
  return { ...result, rows: dedupe(result.rows) };
}

/** One entry per child: the one with a case request if any. */
function dedupe(rows: LedgerRow[]): LedgerRow[] {
  const byId = new Map<string, LedgerRow>();
  for (const row of rows) {
    const kept = byId.get(row.child.idNumber);
    if (!kept || (!kept.cause && row.cause)) byId.set(row.child.idNumber, row);
  }
  return [...byId.values()];
}

interface Header {
  rowNumber: number;
  texts: string[];
  columns: Array<LedgerColumn | undefined>;
}

function findHeader(sheet: Sheet): Header | undefined {
  for (const row of sheet.rows.slice(0, HEADER_SEARCH_ROWS)) {
    const texts = row.cells.map((c) => text(c));
    const columns = texts.map((t) => (t === '' ? undefined : columnForHeader(t)));
    if (columns.some((c) => c?.field === 'name') && columns.some((c) => c?.field === 'idNumber')) return { rowNumber: row.rowNumber, texts, columns };
  }
  return undefined;
}

function parseRow(town: Town, sheet: string, header: Header, row: SheetRow): { row?: LedgerRow; problems: LedgerProblem[] } {
  const problems: LedgerProblem[] = [];
  const cell = (field: LedgerField): CellValue => {
    const i = header.columns.findIndex((c) => c?.field === field);
    return i < 0 ? null : (row.cells[i] ?? null);
  };
  const problem = (field: LedgerField, value: unknown, message: string, messageEn: string) => {
    const i = header.columns.findIndex((c) => c?.field === field);
    problems.push({
      sheet,
      row: row.rowNumber,
      column: i < 0 ? '' : columnLetter(i + 1),
      header: i < 0 ? columnOf(field).header : header.texts[i],
      value: text(value as CellValue),
      message,
      messageEn,
    });
  };

  const idCell = cell('idNumber');
  let idNumber: string | undefined = text(idCell).toUpperCase();
  if (typeof idCell === 'number') {
    // Excel keeps 15 significant digits: an 18-digit ID typed as a number has lost its last ones.
    problem('idNumber', idCell, '身份证号码被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写', 'The ID number was stored as a number and lost its last digits; format the column as text and type it again');
    idNumber = undefined;
  }

  const names = splitList(text(cell('guardianName')));
  const phones = splitList(text(cell('guardianPhone')));
  const relations = splitList(text(cell('guardianRelation')));
  const guardians =
    names.length > 1 && phones.length === names.length && (relations.length === names.length || relations.length === 1)
      ? names.map((name, i) => ({ name, phone: phones[i], relation: relations[relations.length === 1 ? 0 : i] }))
      : [{ name: text(cell('guardianName')), phone: text(cell('guardianPhone')), relation: text(cell('guardianRelation')) }];

  const raw: RawChild = {
    name: text(cell('name')),
    idNumber,
    sex: sexCode(text(cell('sex'))),
    birthDate: dateText(cell('birthDate')),
    school: text(cell('school')),
    grade: gradeNumber(cell('grade')),
    className: text(cell('className')),
    area: text(cell('area')),
    villagerGroup: text(cell('villagerGroup')) || undefined,
    guardians,
  };
  for (const flag of CHILD_FLAGS) raw[flag] = yesNo(cell(flag));

  const checked = checkChild(town, raw);
  for (const p of checked.problems) {
    const field = fieldOfProblem(p.field);
    if (field === 'idNumber' && idNumber === undefined) continue; // already said why
    problem(field, cell(field), p.message, p.messageEn);
  }

  let cause: Cause | undefined;
  const causeText = text(cell('cause'));
  if (causeText !== '') {
    cause = causeCode(causeText);
    if (!cause) {
      problem('cause', causeText, `没有这个辍学原因：“${causeText}”。可选：${CAUSES.map((c) => CAUSE_LABELS[c].zh).join('、')}`, `Unknown cause "${causeText}"; valid: ${CAUSES.join(', ')}`);
    }
  }
  const note = text(cell('note'));
  if (note.length > 2000) problem('note', note.slice(0, 50), '备注最多 2000 个字', 'The note has at most 2000 characters');

  // In the order of the columns, as people read the row.
  const order = (p: LedgerProblem) => [...p.column].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  problems.sort((a, b) => order(a) - order(b));
  if (problems.length > 0 || !checked.child) return { problems };
  // A row marked as an ended case (the export's 状态) is history: it registers the child and opens nothing.
  const ended = isEnded(text(cell('status')));
  return {
    problems: [],
    row: { sheet, row: row.rowNumber, child: checked.child, ...(cause && !ended ? { cause } : {}), ...(note !== '' && cause && !ended ? { note } : {}) },
  };
}

/** child-rules' field names (guardians.0.phone) → the ledger's columns. */
function fieldOfProblem(field: string): LedgerField {
  if (field.startsWith('guardians')) {
    if (field.endsWith('.phone')) return 'guardianPhone';
    if (field.endsWith('.relation')) return 'guardianRelation';
    return 'guardianName';
  }
  return field as LedgerField;
}

export function text(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDate(value);
  return restoreFormula(String(value).trim()); // the export's quote before = + - @ (formula-cells.ts)
}

function splitList(value: string): string[] {
  return value.split(/[、,，;；/]/).map((v) => v.trim()).filter(Boolean);
}

export function sexCode(value: string): string | undefined {
  if (value === '') return undefined;
  if (/^(男|m|male)$/i.test(value)) return 'M';
  if (/^(女|f|female)$/i.test(value)) return 'F';
  return value;
}

export function isoDate(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** 2012-03-15, 2012/3/15, 2012.3.15, 20120315, 2012年3月15日, or an Excel date. */
export function dateText(value: CellValue): string | undefined {
  if (value === null || value === '') return undefined;
  if (value instanceof Date) return isoDate(value);
  const s = String(value).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : s;
}

const CHINESE_DIGITS = '一二三四五六七八九';

/** 5, "5", "五年级", "5年级", "初一" (7) ... "初三" (9); anything else is left for the rules to refuse. */
export function gradeNumber(value: CellValue): unknown {
  if (typeof value === 'number') return value;
  const s = text(value);
  if (s === '') return undefined;
  const m = /^([1-9]|[一二三四五六七八九])(?:年级)?$/.exec(s);
  if (m) return /\d/.test(m[1]) ? Number(m[1]) : CHINESE_DIGITS.indexOf(m[1]) + 1;
  const junior = /^初([一二三123])$/.exec(s);
  if (junior) return 6 + (/\d/.test(junior[1]) ? Number(junior[1]) : CHINESE_DIGITS.indexOf(junior[1]) + 1);
  return s;
}

/** 是/否, Y/N, √/×, 1/0, true/false; blank is 否. Anything else is left for the rules to refuse. */
export function yesNo(value: CellValue): unknown {
  if (typeof value === 'boolean') return value;
  const s = text(value);
  if (s === '' || /^(否|n|no|×|x|0|false)$/i.test(s)) return false;
  if (/^(是|y|yes|√|✓|1|true)$/i.test(s)) return true;
  return s;
}

const CAUSE_WORDS: Array<[RegExp, Cause]> = [
  [/学习困难|厌学/, 'LEARNING_DIFFICULTY'],
  [/贫/, 'POVERTY'],
  [/残疾/, 'DISABILITY'],
  [/监护人|家长.*(拒|不送)|拒绝/, 'GUARDIAN_REFUSES'],
  [/疾病|生病|因病|患病/, 'ILLNESS'],
  [/务工|打工/, 'WORK'],
  [/婚/, 'MARRIAGE'],
  [/迁|转走|外出/, 'MOVED_AWAY'],
  [/^其他|^其它/, 'OTHER'],
];

function causeCode(value: string): Cause | undefined {
  const upper = value.toUpperCase();
  if ((CAUSES as readonly string[]).includes(upper)) return upper as Cause;
  const byLabel = CAUSES.find((c) => CAUSE_LABELS[c].zh === value);
  if (byLabel) return byLabel;
  return CAUSE_WORDS.find(([pattern]) => pattern.test(value))?.[1];
}

export const ENDED_STATUS = '已结';
export const OPEN_STATUS = '未结';

function isEnded(status: string): boolean {
  if (status === '') return false;
  return status === ENDED_STATUS || /已结|销号|结案|关闭/.test(status) || ENDINGS.some((e) => STAGE_LABELS[e].zh === status);
}
