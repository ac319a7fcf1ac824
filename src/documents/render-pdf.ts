/**
 * PDF renderings (pdfkit) of a document and of a case's evidence pack, in Noto Sans SC from
 * @expo-google-fonts/noto-sans-sc, embedded as a subset (only the glyphs used), so Chinese prints
 * as text a reader can search and copy, never as tofu boxes. A4, layout of a Chinese official
 * document: the issuing office in red (红头), the 文号 and a red rule, the title, the body, the
 * issuer and date with the seal's place.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { DocumentContent } from './compose-document';
import type { EvidencePack } from './evidence-pack';
import { DOCUMENT_KIND_LABELS } from './document-kinds';

type Pdf = PDFKit.PDFDocument;

const RED = '#c00000';
const BLACK = '#000000';
const GREY = '#555555';
const MARGIN = { top: 72, bottom: 72, left: 72, right: 72 };

let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** The two TTFs, read once (10 MB each; pdfkit embeds only the glyphs a PDF uses). */
function cjkFonts(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    const root = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
    fonts = {
      regular: readFileSync(join(root, '400Regular', 'NotoSansSC_400Regular.ttf')),
      bold: readFileSync(join(root, '700Bold', 'NotoSansSC_700Bold.ttf')),
    };
  }
  return fonts;
}

function newPdf(title: string): Pdf {
  const pdf = new PDFDocument({ size: 'A4', margins: MARGIN, bufferPages: true, info: { Title: title, Creator: 'baoxue 保学' } });
  const { regular, bold } = cjkFonts();
  pdf.registerFont('body', regular);
  pdf.registerFont('bold', bold);
  pdf.font('body');
  return pdf;
}

function finish(pdf: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.end();
  });
}

const contentWidth = (pdf: Pdf) => pdf.page.width - MARGIN.left - MARGIN.right;
const bottomLimit = (pdf: Pdf) => pdf.page.height - MARGIN.bottom;

function ensureRoom(pdf: Pdf, height: number): void {
  if (pdf.y + height > bottomLimit(pdf)) pdf.addPage();
}

/** One document, from the top of the current page. */
function drawDocument(pdf: Pdf, c: DocumentContent): void {
  const width = contentWidth(pdf);
  // 红头: the office in red, the number, a red rule.
  pdf.font('bold').fontSize(22).fillColor(RED).text(c.office, MARGIN.left, MARGIN.top, { width, align: 'center' });
  pdf.moveDown(0.6);
  pdf.font('body').fontSize(12).fillColor(BLACK).text(c.number, { width, align: 'center' });
  const ruleY = pdf.y + 6;
  pdf.moveTo(MARGIN.left, ruleY).lineTo(MARGIN.left + width, ruleY).lineWidth(1.5).strokeColor(RED).stroke();
  pdf.y = ruleY + 18;
  pdf.font('bold').fontSize(18).fillColor(BLACK).text(c.title, MARGIN.left, pdf.y, { width, align: 'center' });
  pdf.moveDown(0.8);
  pdf.font('body').fontSize(13);
  if (c.recipient) pdf.text(c.recipient, MARGIN.left, pdf.y, { width });
  for (const paragraph of c.paragraphs) {
    pdf.text(paragraph, MARGIN.left, pdf.y, { width, indent: 26, lineGap: 4, paragraphGap: 6, align: 'justify' });
  }
  if (c.fields?.length) {
    pdf.moveDown(0.4);
    drawTable(pdf, c.fields, 110);
  }
  if (c.closing) {
    pdf.moveDown(0.4);
    pdf.font('body').fontSize(13).text(c.closing, MARGIN.left, pdf.y, { width, indent: 26 });
  }
  // 落款: issuer, date and the seal's place, to the right.
  ensureRoom(pdf, 90);
  pdf.moveDown(1.5);
  pdf.fontSize(13).text(c.office, MARGIN.left, pdf.y, { width: width - 20, align: 'right' });
  pdf.text(c.date, { width: width - 20, align: 'right' });
  pdf.fillColor(RED).fontSize(11).text(c.seal, { width: width - 40, align: 'right' });
  pdf.fillColor(BLACK);
  if (c.footnote) {
    pdf.moveDown(1);
    pdf.fontSize(10).fillColor(GREY).text(c.footnote, MARGIN.left, pdf.y, { width });
  }
  pdf.moveDown(0.5);
  pdf.fontSize(9).fillColor(GREY).text(`保学系统制发：${c.issuedBy}`, MARGIN.left, pdf.y, { width });
  pdf.fillColor(BLACK);
}

