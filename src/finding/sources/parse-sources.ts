/**
 * Turns the rows of a source file into records, checking every row before anything is written
 * (all or nothing): the ID number with its check digit, birth date and sex agreeing with it,
 * names, dates in the usual forms (2013-05-15, 2013/5/15, 20130515, 2013年5月15日, an Excel date),
 * the 村(社区) of the town, the school of the import, grades, attendance marks, and the same
 * person twice in one file (a duplicate row, or a child on two rolls). A problem names the sheet,
 * the spreadsheet row, the column, the value and what is wrong, in Chinese and English, in the
 * ledger's shape (src/ledger/parse-ledger.ts LedgerProblem). Pure: no database. The import job
 * runs it in a worker thread (src/ledger/read-in-thread.ts readInThread).
 */
import { checkChineseIdNumber, normaliseIdNumber } from '../../api/validation/chinese-id-number';
import { isCalendarDate } from '../../api/validation/decorators';
import { columnLetter } from '../../ledger/columns';
import { dateText, gradeNumber, LedgerLayoutError, LedgerProblem, sexCode, text, UnknownColumn } from '../../ledger/parse-ledger';
import { CellValue, readLedgerFile, ReadLimits, Sheet, SheetRow } from '../../ledger/read-sheet';
import type { ThreadReader } from '../../ledger/read-in-thread';
import { LedgerTooLargeError } from '../../ledger/zip-bounds';
import type { SourceKind } from '../../read-model/entities';
import type { Town } from '../../read-model/town';
import { SOURCE_LAYOUTS, SourceColumn, sourceColumn, sourceColumnForHeader, SourceField } from './source-columns';

/** One attendance mark: a school day of a child. */
export interface AttendanceMark {
  /** YYYY-MM-DD. */
  day: string;
  absent: boolean;
  /** 病假：发烧, 事假, a note; null for an absence without a reason. */
  reason: string | null;
}

/** A record of any kind; the fields its kind has are set, the others null. */
export interface SourceRecordInput {
  sheet: string;
  row: number;
  name: string;
  idNumber: string | null;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  area: string | null;
  villagerGroup: string | null;
  address: string | null;
  householdHead: string | null;
  relation: string | null;
  school: string | null;
  studentNumber: string | null;
  grade: number | null;
  className: string | null;
  category: string | null;
  /** Attendance only. */
  marks: AttendanceMark[];
}

export type AttendanceFormat = 'DAILY' | 'WEEKLY_GRID';

export interface ParsedSource {
  kind: SourceKind;
  records: SourceRecordInput[];
  problems: LedgerProblem[];
  /** Data rows read (empty rows not counted). */
  totalRows: number;
  badRows: number;
  unknownColumns: UnknownColumn[];
  sheets: string[];
  /** Attendance: one row per child and day (日期 + 出勤情况), or a grid with a column per day. */
  attendanceFormat: AttendanceFormat | null;
}

export interface SourceParseOptions {
  kind: SourceKind;
  /** The school of a roll or attendance file (its code); rows naming another school are bad. */
  school: string | null;
}

/** For readInThread: this module's readAndParseSource. */
export const SOURCE_READER: ThreadReader = { file: __filename, name: 'readAndParseSource' };

export async function readAndParseSource(town: Town, fileName: string, bytes: Buffer, limits: ReadLimits, options: SourceParseOptions): Promise<ParsedSource> {
  return parseSource(town, await readLedgerFile(fileName, bytes, limits), options, limits);
}

/** Header rows are looked for among the first rows: extracts often start with a title row or two. */
const HEADER_SEARCH_ROWS = 10;
const MAX_TEXT = 200;

interface Header {
  rowNumber: number;
  texts: string[];
  columns: Array<SourceColumn | undefined>;
  /** Weekly grid: the columns whose header is a date. */
  dayColumns: Array<{ index: number; day: string }>;
}

