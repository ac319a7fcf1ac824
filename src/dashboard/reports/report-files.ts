/**
 * The monthly report as files: an .xlsx workbook (exceljs) and a PDF (pdfkit, with the Noto Sans SC
 * font from @expo-google-fonts/noto-sans-sc embedded so Chinese prints on any machine). Both carry
 * the same figures: town totals, a section per area, a section per school; a nil report says so.
 */
import { Workbook } from 'exceljs';
import PDFDocument from 'pdfkit';
import { FIGURE_KEYS, FIGURE_LABELS, MonthlyReport, ReportSection } from './monthly-report';

export const NOTO_SANS_SC = require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

export function reportTitle(report: MonthlyReport): { zh: string; en: string } {
  const [year, month] = report.month.split('-');
  return {
    zh: `${report.town.name.zh}控辍保学动态监测书面报告（${year}年${Number(month)}月）`,
    en: `Dropout-control monthly monitoring report, ${report.town.name.en}, ${report.month}`,
  };
}

export const NIL_STATEMENT = {
  zh: '零报告：本月全镇无新增疑似辍学，无案件办理、复学、销号或升级事项。',
  en: 'Nil report: nothing happened this month (no case opened, acted on, returned, closed or escalated).',
};

function periodText(report: MonthlyReport): string {
  const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
  const lastDay = new Date(Date.parse(report.period.end) - 1);
  return `${day(report.period.start)} — ${day(lastDay.toISOString())}（北京时间 / China time）`;
}

export async function reportXlsx(report: MonthlyReport): Promise<Buffer> {
  const book = new Workbook();
  book.creator = 'baoxue 保学';
  book.created = new Date(report.generatedAt);
  const title = reportTitle(report);
  const header = ['项目 / Item', ...FIGURE_KEYS.map((k) => `${FIGURE_LABELS[k].zh} / ${FIGURE_LABELS[k].en}`)];

  const summary = book.addWorksheet('汇总 Summary');
  summary.addRow([title.zh]).font = { bold: true, size: 14 };
  summary.addRow([title.en]);
  summary.addRow(['统计期间 / Period', periodText(report)]);
  summary.addRow(['生成时间 / Generated', report.generatedAt]);
  summary.addRow(['零报告 / Nil report', report.nil ? '是 / yes' : '否 / no']);
  if (report.nil) summary.addRow([`${NIL_STATEMENT.zh} ${NIL_STATEMENT.en}`]);
  summary.addRow([]);
  summary.addRow(['项目 / Item', '全镇 / Town']).font = { bold: true };
  for (const key of FIGURE_KEYS) summary.addRow([`${FIGURE_LABELS[key].zh} / ${FIGURE_LABELS[key].en}`, report.totals[key]]);
  for (const [label, value] of ledgerLines(report)) summary.addRow([label, value]);
  summary.getColumn(1).width = 44;
  summary.getColumn(2).width = 40;

  const table = (name: string, sections: ReportSection[]) => {
    const sheet = book.addWorksheet(name);
    sheet.addRow(header).font = { bold: true };
    for (const s of sections) sheet.addRow([`${s.name.zh} ${s.name.en} (${s.code})`, ...FIGURE_KEYS.map((k) => s.figures[k])]);
    sheet.addRow(['合计 / Total', ...FIGURE_KEYS.map((k) => report.totals[k])]).font = { bold: true };
    sheet.columns.forEach((column, i) => (column.width = i === 0 ? 36 : 18));
  };
  table('按责任区 By area', report.areas);
  table('按学校 By school', report.schools);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export function reportPdf(report: MonthlyReport): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: reportTitle(report).zh, Author: 'baoxue 保学', CreationDate: new Date(report.generatedAt) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', NOTO_SANS_SC);
    doc.font('cjk');

    const title = reportTitle(report);
    doc.fontSize(16).text(title.zh, { align: 'center' });
    doc.fontSize(10).text(title.en, { align: 'center' }).moveDown(0.5);
    doc.text(`统计期间 / Period: ${periodText(report)}`);
    doc.text(`生成时间 / Generated: ${report.generatedAt}`).moveDown();
    if (report.nil) doc.fontSize(12).text(NIL_STATEMENT.zh).fontSize(10).text(NIL_STATEMENT.en).moveDown();

    const figures = (f: MonthlyReport['totals']) => {
      for (const key of FIGURE_KEYS) doc.fontSize(10).text(`${FIGURE_LABELS[key].zh} / ${FIGURE_LABELS[key].en}：${f[key]}`, { indent: 14 });
    };
    doc.fontSize(13).text('全镇汇总 / Town totals');
    figures(report.totals);
    for (const [label, value] of ledgerLines(report)) doc.fontSize(10).text(`${label}：${value}`, { indent: 14 });
    doc.moveDown();
    const part = (heading: string, sections: ReportSection[]) => {
      doc.fontSize(13).text(heading).moveDown(0.3);
      sections.forEach((s, i) => {
        doc.fontSize(11).text(`${i + 1}. ${s.name.zh} / ${s.name.en}`);
        figures(s.figures);
        doc.moveDown(0.4);
      });
      doc.moveDown();
    };
    part('一、各责任区 / By responsibility area', report.areas);
    part('二、各学校 / By school', report.schools);
    doc.end();
  });
}

/** 三类台账 lines of the report (四查三比对): counts, 复学率, 巩固率, open cross-check items. */
function ledgerLines(report: MonthlyReport): Array<[string, string | number]> {
  const l = report.ledgers;
  if (!l) return [];
  const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  const open = Object.values(l.openItems).reduce((a, b) => a + b, 0);
  return [
    ['适龄儿童台账 / School-age ledger', l.schoolAge],
    ['疑似辍学台账 / Suspected dropouts', l.suspected],
    ['辍学台账 / Dropouts', l.dropouts],
    ['本月复学 / Returned this month', l.returned],
    ['复学率 / Return rate', percent(l.returnRate)],
    ['巩固率 / Completion rate', percent(l.completionRate)],
    ['比对待处理 / Open cross-check items', open],
  ];
}
