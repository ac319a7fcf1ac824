/**
 * The chain's documents without a database: each kind's template composes from a case into text
 * with no placeholder left, the basis rules refuse documents whose step has not happened, and the
 * PDF and HTML renderings carry the same Chinese text (read back from the PDF as text).
 */
import { basisFor, DOCUMENT_KINDS, DocumentKind } from '../../src/documents/document-kinds';
import { composeDocument, DocumentCase, documentFileName } from '../../src/documents/compose-document';
import { buildEvidencePack } from '../../src/documents/evidence-pack';
import { renderDocumentHtml } from '../../src/documents/render-html';
import { renderDocumentPdf, renderEvidencePackPdf } from '../../src/documents/render-pdf';
import { shanghaiYear } from '../../src/documents/shanghai-time';
import { loadTown } from '../../src/read-model/town';
import type { Stage } from '../../src/workflows/vocabulary';
import { pdfFontNames, pdfText } from '../support/pdf-text';

const town = loadTown();

function event(seq: number, type: string, stageBefore: Stage, stageAfter: Stage, data: Record<string, unknown> = {}, reason = '') {
  return { seq, type, automatic: false, actor: '谭巧玲（coordinator）', reason, stageBefore, stageAfter, occurredAt: new Date(Date.UTC(2026, 2, seq, 2)), data };
}