export function parseSource(town: Town, sheets: Sheet[], options: SourceParseOptions, limits?: { maxRows: number }): ParsedSource {
  const { kind } = options;
  const layout = SOURCE_LAYOUTS[kind];
  const result: ParsedSource = { kind, records: [], problems: [], totalRows: 0, badRows: 0, unknownColumns: [], sheets: [], attendanceFormat: null };
  const seen = new Seen(kind);
  for (const sheet of sheets) {
    const header = findHeader(kind, sheet);
    if (!header) continue;
    result.sheets.push(sheet.name);
    const has = (f: SourceField) => header.columns.some((c) => c?.field === f);
    const missing = layout.required.filter((any) => !any.some(has));
    if (kind === 'ATTENDANCE') {
      const format: AttendanceFormat | null = has('day') && has('mark') ? 'DAILY' : header.dayColumns.length > 0 ? 'WEEKLY_GRID' : null;
      if (!format) missing.push(['day', 'mark']);
      else if (result.attendanceFormat && result.attendanceFormat !== format) throw layoutError(sheet, header, '各工作表的考勤格式应一致（都按日一行，或都按周一行）', 'every sheet should have the same attendance layout (a row per day, or a row per week)');
      else result.attendanceFormat = format;
    }
    if (missing.length > 0) {
      const names = missing.map((any) => any.map((f) => sourceColumn(f).header).join('或'));
      throw new LedgerLayoutError(
        `工作表“${sheet.name}”第 ${header.rowNumber} 行的表头缺少以下列：${names.join('、')}`,
        `Sheet "${sheet.name}", header row ${header.rowNumber}, lacks the columns ${missing.map((any) => any.map((f) => sourceColumn(f).header).join(' or ')).join(', ')}`,
        { sheet: sheet.name, headerRow: header.rowNumber, missingColumns: names },
      );
    }
    header.texts.forEach((t, i) => {
      if (t !== '' && !header.columns[i] && !header.dayColumns.some((d) => d.index === i)) result.unknownColumns.push({ sheet: sheet.name, column: columnLetter(i + 1), header: t });
    });
    for (const row of sheet.rows) {
      if (row.rowNumber <= header.rowNumber || row.cells.every((c) => text(c) === '')) continue;
      if (++result.totalRows > (limits?.maxRows ?? Infinity)) throw LedgerTooLargeError.rows(limits!.maxRows);
      const parsed = parseRow(town, options, sheet.name, header, row, result.attendanceFormat);
      const problems = parsed.problems.length > 0 ? parsed.problems : seen.check(parsed.record!, header);
      if (problems.length > 0) {
        result.badRows++;
        result.problems.push(...problems);
        continue;
      }
      result.records.push(parsed.record!);
    }
  }
  if (result.sheets.length === 0) {
    throw new LedgerLayoutError(
      `没有找到${layout.label.zh}的表头行（前 ${HEADER_SEARCH_ROWS} 行中应有“姓名”以及“${layout.required.slice(1).map((any) => any.map((f) => sourceColumn(f).header).join('或')).join('”“')}”等列）`,
      `No header row of a ${layout.label.en} file found (the first ${HEADER_SEARCH_ROWS} rows should hold columns such as 姓名 and ${layout.required.slice(1).map((any) => any.map((f) => sourceColumn(f).header).join(' or ')).join(', ')})`,
      { kind, expectedColumns: layout.columns.map((c) => c.header) },
    );
  }
  return result;
}

function layoutError(sheet: Sheet, header: Header, zh: string, en: string): LedgerLayoutError {
  return new LedgerLayoutError(`工作表“${sheet.name}”第 ${header.rowNumber} 行：${zh}`, `Sheet "${sheet.name}", row ${header.rowNumber}: ${en}`, { sheet: sheet.name, headerRow: header.rowNumber });
}

function findHeader(kind: SourceKind, sheet: Sheet): Header | undefined {
  for (const row of sheet.rows.slice(0, HEADER_SEARCH_ROWS)) {
    const texts = row.cells.map((c) => text(c));
    const columns = texts.map((t) => (t === '' ? undefined : sourceColumnForHeader(kind, t)));
    if (!columns.some((c) => c?.field === 'name')) continue;
    const dayColumns =
      kind === 'ATTENDANCE'
        ? row.cells.flatMap((cell, index) => {
            if (columns[index]) return [];
            const day = calendarDate(cell);
            return day ? [{ index, day }] : [];
          })
        : [];
    return { rowNumber: row.rowNumber, texts, columns, dayColumns };
  }
  return undefined;
}

/** A full date (2026-09-07, 2026/9/7, 20260907, 2026年9月7日, an Excel date) as YYYY-MM-DD, else undefined. */
function calendarDate(value: CellValue): string | undefined {
  const day = dateText(value);
  return day !== undefined && isCalendarDate(day) ? day : undefined;
}

