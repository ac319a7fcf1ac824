/**
 * The four source files of 四查三比对 as a town gets them, generated in the test (never committed):
 * a household register extract, a school roll, attendance sheets and the poverty-monitoring list,
 * with the headers' usual variants. Child n is the ledger fixtures' child n (idNumberFor).
 */
import ExcelJS from 'exceljs';
import { idNumberFor } from './ledger-files';

export type Cell = string | number | Date;

export async function xlsxOf(sheets: Record<string, Cell[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function csvOf(rows: Cell[][]): Buffer {
  const quote = (v: Cell) => {
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return Buffer.from(`${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
}

export const birthOf = (n: number) => {
  const id = idNumberFor(n);
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
};
export const sexOf = (n: number) => (Number(idNumberFor(n)[16]) % 2 === 1 ? '男' : '女');
export const studentNumberOf = (n: number) => `G${idNumberFor(n)}`;

/** 户籍: the police station's extract, with a title row, 公民身份号码 and the address. */
export function registerRows(children: number[]): Cell[][] {
  return [
    ['故陵镇户籍人口（适龄儿童）'],
    ['序号', '姓名', '公民身份号码', '性别', '出生日期', '户主姓名', '与户主关系', '住址'],
    ...children.map((n, i) => [i + 1, `学生${n}`, idNumberFor(n), sexOf(n), birthOf(n).replaceAll('-', ''), `家长${n}`, '子', `重庆市云阳县故陵镇高坪村${1 + (n % 9)}组`]),
  ];
}

/** 学籍: a school's roll extract, 全国学籍号 and 身份证号, 出生日期 as 2013/5/15. */
export function rollRows(children: number[], grade = 5, className = `${grade}年级1班`): Cell[][] {
  return [
    ['全国学籍号', '姓名', '性别', '身份证号', '出生日期', '年级', '班级'],
    ...children.map((n) => [studentNumberOf(n), `学生${n}`, sexOf(n), idNumberFor(n), birthOf(n).replace(/-0?/g, '/'), `${'一二三四五六七八九'[grade - 1]}年级`, className]),
  ];
}

/** 考勤, one row per child and day: absent[n] lists the days child n was absent (reasons optional). */
export function dailyAttendanceRows(children: number[], days: string[], absent: Record<number, Record<string, string>> = {}): Cell[][] {
  return [
    ['学籍号', '姓名', '日期', '出勤情况', '缺勤原因'],
    ...children.flatMap((n) =>
      days.map((day) => {
        const reason = absent[n]?.[day];
        return [studentNumberOf(n), `学生${n}`, day, reason === undefined ? '√' : reason === '' ? '缺勤' : reason.split('：')[0], reason?.split('：')[1] ?? ''];
      }),
    ),
  ];
}

/** 考勤, a weekly grid: a column per day (headers are the dates), × for absent. */
export function weeklyAttendanceRows(children: number[], days: string[], absent: Record<number, string[]> = {}): Cell[][] {
  return [['学籍号', '姓名', ...days], ...children.map((n) => [studentNumberOf(n), `学生${n}`, ...days.map((d) => (absent[n]?.includes(d) ? '×' : '√'))])];
}

/** 脱贫户/监测户: household members with the head and the kind of household. */
export function povertyRows(children: number[]): Cell[][] {
  return [
    ['户主', '成员姓名', '身份证号码', '与户主关系', '村', '户类型'],
    ...children.map((n) => [`家长${n}`, `学生${n}`, idNumberFor(n), '子', '高坪村', n % 2 === 0 ? '脱贫户' : '监测户']),
  ];
}
