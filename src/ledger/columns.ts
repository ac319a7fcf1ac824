/**
 * The ledger's columns (台账表头) as towns write them: the header the export writes, and the
 * variants an import accepts (spaces, full-width brackets and case are ignored when matching).
 * Columns the export writes for people (stage, dates, status, case number) are known to the import
 * and not imported; any other header is reported back as unknown.
 */
import type { ChildFlag } from '../registry/child-rules';

export type ChildField = 'name' | 'idNumber' | 'sex' | 'birthDate' | 'school' | 'grade' | 'className' | 'area' | 'villagerGroup';
export type GuardianField = 'guardianName' | 'guardianPhone' | 'guardianRelation';
export type CaseField = 'cause' | 'note' | 'status';
export type ExportOnlyField = 'caseId' | 'stage' | 'openedAt' | 'actionDueAt' | 'windowEndsAt' | 'nextDeadlineAt' | 'sequence';
export type LedgerField = ChildField | GuardianField | ChildFlag | CaseField | ExportOnlyField;

export interface LedgerColumn {
  field: LedgerField;
  /** The header the export writes. */
  header: string;
  /** Other headers meaning the same. */
  variants: string[];
  /** A row without it is not a child of the ledger. */
  required?: boolean;
  /** Written by the export for people; the import knows it and does not read it. */
  exportOnly?: boolean;
}

export const LEDGER_COLUMNS: LedgerColumn[] = [
  { field: 'sequence', header: '序号', variants: ['编号', 'No', 'No.'], exportOnly: true },
  { field: 'name', header: '姓名', variants: ['学生姓名', '儿童姓名', '学生', '姓 名'], required: true },
  { field: 'idNumber', header: '身份证号', variants: ['身份证号码', '公民身份号码', '身份证', '证件号码', '学生身份证号'], required: true },
  { field: 'sex', header: '性别', variants: [] },
  { field: 'birthDate', header: '出生日期', variants: ['出生年月日', '出生年月', '生日'] },
  { field: 'school', header: '学校', variants: ['就读学校', '学校名称', '所在学校'], required: true },
  { field: 'grade', header: '年级', variants: ['就读年级'], required: true },
  { field: 'className', header: '班级', variants: ['班别', '就读班级'], required: true },
  { field: 'area', header: '责任区/村(社区)', variants: ['责任区', '村(社区)', '村（社区）', '村/社区', '村社区', '所在村', '村', '社区', '户籍所在村'], required: true },
  { field: 'villagerGroup', header: '村民小组', variants: ['组', '社', '小组', '村民组'] },
  { field: 'guardianName', header: '监护人', variants: ['监护人姓名', '家长', '家长姓名'], required: true },
  { field: 'guardianPhone', header: '监护人电话', variants: ['联系电话', '监护人联系电话', '家长电话', '电话', '联系方式'], required: true },
  { field: 'guardianRelation', header: '与学生关系', variants: ['关系', '与儿童关系', '监护人关系', '与本人关系'], required: true },
  { field: 'isDisabled', header: '残疾儿童', variants: ['是否残疾儿童', '残疾'] },
  { field: 'hasDisabledParent', header: '残疾人子女', variants: ['是否残疾人子女'] },
  { field: 'isLeftBehind', header: '留守儿童', variants: ['是否留守儿童', '留守'] },
  { field: 'isRegisteredPoor', header: '建档立卡贫困户', variants: ['是否建档立卡贫困户', '建档立卡', '建卡户', '贫困户'] },
  // The other watch groups of the national list (issue 15).
  { field: 'isOrphan', header: '孤儿', variants: ['是否孤儿'] },
  { field: 'isUnattended', header: '事实无人抚养儿童', variants: ['事实无人抚养', '是否事实无人抚养儿童', '无人抚养'] },
  { field: 'isInHardship', header: '困境儿童', variants: ['是否困境儿童', '困境'] },
  { field: 'isMigrant', header: '流动儿童', variants: ['是否流动儿童', '流动', '随迁子女'] },
  { field: 'isCourtInvolved', header: '涉诉儿童', variants: ['是否涉诉', '涉诉', '涉法涉诉'] },
  { field: 'cause', header: '辍学原因', variants: ['案由', '辍学原因/案由', '原因'] },
  { field: 'note', header: '备注', variants: ['说明', '情况说明'] },
  { field: 'status', header: '状态', variants: ['案件状态'] },
  { field: 'caseId', header: '案件编号', variants: [], exportOnly: true },
  { field: 'stage', header: '环节', variants: ['当前环节', '阶段'], exportOnly: true },
  { field: 'openedAt', header: '立案时间', variants: ['立案日期'], exportOnly: true },
  { field: 'actionDueAt', header: '办理期限', variants: [], exportOnly: true },
  { field: 'windowEndsAt', header: '阶段截止', variants: [], exportOnly: true },
  { field: 'nextDeadlineAt', header: '下一期限', variants: [], exportOnly: true },
];

/** Spaces, full-width brackets and slashes, and case do not matter in a header. */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/／/g, '/')
    .replace(/[*＊]$/, '') // a required-column star some templates carry
    .toLowerCase();
}

const BY_HEADER = new Map<string, LedgerColumn>();
for (const column of LEDGER_COLUMNS) for (const text of [column.header, ...column.variants]) BY_HEADER.set(normaliseHeader(text), column);

export function columnForHeader(header: string): LedgerColumn | undefined {
  return BY_HEADER.get(normaliseHeader(header));
}

export function columnOf(field: LedgerField): LedgerColumn {
  return LEDGER_COLUMNS.find((c) => c.field === field)!;
}

/** A, B, ..., Z, AA, ... for a 1-based column number. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}