function parseRow(town: Town, options: SourceParseOptions, sheet: string, header: Header, row: SheetRow, format: AttendanceFormat | null): { record?: SourceRecordInput; problems: LedgerProblem[] } {
  const { kind } = options;
  const problems: LedgerProblem[] = [];
  const indexOf = (field: SourceField) => header.columns.findIndex((c) => c?.field === field);
  const cell = (field: SourceField): CellValue => {
    const i = indexOf(field);
    return i < 0 ? null : (row.cells[i] ?? null);
  };
  const at = (index: number, value: unknown) => ({
    sheet,
    row: row.rowNumber,
    column: index < 0 ? '' : columnLetter(index + 1),
    header: index < 0 ? '' : header.texts[index],
    value: text(value as CellValue),
  });
  const problem = (field: SourceField, value: unknown, message: string, messageEn: string) => {
    const i = indexOf(field);
    problems.push({ ...at(i, value), header: i < 0 ? sourceColumn(field).header : header.texts[i], message, messageEn });
  };
  const optionalText = (field: SourceField, label: string): string | null => {
    const value = text(cell(field));
    if (value === '') return null;
    if (value.length > MAX_TEXT) problem(field, value.slice(0, 50), `${label}最多 ${MAX_TEXT} 个字`, `at most ${MAX_TEXT} characters`);
    return value.slice(0, MAX_TEXT);
  };

  const name = text(cell('name'));
  if (name === '') problem('name', '', '请填写姓名', 'the name is required');
  else if (name.length > 50) problem('name', name.slice(0, 50), '姓名最多 50 个字', 'the name has at most 50 characters');

  // The ID number: optional in every file (records without one are matched by name and birth date), checked when given.
  let idNumber: string | null = null;
  let idFacts: { birthDate: string; sex: 'M' | 'F' } | undefined;
  const idCell = cell('idNumber');
  if (typeof idCell === 'number') {
    // Excel keeps 15 significant digits: an 18-digit ID typed as a number has lost its last ones.
    problem('idNumber', idCell, '身份证号码被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新导出', 'The ID number was stored as a number and lost its last digits; format the column as text and export again');
  } else if (text(idCell) !== '') {
    const checked = checkChineseIdNumber(text(idCell));
    if (!checked.valid) problem('idNumber', idCell, checked.problem.zh, checked.problem.en);
    else {
      idNumber = normaliseIdNumber(text(idCell));
      idFacts = checked;
    }
  }

  let birthDate: string | null = idFacts?.birthDate ?? null;
  const birthCell = cell('birthDate');
  const birthText = dateText(birthCell);
  if (birthText !== undefined && birthText !== '') {
    if (!isCalendarDate(birthText)) problem('birthDate', birthCell, '出生日期无法识别，应写作 2013-05-15、2013/5/15 或 20130515', 'unreadable birth date; write it like 2013-05-15, 2013/5/15 or 20130515');
    else if (idFacts && birthText !== idFacts.birthDate) problem('birthDate', birthCell, `出生日期与身份证号码不一致（身份证号码中为 ${idFacts.birthDate}）`, `the birth date does not match the ID number (${idFacts.birthDate})`);
    else birthDate = birthText;
  }
  if (birthDate === null && idNumber === null && (kind === 'HOUSEHOLD_REGISTER' || kind === 'SCHOOL_ROLL') && text(idCell) === '' && (birthText ?? '') === '') {
    problem('birthDate', '', '没有身份证号码时请填写出生日期（按姓名和出生日期比对）', 'without an ID number the birth date is required (it is matched by name and birth date)');
  }

  let sex: 'M' | 'F' | null = idFacts?.sex ?? null;
  const sexText = sexCode(text(cell('sex')));
  if (sexText !== undefined) {
    if (sexText !== 'M' && sexText !== 'F') problem('sex', cell('sex'), '性别应为 男 或 女', 'sex must be 男 or 女');
    else if (idFacts && sexText !== idFacts.sex) problem('sex', cell('sex'), `性别与身份证号码不一致（身份证号码为${idFacts.sex === 'M' ? '男' : '女'}）`, `sex does not match the ID number (${idFacts.sex})`);
    else sex = sexText;
  }

  let area: string | null = null;
  const areaText = text(cell('area'));
  const address = optionalText('address', '住址');
  if (areaText !== '') {
    const found = town.area(areaText);
    if (!found) problem('area', areaText, `没有这个村（社区）："${areaText}"。可选：${town.describeAreas().join('、')}`, `unknown village or community "${areaText}"; valid: ${town.areas.map((a) => a.code).join(', ')}`);
    else area = found.code;
  } else if (address) {
    // 重庆市云阳县故陵镇高坪村3组: the area whose name the address holds.
    area = town.areas.find((a) => address.includes(a.name.zh))?.code ?? null;
  }

  let school: string | null = null;
  if (kind === 'SCHOOL_ROLL' || kind === 'ATTENDANCE') {
    school = options.school;
    const schoolText = text(cell('school'));
    const named = schoolText === '' ? undefined : town.school(schoolText);
    if (schoolText !== '' && named?.code !== options.school) {
      const ours = options.school ? town.schoolLabel(options.school) : { zh: '', en: '' };
      problem('school', schoolText, `该行的学校“${schoolText}”不是本次导入的学校（${ours.zh}）；每所学校的${SOURCE_LAYOUTS[kind].label.zh}分别导入`, `the row's school "${schoolText}" is not the school of this import (${ours.en}); import each school's file on its own`);
    }
  }

  let studentNumber: string | null = null;
  const numberCell = cell('studentNumber');
  if (typeof numberCell === 'number' && !Number.isSafeInteger(numberCell)) {
    problem('studentNumber', numberCell, '学籍号被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新导出', 'The student number was stored as a number and lost digits; format the column as text and export again');
  } else if (text(numberCell) !== '') {
    studentNumber = text(numberCell).toUpperCase();
    if (!/^[A-Z0-9]{6,30}$/.test(studentNumber)) problem('studentNumber', numberCell, '学籍号应为 6-30 位字母和数字（如 G500235201305150019）', 'the student number is 6-30 letters and digits (like G500235201305150019)');
  } else if (kind === 'SCHOOL_ROLL') {
    problem('studentNumber', '', '请填写学籍号', 'the student number (学籍号) is required');
  }
  if (kind === 'ATTENDANCE' && studentNumber === null && idNumber === null && text(idCell) === '' && text(numberCell) === '') {
    problem(indexOf('studentNumber') >= 0 ? 'studentNumber' : 'idNumber', '', '请填写学籍号或身份证号码（用来认出学生）', 'the student number or the ID number is required (it tells who the pupil is)');
  }

  let grade: number | null = null;
  const gradeCell = cell('grade');
  if (text(gradeCell) !== '' && kind !== 'POVERTY_LIST' && kind !== 'HOUSEHOLD_REGISTER') {
    const g = gradeNumber(gradeCell);
    const s = school ? town.school(school) : undefined;
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 1 || g > 9) problem('grade', gradeCell, '年级应为 1-9（如 5、五年级、初一）', 'the grade is 1-9 (5, 五年级, 初一)');
    else if (s && (g < s.grades[0] || g > s.grades[1])) problem('grade', gradeCell, `${s.name.zh}只有 ${s.grades[0]}-${s.grades[1]} 年级`, `${s.name.en} teaches grades ${s.grades[0]}-${s.grades[1]}`);
    else grade = g;
  }

  const marks: AttendanceMark[] = [];
  if (kind === 'ATTENDANCE' && format === 'DAILY') {
    const dayCell = cell('day');
    const day = calendarDate(dayCell);
    if (!day) problem('day', dayCell, text(dayCell) === '' ? '请填写日期' : '日期无法识别，应写作 2026-09-07、2026/9/7 或 20260907', text(dayCell) === '' ? 'the date is required' : 'unreadable date; write it like 2026-09-07, 2026/9/7 or 20260907');
    const mark = readMark(cell('mark'), text(cell('reason')));
    if ('problem' in mark) problem('mark', cell('mark'), mark.problem.zh, mark.problem.en);
    else if (day) marks.push({ day, ...mark });
  } else if (kind === 'ATTENDANCE') {
    for (const { index, day } of header.dayColumns) {
      const mark = readMark(row.cells[index] ?? null, '');
      if ('problem' in mark) problems.push({ ...at(index, row.cells[index]), message: mark.problem.zh, messageEn: mark.problem.en });
      else marks.push({ day, ...mark });
    }
  }

  // In the order of the columns, as people read the row.
  const order = (p: LedgerProblem) => [...p.column].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  problems.sort((a, b) => order(a) - order(b));
  if (problems.length > 0) return { problems };
  return {
    problems: [],
    record: {
      sheet,
      row: row.rowNumber,
      name,
      idNumber,
      birthDate,
      sex,
      area,
      villagerGroup: optionalText('villagerGroup', '村民小组'),
      address,
      householdHead: optionalText('householdHead', '户主姓名'),
      relation: optionalText('relation', '与户主关系'),
      school,
      studentNumber,
      grade,
      className: kind === 'SCHOOL_ROLL' || kind === 'ATTENDANCE' ? optionalText('className', '班级') : null,
      category: optionalText('category', '户类型'),
      marks,
    },
  };
}

