/**
 * The ledger (台账) as an .xlsx workbook with Chinese headers: sheet 案件台账, one row per case
 * (child, area, school, stage in Chinese, cause, opened, due dates, status), and sheet 儿童名册,
 * one row per child. Headers are the import's (src/ledger/columns.ts), so an exported file imports
 * back unchanged: children equal, open cases already open, ended cases history only. Text that
 * would start a formula gets a leading quote (formula-cells.ts), which the import takes off.
 */
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../access/permissions';
import { maskIdNumber, maskPhone } from '../access/masking';
import type { Town } from '../read-model/town';
import { CHILD_FLAGS, ChildFlag } from '../registry/child-rules';
import { FLAG_COLUMNS } from '../registry/children-store';
import { CAUSE_LABELS, Cause, STAGE_LABELS, Stage } from '../workflows/vocabulary';
import { columnOf, LedgerField } from './columns';
import { neutraliseFormula } from './formula-cells';
import { ENDED_STATUS, OPEN_STATUS } from './parse-ledger';
import { caseScopeSql } from '../read-model/scope-sql';

export interface ExportOptions {
  town: Town;
  /** Which cases the reader sees (permissions.caseScope). */
  caseScope: CaseScope;
  /** Which children the reader sees (permissions.childScope). */
  childScope: CaseScope;
  /** Mask ID numbers and phones (roles without full identity). */
  masked: boolean;
  now?: Date;
}

const CHILD_FIELDS: LedgerField[] = [
  'name', 'idNumber', 'sex', 'birthDate', 'school', 'grade', 'className', 'area', 'villagerGroup',
  'guardianName', 'guardianPhone', 'guardianRelation', ...CHILD_FLAGS,
];
const CASE_FIELDS: LedgerField[] = ['sequence', 'caseId', ...CHILD_FIELDS, 'cause', 'stage', 'openedAt', 'actionDueAt', 'windowEndsAt', 'status', 'note'];
const CHILDREN_FIELDS: LedgerField[] = ['sequence', ...CHILD_FIELDS];

export const CASES_SHEET = '案件台账';
export const CHILDREN_SHEET = '儿童名册';

interface ChildRow {
  id: string;
  name: string;
  id_number: string;
  sex: 'M' | 'F';
  birth_date: string;
  school: string;
  grade: number;
  class_name: string;
  area: string;
  villager_group: string | null;
  /** Every flag, by its column (FLAG_COLUMNS). */
  [flagColumn: string]: unknown;
  guardians: Array<{ name: string; phone: string; relation: string }>;
}

interface CaseRow extends ChildRow {
  case_id: string;
  cause: Cause;
  stage: Stage;
  open: boolean;
  opened_at: Date;
  action_due_at: Date | null;
  window_ends_at: Date | null;
  note: string | null;
  /** A case handed on to another town: that town's code and when it accepted. */
  handed_on_to?: string | null;
  handed_on_at?: Date | null;
}

