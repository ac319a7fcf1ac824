/** Ledger spreadsheets generated in the test (never committed): rows of valid children, with bad ones where asked. */
import ExcelJS from 'exceljs';
import { idNumberCheckDigit } from '../../src/api/validation/chinese-id-number';

export const HEADERS = ['姓名', '身份证号', '性别', '出生日期', '学校', '年级', '班级', '责任区/村(社区)', '村民小组', '监护人', '监护人电话', '与学生关系', '残疾儿童', '残疾人子女', '留守儿童', '建档立卡贫困户', '辍学原因', '备注'];

const AREAS = ['故陵社区', '高坪村', '桥亭村', '宝兴村', '双店村', '兰草村', '红椿村', '红坪村'];

/** A valid ID number (Yunyang, 500235), different for every n below 1,500,000: birth date from n mod 1500, sequence from n / 1500. */
export function idNumberFor(n: number): string {
  const birth = new Date(Date.UTC(2010, 0, 1) + (n % 1500) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `500235${birth}${String(Math.floor(n / 1500) % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckDigit(first17);
}

/** One ledger row (cells in HEADERS order) for child n; `cause` makes it a case row. */
export function ledgerRow(n: number, cause?: string): Array<string | number> {
  const id = idNumberFor(n);
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const primary = n % 3 !== 0;
  const grade = primary ? 1 + (n % 6) : 7 + (n % 3);
  return [
    `学生${n}`,
    id,
    Number(id[16]) % 2 === 1 ? '男' : '女',
    birth,
    primary ? '故陵小学' : '故陵中学',
    grade,
    `${grade}年级${1 + (n % 2)}班`,
    AREAS[n % AREAS.length],
    `${1 + (n % 9)}组`,
    `家长${n}`,
    `139${String(n).padStart(8, '0')}`,
    n % 2 === 0 ? '父亲' : '母亲',
    n % 97 === 0 ? '是' : '否',
    n % 89 === 0 ? '是' : '否',
    n % 5 === 0 ? '是' : '否',
    n % 7 === 0 ? '是' : '否',
    cause ?? '',
    cause ? `第${n}号测试案件` : '',
  ];
}

export interface LedgerSpec {
  count: number;
  /** Row index (0-based among data rows) → cells to overwrite: { [header]: value }. */
  bad?: Record<number, Record<string, string | number>>;
  /** Rows with a case (0-based indices) and its cause. */
  cases?: Record<number, string>;
  /** Child numbers start after this (default 0): files of one test database stay apart. */
  start?: number;
  /** Rows before the header (a title). */
  title?: string;
  headers?: string[];
}

export function ledgerRows(spec: LedgerSpec): Array<Array<string | number>> {
  const headers = spec.headers ?? HEADERS;
  const rows: Array<Array<string | number>> = [];
  for (let i = 0; i < spec.count; i++) {
    const row = ledgerRow((spec.start ?? 0) + i + 1, spec.cases?.[i]);
    for (const [header, value] of Object.entries(spec.bad?.[i] ?? {})) row[HEADERS.indexOf(header)] = value;
    rows.push(headers === HEADERS ? row : headers.map((h) => row[HEADERS.indexOf(h)] ?? ''));
  }
  return rows;
}

export async function ledgerXlsx(spec: LedgerSpec): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  if (spec.title) sheet.addRow([spec.title]);
  sheet.addRow(spec.headers ?? HEADERS);
  for (const row of ledgerRows(spec)) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function ledgerCsv(spec: LedgerSpec): string {
  const quote = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = [...(spec.title ? [spec.title] : []), (spec.headers ?? HEADERS).map(quote).join(','), ...ledgerRows(spec).map((r) => r.map(quote).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