/** Leave kinds: an absence with a reason. */
const LEAVE = /^(病假|事假|公假|丧假|婚假|请假|伤假)/;
const PRESENT = /^(√|✓|✔|出勤|到|到校|在校|正常|出席|上课)$/;
const LATE = /^(迟到|早退)$/;
const ABSENT = /^(×|x|✗|✘|缺|缺勤|缺课|旷课|未到|未到校|缺席|旷|无故缺勤)$/i;

/**
 * A mark as class teachers write it: blank or √/出勤 present; 迟到/早退 present with the note;
 * ×/缺勤/旷课 absent without a reason (unless the reason column gives one); 病假/事假/请假 … absent
 * with that reason (and the note). Anything else is a bad cell, never guessed.
 */
function readMark(value: CellValue, note: string): Omit<AttendanceMark, 'day'> | { problem: { zh: string; en: string } } {
  const mark = text(value);
  const withNote = (reason: string) => (note !== '' && note !== reason ? `${reason}：${note}` : reason).slice(0, MAX_TEXT);
  if (mark === '' || PRESENT.test(mark)) return { absent: false, reason: null };
  if (LATE.test(mark)) return { absent: false, reason: withNote(mark) };
  if (ABSENT.test(mark)) return { absent: true, reason: note === '' ? null : note.slice(0, MAX_TEXT) };
  if (LEAVE.test(mark)) return { absent: true, reason: withNote(mark) };
  return {
    problem: {
      zh: `不认识的考勤标记“${mark}”；可写 √/出勤、×/缺勤/旷课、病假、事假、迟到，或留空（出勤）`,
      en: `unknown attendance mark "${mark}"; write √/出勤 (present), ×/缺勤/旷课 (absent), 病假 or 事假 (leave), 迟到 (late), or leave it blank (present)`,
    },
  };
}

