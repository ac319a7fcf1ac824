/**
 * A document's text, composed once from its template (templates/documents.json) and the case,
 * and stored as it is (the `content` snapshot of the documents table): a re-download renders the
 * same snapshot, so the paper never changes after it was issued, whatever happens to the case.
 * PDF and HTML are two renderings of this one model (src/documents/render-pdf.ts, render-html.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import { DOCUMENT_OFFICES, DocumentOffice, Town } from '../read-model/town';
import { CAUSE_LABELS, Cause, SYSTEM_ACTOR, VISIT_OUTCOMES } from '../workflows/vocabulary';
import { DOCUMENT_KINDS, DOCUMENT_KIND_LABELS, DocumentKind } from './document-kinds';
import { chineseCalendarDay, chineseDate, chineseDateTime } from './shanghai-time';

/** What is printed: one official document (红头, 文号, title, body, 落款, seal). */
export interface DocumentContent {
  /** Shape of this snapshot; a renderer that meets a newer one refuses instead of misprinting. */
  format: 1;
  kind: DocumentKind;
  /** The issuing office, printed in red at the head (红头) and as the issuer at the foot. */
  office: string;
  /** 文号, e.g. 故陵府责改〔2026〕3号 */
  number: string;
  title: string;
  /** 主送: who the document is addressed to, with its colon. */
  recipient?: string;
  paragraphs: string[];
  /** A two-column table (label, value). */
  fields?: Array<{ label: string; value: string }>;
  closing?: string;
  /** The date under the issuer (成文日期), e.g. 2026年11月29日. */
  date: string;
  /** Where the seal goes (the paper is stamped by hand). */
  seal: string;
  footnote?: string;
  /** Who issued it in baoxue (显示名（用户名）). */
  issuedBy: string;
}

interface Template {
  office: DocumentOffice;
  title: string;
  recipient?: string;
  paragraphs: string[];
  fields?: Array<[string, string]>;
  closing?: string;
  footnote?: string;
}

export const DOCUMENT_TEMPLATES_PATH = resolve(PROJECT_ROOT, 'templates/documents.json');

let templates: Record<DocumentKind, Template> | undefined;

/** The templates, read once and checked: every kind present, every office known. */
export function documentTemplates(): Record<DocumentKind, Template> {
  if (templates) return templates;
  const raw = JSON.parse(readFileSync(DOCUMENT_TEMPLATES_PATH, 'utf8')) as { kinds: Record<string, Template> };
  const problems: string[] = [];
  for (const kind of DOCUMENT_KINDS) {
    const t = raw.kinds?.[kind];
    if (!t) problems.push(`${kind}: missing`);
    else if (!(DOCUMENT_OFFICES as readonly string[]).includes(t.office)) problems.push(`${kind}.office: one of ${DOCUMENT_OFFICES.join(', ')}`);
    else if (typeof t.title !== 'string' || !Array.isArray(t.paragraphs)) problems.push(`${kind}: needs title and paragraphs`);
  }
  if (problems.length) throw new Error(`${DOCUMENT_TEMPLATES_PATH} is not valid:\n  - ${problems.join('\n  - ')}`);
  templates = raw.kinds as Record<DocumentKind, Template>;
  return templates;
}

/** The case as a document needs it (a CaseDetail of the read model fits). */
export interface DocumentCase {
  case: { cause: Cause | string; area: string; school: string; openedAt: Date };
  child: { name: string; sex: 'M' | 'F' | string; birthDate: string | Date; school: string; grade: number; className: string; area: string };
  guardians: Array<{ name: string; relation: string }>;
  events: Array<{ seq: number; type: string; actor: string; reason: string; occurredAt: Date; data: Record<string, unknown> }>;
}

export interface ComposeInput {
  kind: DocumentKind;
  town: Town;
  detail: DocumentCase;
  /** seq of the timeline step the document records (src/documents/document-kinds.ts basisFor). */
  basisSeq: number;
  number: string;
  issuedAt: Date;
  issuedBy: string;
}

const NOT_RECORDED = '未登记';