/** A case that went the whole chain. */
type Step = ReturnType<typeof event>;
const fullChain: Omit<DocumentCase, 'events'> & { events: Step[] } = {
  case: { cause: 'GUARDIAN_REFUSES', area: 'GAOPING', school: 'GULING_PRIMARY', openedAt: new Date(Date.UTC(2026, 2, 1, 2)) },
  child: { name: '张小明', sex: 'M', birthDate: '2013-05-15', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班', area: 'GAOPING' },
  guardians: [{ name: '张大山', relation: '父亲' }],
  events: [
    event(1, 'CASE_OPENED', 'HOME_VISIT', 'HOME_VISIT', {}, '连续两周未到校'),
    event(2, 'RECORD_HOME_VISIT', 'HOME_VISIT', 'PERSUASION', { outcome: 'NOT_RETURNED', visitedOn: '2026-03-02', note: '家长外出务工' }),
    event(3, 'PERSUASION_REFUSED', 'PERSUASION', 'TOWN_CRITICISM', {}, '监护人明确拒绝送孩子返校'),
    event(4, 'ISSUE_CORRECTION_ORDER', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', { correctWithin: '15d', correctBy: '2026-03-19T02:00:00.000Z' }),
    { ...event(5, 'AUTO_ESCALATED', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', {}, '改正期限届满未改正'), automatic: true, actor: 'system' },
    event(6, 'ISSUE_JUDICIAL_DOCUMENT', 'JUDICIAL_DOCUMENT', 'JUDICIAL_DOCUMENT', { documentNumber: '云故司〔2026〕1号', issuedOn: '2026-03-06' }),
    event(7, 'REFER_LEGAL_LIABILITY', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY', {}, '司法文书送达后仍拒不送子女入学'),
  ],
};

function compose(kind: DocumentKind, number = '故陵府责改〔2026〕1号') {
  const basis = basisFor(kind, fullChain.events, true);
  if (!basis.ok) throw new Error(basis.message.en);
  return composeDocument({ kind, town, detail: fullChain, basisSeq: basis.event.seq, number, issuedAt: new Date(Date.UTC(2026, 2, 8, 2)), issuedBy: '谭巧玲（coordinator）' });
}

describe('composing documents from a case', () => {
  it.each(DOCUMENT_KINDS)('%s: fills every placeholder from the case, names the child and the office', (kind) => {
    const content = compose(kind);
    const all = JSON.stringify(content);
    expect(all).not.toMatch(/\{\{|\}\}/);
    expect(all).toContain('张小明');
    expect(content.office).toMatch(/故陵/);
    expect(content.date).toBe('2026年3月8日');
    // No English in the body of a Chinese document.
    expect([content.title, content.recipient ?? '', ...content.paragraphs, content.closing ?? ''].join('')).not.toMatch(/[A-Za-z]{3,}/);
  });

  it("prints the order's own deadline (the ISSUE_CORRECTION_ORDER event's correctBy) in China's time", () => {
    expect(compose('CORRECTION_ORDER').paragraphs.join('')).toContain('于2026年3月19日10时00分前送张小明到故陵小学复学');
  });

  it('cites the justice office\'s own number on the judicial cover and in the referral', () => {
    expect(compose('JUDICIAL_COVER').fields).toContainEqual({ label: '文书编号', value: '云故司〔2026〕1号' });
    expect(compose('LEGAL_REFERRAL').paragraphs.join('')).toContain('云故司〔2026〕1号');
  });

  it('names the file after the kind and the number', () => {
    expect(documentFileName(compose('CORRECTION_ORDER', '故陵府责改〔2026〕12号'))).toBe('责令限期改正通知书-故陵府责改〔2026〕12号');
  });

  it('counts the year in China: 2026-12-31T17:00Z is already 2027', () => {
    expect(shanghaiYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(shanghaiYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
  });
});

describe('which step a document records', () => {
  const upTo = (seq: number): Step[] => fullChain.events.filter((e) => e.seq <= seq);

  it('refuses an order to correct before the order was issued as an action, even at TOWN_CRITICISM', () => {
    expect(basisFor('CORRECTION_ORDER', upTo(3), true)).toMatchObject({ ok: false, reason: 'NOT_AVAILABLE' });
    expect(basisFor('CORRECTION_ORDER', upTo(4), true)).toMatchObject({ ok: true, event: { seq: 4 } });
  });

  it('refuses a criticism record before TOWN_CRITICISM and records the step that brought the case there', () => {
    expect(basisFor('CRITICISM_RECORD', upTo(2), true)).toMatchObject({ ok: false });
    expect(basisFor('CRITICISM_RECORD', upTo(7), true)).toMatchObject({ ok: true, event: { seq: 3 } });
  });

  it('refuses an enrolment notice for an ended case', () => {
    expect(basisFor('ENROLMENT_NOTICE', upTo(1), false)).toMatchObject({ ok: false });
    expect(basisFor('ENROLMENT_NOTICE', upTo(1), true)).toMatchObject({ ok: true, event: { seq: 1 } });
  });

  it('refuses a second paper for an order numbered outside baoxue (one order, one number)', () => {
    const numbered = [...upTo(3), event(4, 'ISSUE_CORRECTION_ORDER', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', { orderNumber: '故府责改〔2026〕3号', correctBy: '2026-03-19T02:00:00.000Z' })];
    expect(basisFor('CORRECTION_ORDER', numbered, true)).toMatchObject({ ok: false, reason: 'NUMBERED_OUTSIDE', number: '故府责改〔2026〕3号' });
  });
});

describe('renderings', () => {
  it('the PDF carries the Chinese text as text, in an embedded subset of Noto Sans SC', async () => {
    const content = compose('CORRECTION_ORDER', '故陵府责改〔2026〕12号');
    const pdf = await renderDocumentPdf(content);
    const { text } = await pdfText(pdf);
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain('张小明');
    expect(flat).toContain('故陵府责改〔2026〕12号');
    expect(flat).toContain('责令限期改正通知书');
    expect(flat).toContain('云阳县故陵镇人民政府');
    // A subset (six-letter tag) of the CJK font, and no other font (no Helvetica fallback).
    expect(pdfFontNames(pdf).length).toBeGreaterThan(0);
    for (const name of pdfFontNames(pdf)) expect(name).toMatch(/^[A-Z]{6}\+NotoSansSC-(Regular|Bold)$/);
    // Subset-embedded: far smaller than the 10 MB font.
    expect(pdf.length).toBeLessThan(400_000);
  });

  it.each(DOCUMENT_KINDS)('%s: the PDF and the HTML say every word of the stored text', async (kind) => {
    const content = compose(kind);
    const words = [content.office, content.number, content.title, content.recipient ?? '', ...content.paragraphs, ...(content.fields ?? []).flatMap((f) => [f.label, f.value]), content.closing ?? '', content.date, content.footnote ?? ''];
    const flat = (text: string) => text.replace(/\s+/g, '');
    const pdf = flat((await pdfText(await renderDocumentPdf(content))).text);
    const html = renderDocumentHtml(content);
    for (const text of words) {
      expect(pdf).toContain(flat(text));
      expect(html).toContain(text);
    }
  });

  it('the HTML has the same text, escaped, with no external asset', () => {
    const content = compose('HOME_VISIT_RECORD', '故陵控辍访〔2026〕1号');
    const html = renderDocumentHtml(content);
    for (const text of [content.office, content.number, content.title, ...content.paragraphs, ...content.fields!.map((f) => f.value)]) expect(html).toContain(text);
    expect(html).toContain('@page { size: A4');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('the evidence pack PDF numbers its pages and prints the timeline hash', async () => {
    const pack = buildEvidencePack({
      detail: {
        ...fullChain,
        case: { ...fullChain.case, id: '00000000-0000-4000-8000-000000000001', stage: 'LEGAL_LIABILITY', open: true, openedBy: '谢勇（principal）' },
        child: { ...fullChain.child, idNumber: '500235201305150019' },
        guardians: [{ name: '张大山', relation: '父亲', phone: '13800000000' }],
      },
      documents: [],
      town,
      generatedAt: new Date(Date.UTC(2026, 2, 8, 2)),
      generatedBy: '谭巧玲（coordinator）',
      showIdNumber: (s) => s,
      showPhone: (s) => s,
    });
    const { text, pages } = await pdfText(await renderEvidencePackPdf(pack));
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain(`第1页共${pages}页`);
    expect(flat).toContain(`第${pages}页共${pages}页`);
    expect(flat).toContain(pack.timelineSha256);
    expect(flat).toContain('5.2026-03-0510:00:00自动升级【系统自动】办理人：system');
    expect(flat).toContain('结果：未返校');
  });
});

describe('the evidence pack and approvals', () => {
  it('records each request for approval with who asked, who decided, when and the comment, and names the decision in the timeline', () => {
    const base = fullChain.events.slice(0, 4);
    const asked = { ...event(5, 'REQUEST_APPROVAL', 'CORRECTION_DEADLINE', 'CORRECTION_DEADLINE', { approvalId: 'c:5', decision: 'JUDICIAL', approverRoles: ['LEADER'] }, '监护人仍拒不改正'), actor: '谭巧玲（coordinator）' };
    const rejected = { ...event(6, 'REJECT_REQUEST', 'CORRECTION_DEADLINE', 'CORRECTION_DEADLINE', { approvalId: 'c:5', decision: 'JUDICIAL', comment: '请先再次家访' }, '请先再次家访'), actor: '张术清（leader）' };
    const again = event(7, 'REQUEST_APPROVAL', 'CORRECTION_DEADLINE', 'CORRECTION_DEADLINE', { approvalId: 'c:7', decision: 'JUDICIAL' }, '已再次家访，仍拒绝');
    const pack = buildEvidencePack({
      detail: {
        ...fullChain,
        events: [...base, asked, rejected, again],
        case: { ...fullChain.case, id: '00000000-0000-4000-8000-000000000002', stage: 'CORRECTION_DEADLINE', open: true, openedBy: '谢勇（principal）' },
        child: { ...fullChain.child, idNumber: '500235201305150019' },
        guardians: [{ name: '张大山', relation: '父亲', phone: '13800000000' }],
      },
      documents: [],
      town,
      generatedAt: new Date(Date.UTC(2026, 2, 8, 2)),
      generatedBy: '谭巧玲（coordinator）',
      showIdNumber: (s) => s,
      showPhone: (s) => s,
    });
    const record = pack.facts.find((f) => f.label === '审批记录')!.value;
    expect(record).toBe(
      '进入司法文书环节（谭巧玲（coordinator） 2026-03-05 10:00:00 提请，理由：监护人仍拒不改正）→ 驳回：张术清（leader），2026-03-06 10:00:00，意见：请先再次家访；' +
        '进入司法文书环节（谭巧玲（coordinator） 2026-03-07 10:00:00 提请，理由：已再次家访，仍拒绝）→ 待审批',
    );
    expect(pack.timeline[4]).toMatchObject({ step: '提请审批', details: expect.stringContaining('审批事项：进入司法文书环节') });
    expect(pack.timeline[5]).toMatchObject({ step: '审批驳回', actor: '张术清（leader）', details: expect.stringContaining('审批意见：请先再次家访') });
  });
});