/** The same person (or child and day) twice in one file: the later row is bad, naming the earlier. */
class Seen {
  private readonly byKey = new Map<string, { sheet: string; row: number; record: SourceRecordInput }>();

  constructor(private readonly kind: SourceKind) {}

  check(record: SourceRecordInput, header: Header): LedgerProblem[] {
    const keys = this.keysOf(record);
    for (const { key, field } of keys) {
      const earlier = this.byKey.get(key);
      if (!earlier) continue;
      const i = header.columns.findIndex((c) => c?.field === field);
      const where = `${earlier.sheet === record.sheet ? '' : `工作表“${earlier.sheet}”`}第 ${earlier.row} 行`;
      const whereEn = `row ${earlier.row}${earlier.sheet === record.sheet ? '' : ` of sheet "${earlier.sheet}"`}`;
      const same = JSON.stringify({ ...earlier.record, sheet: 0, row: 0 }) === JSON.stringify({ ...record, sheet: 0, row: 0 });
      const twoRolls = this.kind === 'SCHOOL_ROLL' && field === 'idNumber' && earlier.record.studentNumber !== record.studentNumber;
      const [message, messageEn] = same
        ? [`与${where}完全相同（重复的行），请删去一行`, `the same as ${whereEn} (a duplicate row); delete one`]
        : twoRolls
          ? [`该学生在本文件中有两个学籍（${where}，学籍号 ${earlier.record.studentNumber}）；一人只能有一个学籍，请核实`, `the pupil has two roll entries in this file (${whereEn}, student number ${earlier.record.studentNumber}); one pupil has one, check it`]
          : field === 'day'
            ? [`该学生这一天的考勤与${where}重复`, `the pupil's attendance for this day is also in ${whereEn}`]
            : [`${sourceColumn(field).header}与${where}相同，但其他信息不同`, `the same ${sourceColumn(field).header} as ${whereEn}, with other details`];
      return [{ sheet: record.sheet, row: record.row, column: i < 0 ? '' : columnLetter(i + 1), header: i < 0 ? '' : header.texts[i], value: key.split('|').pop()!, message, messageEn }];
    }
    for (const { key } of keys) this.byKey.set(key, { sheet: record.sheet, row: record.row, record });
    return [];
  }

  private keysOf(r: SourceRecordInput): Array<{ key: string; field: SourceField }> {
    if (this.kind === 'ATTENDANCE') {
      const child = r.studentNumber ?? `ID:${r.idNumber}`;
      return r.marks.map((m) => ({ key: `${child}|${m.day}`, field: 'day' as const }));
    }
    const keys: Array<{ key: string; field: SourceField }> = [];
    if (r.studentNumber) keys.push({ key: `S|${r.studentNumber}`, field: 'studentNumber' });
    if (r.idNumber) keys.push({ key: `I|${r.idNumber}`, field: 'idNumber' });
    else keys.push({ key: `N|${r.name}|${r.birthDate ?? ''}|${r.householdHead ?? ''}`, field: 'name' });
    return keys;
  }
}