/** A bordered two-column table; rows move to a new page when they do not fit. */
function drawTable(pdf: Pdf, rows: Array<{ label: string; value: string }>, labelWidth: number): void {
  const width = contentWidth(pdf);
  const pad = 5;
  pdf.font('body').fontSize(11);
  for (const row of rows) {
    const valueWidth = width - labelWidth;
    const height = Math.max(pdf.heightOfString(row.label, { width: labelWidth - 2 * pad }), pdf.heightOfString(row.value, { width: valueWidth - 2 * pad })) + 2 * pad;
    ensureRoom(pdf, height);
    const y = pdf.y;
    pdf.lineWidth(0.6).strokeColor(BLACK).rect(MARGIN.left, y, labelWidth, height).stroke();
    pdf.rect(MARGIN.left + labelWidth, y, valueWidth, height).stroke();
    pdf.text(row.label, MARGIN.left + pad, y + pad, { width: labelWidth - 2 * pad });
    pdf.text(row.value, MARGIN.left + labelWidth + pad, y + pad, { width: valueWidth - 2 * pad });
    pdf.y = y + height;
  }
  pdf.x = MARGIN.left;
}

export async function renderDocumentPdf(content: DocumentContent): Promise<Buffer> {
  assertFormat(content);
  const pdf = newPdf(`${DOCUMENT_KIND_LABELS[content.kind].zh} ${content.number}`);
  drawDocument(pdf, content);
  return finish(pdf);
}

/** Cover with the facts, the timeline, then every document in full; every page numbered, with the generation time and the timeline's SHA-256. */
export async function renderEvidencePackPdf(pack: EvidencePack): Promise<Buffer> {
  pack.documents.forEach((d) => assertFormat(d.content));
  const pdf = newPdf(`${pack.title} ${pack.caseId}`);
  const width = contentWidth(pdf);

  pdf.font('bold').fontSize(20).fillColor(RED).text(pack.office, { width, align: 'center' });
  pdf.moveDown(0.5);
  pdf.font('bold').fontSize(22).fillColor(BLACK).text(pack.title, { width, align: 'center' });
  pdf.moveDown(1);
  drawTable(pdf, pack.facts, 90);
  pdf.moveDown(1);
  pdf.font('body').fontSize(10).fillColor(GREY);
  pdf.text(`生成时间（北京时间）：${pack.generatedAtText}　生成人：${pack.generatedBy}`, MARGIN.left, pdf.y, { width });
  pdf.text(`办理经过 SHA-256：${pack.timelineSha256}`, { width });
  pdf.text('（SHA-256 按本证据链所附 timeline.json 的 UTF-8 字节计算，可用以核对办理经过未被改动。）', { width });
  pdf.fillColor(BLACK);

  pdf.addPage();
  pdf.font('bold').fontSize(16).text('一、办理经过', { width });
  pdf.moveDown(0.5);
  for (const step of pack.timeline) {
    const lines = [
      `${step.seq}. ${step.time}　${step.step}${step.automatic ? '【系统自动】' : ''}`,
      `办理人：${step.actor}　阶段：${step.stageBefore} → ${step.stageAfter}`,
      `事由：${step.reason || '—'}`,
      ...(step.details ? [`情况：${step.details}`] : []),
    ];
    const text = lines.join('\n');
    pdf.font('body').fontSize(10.5);
    ensureRoom(pdf, pdf.heightOfString(text, { width, lineGap: 2 }) + 8);
    pdf.text(text, MARGIN.left, pdf.y, { width, lineGap: 2 });
    pdf.moveDown(0.5);
  }

  if (pack.documents.length) {
    // The list follows the timeline on its page when it fits; each document then starts a page.
    pdf.moveDown(1);
    ensureRoom(pdf, 60 + pack.documents.length * 20);
    pdf.font('bold').fontSize(16).text('二、相关文书', MARGIN.left, pdf.y, { width });
    pdf.moveDown(0.5);
    pdf.font('body').fontSize(11);
    pack.documents.forEach((d, i) => pdf.text(`${i + 1}. ${DOCUMENT_KIND_LABELS[d.kind].zh}（${d.number}）`, { width }));
    for (const d of pack.documents) {
      pdf.addPage();
      drawDocument(pdf, d.content);
    }
  }

  // Every page: 第 n 页 共 N 页, the generation time and the hash (written after the content, on the bottom margin).
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.font('body').fontSize(8).fillColor(GREY);
    pdf.text(`第 ${i - start + 1} 页 共 ${count} 页　案件 ${pack.caseId}　生成于 ${pack.generatedAtText}（北京时间）`, MARGIN.left, pdf.page.height - 48, { width, align: 'center', lineBreak: false });
    pdf.text(`办理经过 SHA-256 ${pack.timelineSha256}`, MARGIN.left, pdf.page.height - 36, { width, align: 'center', lineBreak: false });
    pdf.page.margins.bottom = saved;
  }
  return finish(pdf);
}

function assertFormat(content: DocumentContent): void {
  if (content.format !== 1) throw new Error(`document snapshot format ${String(content.format)} is newer than this renderer`);
}
