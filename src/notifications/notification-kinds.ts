/**
 * What a notification is about, and its words (Chinese first, English beside). Notifications
 * carry no personal data (no child's name, ID number or phone): they may leave the system by SMS
 * or WeChat. They name the case by its short number and the stage; the inbox shows the child's
 * name, masked per role, from the read model.
 */
import { STAGE_LABELS, Stage, Label } from '../workflows/vocabulary';

export const NOTIFICATION_KINDS = [
  'TASK_ASSIGNED',
  'TASK_REASSIGNED',
  'REMINDER',
  'DEADLINE_MISSED',
  'ESCALATED_TO_SUPERVISOR',
  'ESCALATED_TO_LEADER',
  'APPROVAL_REQUESTED',
  'APPROVAL_REMINDER',
  'APPROVAL_DECIDED',
  'CASE_ACTED_BY_OTHER',
  'TRANSFER_REQUESTED',
  'TRANSFER_ACCEPTED',
  'TRANSFER_DECLINED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, Label> = {
  TASK_ASSIGNED: { zh: '新任务', en: 'New task' },
  TASK_REASSIGNED: { zh: '任务转交', en: 'Task reassigned to you' },
  REMINDER: { zh: '到期提醒', en: 'Due soon' },
  DEADLINE_MISSED: { zh: '任务逾期', en: 'Overdue' },
  ESCALATED_TO_SUPERVISOR: { zh: '逾期督办（责任区督办人）', en: 'Overdue: escalated to the area supervisor' },
  ESCALATED_TO_LEADER: { zh: '逾期督办（领导小组组长）', en: 'Overdue: escalated to the leader' },
  APPROVAL_REQUESTED: { zh: '待审批', en: 'Approval requested' },
  APPROVAL_REMINDER: { zh: '审批提醒', en: 'Approval still pending' },
  APPROVAL_DECIDED: { zh: '审批结果', en: 'Request decided' },
  CASE_ACTED_BY_OTHER: { zh: '他人办理了您负责的案件', en: 'Someone else acted on your case' },
  TRANSFER_REQUESTED: { zh: '外镇移交待接收', en: 'A case transferred to your town' },
  TRANSFER_ACCEPTED: { zh: '移交已接收', en: 'Transfer accepted' },
  TRANSFER_DECLINED: { zh: '移交被拒绝', en: 'Transfer declined' },
};

/** The case as people call it in a message: the first 8 characters of its id. */
export function caseRef(caseId: string): string {
  return caseId.slice(0, 8);
}

export interface NotificationText {
  title: Label;
  body: Label;
}

/**
 * The words of a notification: the kind, the case, the stage, the work and its due date, and for a
 * reassignment who did it and why (a person's words, the same in both languages).
 */
export function notificationText(kind: NotificationKind, c: { caseId: string; stage: Stage; work?: Label; dueAt?: string; reassigned?: { by: string; reason: string } }): NotificationText {
  const stage = STAGE_LABELS[c.stage];
  const label = NOTIFICATION_KIND_LABELS[kind];
  return {
    title: { zh: `【${label.zh}】案件 ${caseRef(c.caseId)}「${stage.zh}」`, en: `[${label.en}] case ${caseRef(c.caseId)} (${stage.en})` },
    body: bodyOf(c.work ?? stage, c.dueAt, c.reassigned),
  };
}

/**
 * The words of a new task outside a case (the cross-check's 四查比对 tasks): what kind of work and
 * what to do, by when. Never the child's name: the task list shows it (masked per role).
 */
export function findingTaskNotificationText(task: { kindLabel: Label; work: Label; dueAt: string }): NotificationText {
  const label = NOTIFICATION_KIND_LABELS.TASK_ASSIGNED;
  return {
    title: { zh: `【${label.zh}】四查比对「${task.kindLabel.zh}」`, en: `[${label.en}] cross-check (${task.kindLabel.en})` },
    body: bodyOf(task.work, task.dueAt),
  };
}

function bodyOf(work: Label, dueAt?: string, reassigned?: { by: string; reason: string }): Label {
  const zh = [work.zh, dueAt ? `期限 ${chineseBeijingTime(dueAt)}（北京时间）` : '', reassigned ? `由 ${reassigned.by} 转交，原因：${reassigned.reason}` : ''].filter(Boolean);
  const en = [work.en, dueAt ? `due ${beijingTime(dueAt)} (Beijing time)` : '', reassigned ? `reassigned by ${reassigned.by}: ${reassigned.reason}` : ''].filter(Boolean);
  return { zh: `${zh.join('；')}。`, en: `${en.join('; ')}.` };
}

/** 2026年12月3日 16:29, China time: the date as a Chinese sentence writes it. */
export function chineseBeijingTime(iso: string): string {
  const [day, time] = beijingTime(iso).split(' ');
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日 ${time}`;
}

/** 2026-12-03 16:29: the town reads its own clock (UTC+8, no daylight saving). */
export function beijingTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The words of an approval's notification: to the approvers (requested, reminder) what is asked and
 * by whom; to the requester (decided) the verdict and the approver's comment. People's words (a
 * reason, a comment) are the same in both languages; the child is never named.
 */
export function approvalNotificationText(
  kind: 'APPROVAL_REQUESTED' | 'APPROVAL_REMINDER' | 'APPROVAL_DECIDED',
  a: { caseId: string; stage: Stage; decision: Label; by: string; reason: string; verdict?: Label },
): NotificationText {
  const label = NOTIFICATION_KIND_LABELS[kind];
  const stage = STAGE_LABELS[a.stage];
  const title = { zh: `【${label.zh}】案件 ${caseRef(a.caseId)}「${a.decision.zh}」`, en: `[${label.en}] case ${caseRef(a.caseId)} (${a.decision.en})` };
  if (kind === 'APPROVAL_DECIDED') {
    return { title, body: { zh: `${a.by} ${a.verdict!.zh}：${a.reason}（当前环节「${stage.zh}」）。`, en: `${a.by}: ${a.verdict!.en.toLowerCase()}: ${a.reason} (stage: ${stage.en}).` } };
  }
  const waiting = kind === 'APPROVAL_REMINDER' ? { zh: '仍待审批；', en: 'still pending; ' } : { zh: '', en: '' };
  return { title, body: { zh: `${waiting.zh}${a.by} 提请审批，理由：${a.reason}（当前环节「${stage.zh}」）。`, en: `${waiting.en}requested by ${a.by}: ${a.reason} (stage: ${stage.en}).` } };
}

/** The words of the alert to a case's responsible person: who did what on their case. */
export function actedByOtherText(c: { caseId: string; stage: Stage; actor: string; what: Label }): NotificationText {
  const label = NOTIFICATION_KIND_LABELS.CASE_ACTED_BY_OTHER;
  const stage = STAGE_LABELS[c.stage];
  return {
    title: { zh: `【${label.zh}】案件 ${caseRef(c.caseId)}「${stage.zh}」`, en: `[${label.en}] case ${caseRef(c.caseId)} (${stage.en})` },
    body: { zh: `${c.actor} 办理了「${c.what.zh}」。`, en: `${c.actor} recorded: ${c.what.en}.` },
  };
}
