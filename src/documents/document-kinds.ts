/**
 * The chain's documents (文书): their kinds, and which step of the case's timeline each one is the
 * paper of. Pure: no database, no NestJS.
 *
 * One rule decides whether a document may be issued: the step it records must be in the timeline
 * (its *basis*). The order to correct needs the ISSUE_CORRECTION_ORDER event (its deadline,
 * correctBy, is that event's); the judicial document's cover needs ISSUE_JUDICIAL_DOCUMENT; and so
 * on. A document is issued once per basis step (a second one would be a second number for the
 * same paper); a relapse or a second visit is a new step and may have its own.
 */
import type { CaseEventType, Label, Stage } from '../workflows/vocabulary';

export const DOCUMENT_KINDS = [
  'ENROLMENT_NOTICE',
  'HOME_VISIT_RECORD',
  'CRITICISM_RECORD',
  'CORRECTION_ORDER',
  'JUDICIAL_COVER',
  'LEGAL_REFERRAL',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, Label> = {
  ENROLMENT_NOTICE: { zh: '义务教育入学通知书', en: 'Compulsory education enrolment notice' },
  HOME_VISIT_RECORD: { zh: '家访记录', en: 'Home-visit record' },
  CRITICISM_RECORD: { zh: '批评教育记录', en: 'Criticism and education record' },
  CORRECTION_ORDER: { zh: '责令限期改正通知书', en: 'Order to correct within a deadline' },
  JUDICIAL_COVER: { zh: '司法文书送达封面', en: 'Judicial document cover and service record' },
  LEGAL_REFERRAL: { zh: '移送追究法律责任函', en: 'Referral for legal liability' },
};

/** The kind's short name in a 文号 when the town file names no prefix: 测试县新河镇责改〔2026〕1号. */
const SHORT_NAMES: Record<DocumentKind, string> = {
  ENROLMENT_NOTICE: '入学通知',
  HOME_VISIT_RECORD: '家访',
  CRITICISM_RECORD: '批评教育',
  CORRECTION_ORDER: '责改',
  JUDICIAL_COVER: '司送',
  LEGAL_REFERRAL: '移送',
};

/** The 文号 prefix of a kind in a town: the town file's (documents.numberPrefixes), else the town's name and the kind's short name. */
export function numberPrefixFor(town: { numberPrefix(kind: string): string | undefined; data: { name: Label } }, kind: DocumentKind): string {
  return town.numberPrefix(kind) ?? `${town.data.name.zh}${SHORT_NAMES[kind]}`;
}

/** The part of a timeline event the basis rules look at. */
export interface BasisEvent {
  seq: number;
  type: CaseEventType | string;
  stageBefore: Stage;
  stageAfter: Stage;
  data: Record<string, unknown>;
}

interface BasisRule {
  /** Whether this event is a step the document can record. */
  matches(event: BasisEvent): boolean;
  /** The case must still be open (an enrolment notice for an ended case means nothing). */
  needsOpenCase: boolean;
  /** Said when no step matches: what has to happen first. */
  missing: Label;
}

const BASIS: Record<DocumentKind, BasisRule> = {
  ENROLMENT_NOTICE: {
    matches: (e) => e.type === 'CASE_OPENED' || e.type === 'RECORD_RELAPSE',
    needsOpenCase: true,
    missing: { zh: '案件已结束，不再发放入学通知书', en: 'the case has ended; no enrolment notice is sent for it' },
  },
  HOME_VISIT_RECORD: {
    matches: (e) => e.type === 'RECORD_HOME_VISIT',
    needsOpenCase: false,
    missing: { zh: '尚未记录家访（RECORD_HOME_VISIT），没有可记录的家访', en: 'no home visit has been recorded (RECORD_HOME_VISIT)' },
  },
  CRITICISM_RECORD: {
    // The step that brought the case to the town's criticism (persuasion refused, or its window ended).
    matches: (e) => e.stageAfter === 'TOWN_CRITICISM' && e.stageBefore !== 'TOWN_CRITICISM',
    needsOpenCase: false,
    missing: { zh: '案件尚未进入批评教育阶段（TOWN_CRITICISM）', en: 'the case has not reached town criticism (TOWN_CRITICISM)' },
  },
  CORRECTION_ORDER: {
    matches: (e) => e.type === 'ISSUE_CORRECTION_ORDER',
    needsOpenCase: false,
    missing: {
      zh: '尚未办理"批评教育并责令限期改正"（ISSUE_CORRECTION_ORDER），改正期限未定，不能制发责令限期改正通知书',
      en: 'the correction order has not been issued as an action (ISSUE_CORRECTION_ORDER), so there is no deadline to print',
    },
  },
  JUDICIAL_COVER: {
    matches: (e) => e.type === 'ISSUE_JUDICIAL_DOCUMENT',
    needsOpenCase: false,
    missing: { zh: '尚未办理"发放司法文书"（ISSUE_JUDICIAL_DOCUMENT）', en: 'no judicial document has been issued (ISSUE_JUDICIAL_DOCUMENT)' },
  },
  LEGAL_REFERRAL: {
    matches: (e) => e.type === 'REFER_LEGAL_LIABILITY',
    needsOpenCase: false,
    missing: { zh: '尚未办理"移送追究法律责任"（REFER_LEGAL_LIABILITY）', en: 'the case has not been referred for legal liability (REFER_LEGAL_LIABILITY)' },
  },
};

export type BasisOutcome<E extends BasisEvent> =
  | { ok: true; event: E }
  | { ok: false; reason: 'NOT_AVAILABLE'; message: Label }
  | { ok: false; reason: 'NUMBERED_OUTSIDE'; message: Label; number: string };

/**
 * The step a new document of this kind records: the latest matching event of the timeline.
 *
 * An order to correct whose ISSUE_CORRECTION_ORDER action already named an `orderNumber` was
 * drafted and numbered outside baoxue: one order has one number, so baoxue does not make a second
 * paper for it (leave orderNumber empty when baoxue issues the order).
 */
export function basisFor<E extends BasisEvent>(kind: DocumentKind, timeline: readonly E[], caseOpen: boolean): BasisOutcome<E> {
  const rule = BASIS[kind];
  if (rule.needsOpenCase && !caseOpen) return { ok: false, reason: 'NOT_AVAILABLE', message: rule.missing };
  const event = [...timeline].reverse().find((e) => rule.matches(e));
  if (!event) return { ok: false, reason: 'NOT_AVAILABLE', message: rule.missing };
  const outsideNumber = kind === 'CORRECTION_ORDER' ? event.data.orderNumber : undefined;
  if (typeof outsideNumber === 'string' && outsideNumber.trim() !== '') {
    return {
      ok: false,
      reason: 'NUMBERED_OUTSIDE',
      number: outsideNumber,
      message: {
        zh: `该责令限期改正通知书在办理时已登记文号"${outsideNumber}"（系统外制发），一份文书只有一个文号，不再重复制发`,
        en: `this order to correct was numbered outside baoxue when it was issued ("${outsideNumber}"); one paper has one number, so no second one is made`,
      },
    };
  }
  return { ok: true, event };
}
