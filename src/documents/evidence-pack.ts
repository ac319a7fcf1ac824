/**
 * The evidence pack (证据链) of one case, for the justice office or a court: the case's facts, its
 * whole timeline (every step with its time in China, actor, reason, stage before and after,
 * automatic steps marked) and every document issued for it, as issued. Built fresh on each
 * download (the timeline grows); the SHA-256 printed on it is of the timeline as JSON
 * (`timelineJson`, also the timeline.json of the zip), so a copy can be checked against the record.
 */
import { createHash } from 'node:crypto';
import { APPROVAL_DECISION_LABELS, ApprovalDecision } from '../workflows/approvals';
import type { Town } from '../read-model/town';
import { CAUSE_LABELS, Cause, EVENT_LABELS, CaseEventType, STAGE_LABELS, Stage } from '../workflows/vocabulary';
import type { DocumentRecord } from './document-store';
import { DOCUMENT_KIND_LABELS } from './document-kinds';
import { chineseCalendarDay, shanghaiTimestamp } from './shanghai-time';

export interface TimelineEntry {
  seq: number;
  /** ISO instant (UTC). */
  occurredAt: string;
  /** The same instant in China's time: 2026-11-29 16:25:03. */
  time: string;
  type: string;
  /** 记录家访 ... */
  step: string;
  automatic: boolean;
  actor: string;
  reason: string;
  stageBefore: string;
  stageAfter: string;
  /** The step's other facts in words (outcome, deadline, numbers...). */
  details: string;
}

export interface EvidencePack {
  caseId: string;
  title: string;
  office: string;
  generatedAt: Date;
  /** 2026-11-29 16:25:03 */
  generatedAtText: string;
  generatedBy: string;
  facts: Array<{ label: string; value: string }>;
  timeline: TimelineEntry[];
  /** The bytes that timelineSha256 is the hash of. */
  timelineJson: string;
  timelineSha256: string;
  documents: DocumentRecord[];
}

export interface EvidenceCase {
  case: { id: string; cause: string; stage: Stage; open: boolean; openedAt: Date; openedBy: string; area: string; school: string };
  child: { name: string; sex: string; birthDate: string | Date; school: string; grade: number; className: string; area: string; idNumber: string };
  guardians: Array<{ name: string; relation: string; phone: string }>;
  events: Array<{ seq: number; type: string; automatic: boolean; actor: string; reason: string; stageBefore: Stage; stageAfter: Stage; occurredAt: Date; data: Record<string, unknown> }>;
}

const DETAIL_LABELS: Record<string, string> = {
  outcome: '结果',
  visitedOn: '家访日期',
  correctWithin: '改正期限',
  correctBy: '改正截止',
  orderNumber: '文号',
  documentNumber: '文书编号',
  issuedOn: '发放日期',
  returnedOn: '返校日期',
  newDueAt: '新期限',
  approver: '批准人',
  assignee: '承办人',
  measure: '措施',
  newSchool: '转入学校',
  note: '备注',
  approvalId: '申请编号',
  decision: '审批事项',
  approverRoles: '审批岗位',
  remindAt: '提醒时间',
  requestedBy: '申请人',
  requestReason: '申请理由',
  comment: '审批意见',
  clocksPaused: '期限暂停',
  pausedForMs: '暂停时长（毫秒）',
};

/** Keys that repeat what the columns already say. */
const NOT_DETAILS = new Set(['reason', 'seq', 'actor', 'type']);

function stageLabel(stage: string): string {
  return STAGE_LABELS[stage as Stage]?.zh ?? stage;
}

function detailText(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([key, value]) => !NOT_DETAILS.has(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => {
      const label = DETAIL_LABELS[key] ?? key;
      if (key === 'outcome' && (value === 'RETURNED' || value === 'NOT_RETURNED')) return `${label}：${value === 'RETURNED' ? '已返校' : '未返校'}`;
      if (key === 'decision' && typeof value === 'string') return `${label}：${APPROVAL_DECISION_LABELS[value as ApprovalDecision]?.zh ?? value}`;
      const text = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? shanghaiTimestamp(new Date(value)) : typeof value === 'string' ? value : JSON.stringify(value);
      return `${label}：${text}`;
    })
    .join('；');
}