/** Fills the kind's template from the case. Throws on a placeholder the context does not have (a template error, never printed). */
export function composeDocument(input: ComposeInput): DocumentContent {
  const template = documentTemplates()[input.kind];
  const office = input.town.letterhead(template.office);
  const context = documentContext(input, office);
  const fill = (text: string) =>
    text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
      const value = context[key];
      if (value === undefined) throw new Error(`template ${input.kind}: unknown placeholder {{${key}}}`);
      return value;
    });
  return {
    format: 1,
    kind: input.kind,
    office,
    number: input.number,
    title: fill(template.title),
    ...(template.recipient ? { recipient: fill(template.recipient) } : {}),
    paragraphs: template.paragraphs.map(fill),
    ...(template.fields ? { fields: template.fields.map(([label, value]) => ({ label: fill(label), value: fill(value) })) } : {}),
    ...(template.closing ? { closing: fill(template.closing) } : {}),
    date: chineseDate(input.issuedAt),
    seal: '（盖章）',
    ...(template.footnote ? { footnote: fill(template.footnote) } : {}),
    issuedBy: input.issuedBy,
  };
}

/** The placeholders a template may use. */
export function documentContext(input: ComposeInput, office: string): Record<string, string> {
  const { detail, town } = input;
  const { child } = detail;
  const step = detail.events.find((e) => e.seq === input.basisSeq);
  if (!step) throw new Error(`the case has no step ${input.basisSeq}`);
  const latest = (type: string) => [...detail.events].reverse().find((e) => e.type === type);
  const order = latest('ISSUE_CORRECTION_ORDER');
  const judicial = latest('ISSUE_JUDICIAL_DOCUMENT');
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : NOT_RECORDED);
  const day = (value: unknown, fallback: Date) => (typeof value === 'string' && value !== '' ? chineseCalendarDay(value) : chineseDate(fallback));
  const outcome = step.data.outcome;
  const birthDate = child.birthDate instanceof Date ? child.birthDate.toISOString().slice(0, 10) : String(child.birthDate).slice(0, 10);

  const context: Record<string, string> = {
    office,
    'town.name': town.data.name.zh,
    'child.name': child.name,
    'child.sex': child.sex === 'F' ? '女' : child.sex === 'M' ? '男' : String(child.sex),
    'child.birthDate': chineseCalendarDay(birthDate),
    'child.school': town.schoolLabel(child.school).zh,
    'child.grade': `${child.grade}年级`,
    'child.className': child.className,
    'child.area': town.areaLabel(child.area).zh,
    'guardians.names': detail.guardians.length ? detail.guardians.map((g) => `${g.name}（${g.relation}）`).join('、') : '监护人',
    'case.cause': CAUSE_LABELS[detail.case.cause as Cause]?.zh ?? String(detail.case.cause),
    'case.openedAt': chineseDate(detail.case.openedAt),
    'step.date': chineseDate(step.occurredAt),
    'step.actor': personName(step.actor),
    'step.reason': text(step.reason),
    'step.note': text(step.data.note ?? step.reason),
    'step.outcome': outcome === VISIT_OUTCOMES[0] ? '已返校' : outcome === VISIT_OUTCOMES[1] ? '未返校' : text(outcome),
    'step.visitedOn': day(step.data.visitedOn, step.occurredAt),
    'step.documentNumber': text(step.data.documentNumber),
    'step.issuedOn': day(step.data.issuedOn, step.occurredAt),
    'order.correctBy': typeof order?.data.correctBy === 'string' ? chineseDateTime(new Date(order.data.correctBy)) : NOT_RECORDED,
    'judicial.documentNumber': text(judicial?.data.documentNumber),
    'document.number': input.number,
    'document.date': chineseDate(input.issuedAt),
  };
  for (const o of DOCUMENT_OFFICES) context[`offices.${o}`] = town.letterhead(o);
  return context;
}

/**
 * The person of an actor as a document prints it: 谢勇（principal） → 谢勇 (the user name is for the
 * system, the timeline keeps it); the engine's own steps are the system's.
 */
export function personName(actor: string): string {
  if (actor === SYSTEM_ACTOR) return '系统自动';
  return actor.replace(/（[^（）]*）$/, '') || actor;
}

/** 责令限期改正通知书-故陵府责改〔2026〕3号 (the download's file name, without extension). */
export function documentFileName(content: Pick<DocumentContent, 'kind' | 'number'>): string {
  return `${DOCUMENT_KIND_LABELS[content.kind].zh}-${content.number}`;
}

/** 故陵府责改〔2026〕3号 */
export function formatDocumentNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}〔${year}〕${seq}号`;
}
