/**
 * The columns of the four source files (四查三比对) as towns get them: the household register
 * extract from the police station (户籍), a school's roll extract from the national roll system
 * (学籍), the class teachers' attendance sheets (考勤) and the poverty-monitoring list (脱贫户/监测户).
 * Headers match as the ledger's do (src/ledger/columns.ts normaliseHeader: spaces, full-width
 * brackets and a trailing * ignored); docs/finding.md lists them.
 */
import { normaliseHeader } from '../../ledger/columns';
import type { SourceKind } from '../../read-model/entities';

export type SourceField =
  | 'sequence'
  | 'name'
  | 'idNumber'
  | 'sex'
  | 'birthDate'
  | 'area'
  | 'villagerGroup'
  | 'address'
  | 'householdHead'
  | 'relation'
  | 'school'
  | 'studentNumber'
  | 'grade'
  | 'className'
  | 'day'
  | 'mark'
  | 'reason'
  | 'category';

export interface SourceColumn {
  field: SourceField;
  /** The header docs/finding.md shows. */
  header: string;
  variants: string[];
}

const COLUMNS: Record<SourceField, SourceColumn> = {
  sequence: { field: 'sequence', header: '序号', variants: ['编号', 'No', 'No.', '学号', '座号'] },
  name: { field: 'name', header: '姓名', variants: ['学生姓名', '儿童姓名', '成员姓名', '家庭成员姓名', '人员姓名'] },
  idNumber: { field: 'idNumber', header: '公民身份号码', variants: ['身份证号', '身份证号码', '身份证', '证件号码', '身份证件号码', '身份证件号', '学生身份证号', '成员身份证号'] },
  sex: { field: 'sex', header: '性别', variants: [] },
  birthDate: { field: 'birthDate', header: '出生日期', variants: ['出生年月日', '出生年月', '生日'] },
  area: { field: 'area', header: '村(社区)', variants: ['村/社区', '村社区', '责任区', '所在村', '户籍所在村', '行政村', '村', '社区', '责任区/村(社区)'] },
  villagerGroup: { field: 'villagerGroup', header: '村民小组', variants: ['组', '社', '小组', '村民组'] },
  address: { field: 'address', header: '住址', variants: ['户籍地址', '户籍所在地', '家庭住址', '详细地址', '现住址', '地址', '户籍地详址'] },
  householdHead: { field: 'householdHead', header: '户主姓名', variants: ['户主'] },
  relation: { field: 'relation', header: '与户主关系', variants: ['关系', '与户主的关系'] },
  school: { field: 'school', header: '学校', variants: ['学校名称', '就读学校', '所在学校'] },
  studentNumber: { field: 'studentNumber', header: '学籍号', variants: ['全国学籍号', '国家学籍号', '学籍编号'] },
  grade: { field: 'grade', header: '年级', variants: ['就读年级', '所在年级'] },
  className: { field: 'className', header: '班级', variants: ['班别', '就读班级', '班级名称', '所在班级'] },
  day: { field: 'day', header: '日期', variants: ['考勤日期', '缺勤日期', '上课日期'] },
  mark: { field: 'mark', header: '出勤情况', variants: ['考勤', '出勤', '考勤情况', '考勤结果', '到校情况', '出缺勤'] },
  reason: { field: 'reason', header: '缺勤原因', variants: ['原因', '请假原因', '缺勤说明', '备注', '说明'] },
  category: { field: 'category', header: '户类型', variants: ['监测对象类型', '户属性', '人员类型', '类别', '监测类型'] },
};

export interface SourceLayout {
  kind: SourceKind;
  label: { zh: string; en: string };
  columns: SourceColumn[];
  /** Each inner list: at least one of these columns (e.g. 学籍号 or the ID number for attendance). */
  required: SourceField[][];
}

const of = (...fields: SourceField[]) => fields.map((f) => COLUMNS[f]);

export const SOURCE_LAYOUTS: Record<SourceKind, SourceLayout> = {
  HOUSEHOLD_REGISTER: {
    kind: 'HOUSEHOLD_REGISTER',
    label: { zh: '户籍（户口登记）', en: 'household register' },
    columns: of('sequence', 'name', 'idNumber', 'sex', 'birthDate', 'area', 'villagerGroup', 'address', 'householdHead', 'relation'),
    required: [['name'], ['idNumber', 'birthDate']],
  },
  SCHOOL_ROLL: {
    kind: 'SCHOOL_ROLL',
    label: { zh: '学籍', en: 'school roll' },
    columns: of('sequence', 'name', 'idNumber', 'studentNumber', 'sex', 'birthDate', 'school', 'grade', 'className'),
    required: [['name'], ['studentNumber'], ['idNumber', 'birthDate']],
  },
  ATTENDANCE: {
    kind: 'ATTENDANCE',
    label: { zh: '考勤', en: 'attendance' },
    columns: of('sequence', 'name', 'idNumber', 'studentNumber', 'school', 'grade', 'className', 'day', 'mark', 'reason'),
    // 日期 + 出勤情况 (one row per child and day), or a weekly grid whose other headers are dates.
    required: [['name'], ['studentNumber', 'idNumber']],
  },
  POVERTY_LIST: {
    kind: 'POVERTY_LIST',
    label: { zh: '脱贫户/监测户名单', en: 'poverty-monitoring list' },
    columns: of('sequence', 'name', 'idNumber', 'sex', 'birthDate', 'householdHead', 'relation', 'area', 'villagerGroup', 'address', 'category'),
    required: [['name']],
  },
};

export function sourceColumnForHeader(kind: SourceKind, header: string): SourceColumn | undefined {
  const key = normaliseHeader(header);
  return SOURCE_LAYOUTS[kind].columns.find((c) => [c.header, ...c.variants].some((h) => normaliseHeader(h) === key));
}

export function sourceColumn(field: SourceField): SourceColumn {
  return COLUMNS[field];
}