export function timelineOf(events: EvidenceCase['events']): TimelineEntry[] {
  return events.map((e) => ({
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    time: shanghaiTimestamp(e.occurredAt),
    type: e.type,
    step: EVENT_LABELS[e.type as CaseEventType]?.zh ?? e.type,
    automatic: e.automatic,
    actor: e.actor,
    reason: e.reason,
    stageBefore: stageLabel(e.stageBefore),
    stageAfter: stageLabel(e.stageAfter),
    details: detailText(e.data),
  }));
}

/**
 * The requests for approval in one line each, from the timeline: what was asked, by whom and when,
 * and how it was decided (who, when, the comment); 无 when the case had none.
 */
function approvalRecord(events: EvidenceCase['events']): string {
  const lines = events
    .filter((e) => e.type === 'REQUEST_APPROVAL')
    .map((asked) => {
      const decided = events.find((e) => (e.type === 'APPROVE_REQUEST' || e.type === 'REJECT_REQUEST') && e.data.approvalId === asked.data.approvalId);
      const what = APPROVAL_DECISION_LABELS[asked.data.decision as ApprovalDecision]?.zh ?? String(asked.data.decision);
      const verdict = decided
        ? `${decided.type === 'APPROVE_REQUEST' ? '批准' : '驳回'}：${decided.actor}，${shanghaiTimestamp(decided.occurredAt)}，意见：${decided.reason}`
        : '待审批';
      return `${what}（${asked.actor} ${shanghaiTimestamp(asked.occurredAt)} 提请，理由：${asked.reason}）→ ${verdict}`;
    });
  return lines.length ? lines.join('；') : '无';
}

export interface BuildEvidencePackInput {
  detail: EvidenceCase;
  documents: DocumentRecord[];
  town: Town;
  generatedAt: Date;
  generatedBy: string;
  /** How the viewer may see the ID number and phones (masked for roles that need no identities). */
  showIdNumber: (idNumber: string) => string;
  showPhone: (phone: string) => string;
}

export function buildEvidencePack(input: BuildEvidencePackInput): EvidencePack {
  const { detail, town } = input;
  const { child } = detail;
  const birthDate = child.birthDate instanceof Date ? child.birthDate.toISOString().slice(0, 10) : String(child.birthDate).slice(0, 10);
  const timeline = timelineOf(detail.events);
  const timelineJson = JSON.stringify(timeline, null, 2);
  const facts = [
    { label: '案件编号', value: detail.case.id },
    { label: '儿童姓名', value: child.name },
    { label: '性别', value: child.sex === 'F' ? '女' : '男' },
    { label: '出生日期', value: chineseCalendarDay(birthDate) },
    { label: '身份证号', value: input.showIdNumber(child.idNumber) },
    { label: '学校班级', value: `${town.schoolLabel(child.school).zh} ${child.grade}年级 ${child.className}` },
    { label: '责任区', value: town.areaLabel(detail.case.area).zh },
    { label: '监护人', value: detail.guardians.map((g) => `${g.name}（${g.relation}，${input.showPhone(g.phone)}）`).join('、') || '—' },
    { label: '辍学原因', value: CAUSE_LABELS[detail.case.cause as Cause]?.zh ?? detail.case.cause },
    { label: '立案', value: `${shanghaiTimestamp(detail.case.openedAt)}，${detail.case.openedBy}` },
    { label: '当前阶段', value: `${stageLabel(detail.case.stage)}${detail.case.open ? '' : '（已结案）'}` },
    { label: '办理步骤', value: `${timeline.length} 步（其中自动 ${timeline.filter((t) => t.automatic).length} 步）` },
    { label: '审批记录', value: approvalRecord(detail.events) },
    {
      label: '所附文书',
      value: input.documents.length ? input.documents.map((d) => `${DOCUMENT_KIND_LABELS[d.kind].zh}（${d.number}）`).join('、') : '无',
    },
  ];
  return {
    caseId: detail.case.id,
    title: '控辍保学案件证据链',
    office: town.letterhead('LEADING_GROUP'),
    generatedAt: input.generatedAt,
    generatedAtText: shanghaiTimestamp(input.generatedAt),
    generatedBy: input.generatedBy,
    facts,
    timeline,
    timelineJson,
    timelineSha256: createHash('sha256').update(timelineJson, 'utf8').digest('hex'),
    documents: input.documents,
  };
}