export async function exportLedger(dataSource: DataSource, options: ExportOptions): Promise<Buffer> {
  const { town } = options;
  const childParams: unknown[] = [town.code];
  const childWhere = caseScopeSql(options.childScope, childParams, 'c', 'c');
  const children: ChildRow[] = await dataSource.query(`${CHILD_SELECT} WHERE c.town = $1 AND ${childWhere} ORDER BY c.school, c.grade, c.class_name, c.name, c.id`, childParams);
  const caseParams: unknown[] = [town.code];
  const caseWhere = caseScopeSql(options.caseScope, caseParams, 'k', 'ch');
  const cases: CaseRow[] = await dataSource.query(
    `SELECT k.id AS case_id, k.cause, k.stage, k.open, k.opened_at, k.action_due_at, k.window_ends_at, k.note, ch.*
       FROM cases k JOIN (${CHILD_SELECT} WHERE c.town = $1) ch ON ch.id = k.child_id
      WHERE k.town = $1 AND ${caseWhere}
      ORDER BY k.opened_at, k.id`,
    caseParams,
  );
  cases.push(...(await handedOnCases(dataSource, town, options.caseScope)));

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'baoxue 保学';
  workbook.created = options.now ?? new Date();
  const caseSheet = sheet(workbook, CASES_SHEET, CASE_FIELDS);
  cases.forEach((row, i) => {
    caseSheet.addRow(
      CASE_FIELDS.map((field): string | number => {
        switch (field) {
          case 'sequence':
            return i + 1;
          case 'caseId':
            return row.case_id;
          case 'cause':
            return CAUSE_LABELS[row.cause]?.zh ?? row.cause;
          case 'stage':
            return row.handed_on_to ? TRANSFERRED_OUT_LABEL.zh : (STAGE_LABELS[row.stage]?.zh ?? row.stage);
          case 'openedAt':
            return beijingTime(row.opened_at);
          case 'actionDueAt':
            return beijingTime(row.action_due_at);
          case 'windowEndsAt':
            return beijingTime(row.window_ends_at);
          case 'status':
            return row.open ? OPEN_STATUS : ENDED_STATUS;
          case 'note':
            return row.handed_on_to ? handedOnNote(row) : (row.note ?? '');
          default:
            return childCell(field, row, town, options.masked);
        }
      }).map(safeCell),
    );
  });
  const childSheet = sheet(workbook, CHILDREN_SHEET, CHILDREN_FIELDS);
  children.forEach((row, i) => childSheet.addRow(CHILDREN_FIELDS.map((field) => (field === 'sequence' ? i + 1 : childCell(field, row, town, options.masked))).map(safeCell)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The cases this town handed on to another town (an accepted transfer, src/transfers): still in its
 * ledger, as ended for it (已结), from the day the other town accepted, with the child's record and
 * the place the case had here, in the reader's scope as it stood here.
 */
async function handedOnCases(dataSource: DataSource, town: Town, scope: CaseScope): Promise<CaseRow[]> {
  const params: unknown[] = [town.code];
  const where = caseScopeSql(scope, params, 'x', 'ch');
  return dataSource.query(
    `SELECT k.id AS case_id, k.cause, k.stage, false AS open, k.opened_at, NULL AS action_due_at, NULL AS window_ends_at, k.note,
            x.to_town AS handed_on_to, x.decided_at AS handed_on_at, ch.*
       FROM (SELECT t.case_id, t.from_area AS area, t.from_school AS school, t.from_child_id AS child_id, cs.stage, t.to_town, t.decided_at
               FROM case_transfers t JOIN cases cs ON cs.id = t.case_id
              WHERE t.status = 'ACCEPTED' AND t.from_town = $1) x
       JOIN cases k ON k.id = x.case_id
       JOIN (${CHILD_SELECT} WHERE c.town = $1) ch ON ch.id = x.child_id
      WHERE ${where}
      ORDER BY x.decided_at, k.id`,
    params,
  );
}

const TRANSFERRED_OUT_LABEL = { zh: '已移交外镇', en: 'Transferred out to another town' };

function handedOnNote(row: CaseRow): string {
  return `已移交${row.handed_on_to}，${beijingTime(row.handed_on_at ?? null).slice(0, 10)}起由该镇办理${row.note ? `；${row.note}` : ''}`;
}

/** Every text cell goes out neutralised; numbers are numbers. */
function safeCell(value: string | number): string | number {
  return typeof value === 'string' ? neutraliseFormula(value) : value;
}

function sheet(workbook: ExcelJS.Workbook, name: string, fields: LedgerField[]): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = fields.map((field) => ({
    header: columnOf(field).header,
    key: field,
    width: field === 'idNumber' || field === 'caseId' ? 22 : field === 'note' ? 30 : 12,
    // ID numbers and phones are text: Excel would turn an 18-digit number into 5.00235E+17 and lose digits.
    style: field === 'idNumber' || field === 'guardianPhone' ? { numFmt: '@' } : {},
  }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

function childCell(field: LedgerField, row: ChildRow, town: Town, masked: boolean): string | number {
  const guardians = row.guardians ?? [];
  switch (field) {
    case 'name':
      return row.name;
    case 'idNumber':
      return masked ? maskIdNumber(row.id_number) : row.id_number;
    case 'sex':
      return row.sex === 'M' ? '男' : '女';
    case 'birthDate':
      return row.birth_date;
    case 'school':
      return town.schoolLabel(row.school).zh;
    case 'grade':
      return row.grade;
    case 'className':
      return row.class_name;
    case 'area':
      return town.areaLabel(row.area).zh;
    case 'villagerGroup':
      return row.villager_group ?? '';
    case 'guardianName':
      return guardians.map((g) => g.name).join('、');
    case 'guardianPhone':
      return guardians.map((g) => (masked ? maskPhone(g.phone) : g.phone)).join('、');
    case 'guardianRelation':
      return guardians.map((g) => g.relation).join('、');
    default:
      return (CHILD_FLAGS as readonly string[]).includes(field) ? (row[FLAG_COLUMNS[field as ChildFlag]] ? '是' : '否') : '';
  }
}

/** 2026-11-29 16:25 in China Standard Time (UTC+8, no daylight saving): what the town reads. */
function beijingTime(value: Date | string | null): string {
  if (value === null) return '';
  const t = new Date(new Date(value).getTime() + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

const CHILD_SELECT = `
  SELECT c.id, c.name, c.id_number, c.sex, to_char(c.birth_date, 'YYYY-MM-DD') AS birth_date, c.school, c.grade, c.class_name, c.area,
         c.villager_group, ${CHILD_FLAGS.map((flag) => `c.${FLAG_COLUMNS[flag]}`).join(', ')},
         COALESCE((SELECT jsonb_agg(jsonb_build_object('name', g.name, 'phone', g.phone, 'relation', g.relation) ORDER BY g.name, g.phone)
                     FROM guardians g WHERE g.child_id = c.id), '[]'::jsonb) AS guardians
    FROM children c`;
