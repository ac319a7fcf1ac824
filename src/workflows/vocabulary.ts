/**
 * The one vocabulary of DOMAIN.md: stages, causes, actions and automatic events.
 * Every layer (workflow, read model, API, dashboard) uses these names; labels are Chinese first.
 * Pure data, safe inside the workflow sandbox.
 */

export const CHAIN_STAGES = [
  'HOME_VISIT',
  'PERSUASION',
  'TOWN_CRITICISM',
  'CORRECTION_DEADLINE',
  'JUDICIAL_DOCUMENT',
  'LEGAL_LIABILITY',
] as const;
export type ChainStage = (typeof CHAIN_STAGES)[number];

export const ENDINGS = ['CLOSED', 'EXEMPTED', 'TRANSFERRED', 'COMPLETED', 'CANCELLED'] as const;
export type Ending = (typeof ENDINGS)[number];

/** Open stages are the chain plus RETURNED (follow-up); endings close the case. */
export const OPEN_STAGES = [...CHAIN_STAGES, 'RETURNED'] as const;
export type OpenStage = (typeof OPEN_STAGES)[number];

export const STAGES = [...OPEN_STAGES, ...ENDINGS] as const;
export type Stage = (typeof STAGES)[number];

export const CAUSES = [
  'LEARNING_DIFFICULTY',
  'POVERTY',
  'DISABILITY',
  'GUARDIAN_REFUSES',
  'ILLNESS',
  'WORK',
  'MARRIAGE',
  'MOVED_AWAY',
  'OTHER',
] as const;
export type Cause = (typeof CAUSES)[number];

export const ACTION_TYPES = [
  'RECORD_HOME_VISIT',
  'RECORD_PERSUASION',
  'PERSUASION_REFUSED',
  'ISSUE_CORRECTION_ORDER',
  'ISSUE_JUDICIAL_DOCUMENT',
  'REFER_LEGAL_LIABILITY',
  'RECORD_LEGAL_OUTCOME',
  'RECORD_RETURN',
  'RECORD_RELAPSE',
  'APPROVE_CLOSURE',
  'PAUSE',
  'RESUME',
  'EXTEND_DEADLINE',
  'REASSIGN',
  'ADD_NOTE',
  'ADD_SUPPORT',
  'EXEMPT',
  'TRANSFER',
  'COMPLETE',
  'CANCEL',
  'RECORD_SUPPORT_OUTCOME',
  'REQUEST_APPROVAL',
  'APPROVE_REQUEST',
  'REJECT_REQUEST',
  'REQUEST_TRANSFER',
  'ACCEPT_TRANSFER',
  'DECLINE_TRANSFER',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Events the engine writes by itself, each with its reason, exactly like a human step. */
export const AUTOMATIC_EVENT_TYPES = [
  'REMINDER_SENT',
  'DEADLINE_MISSED',
  'AUTO_ESCALATED',
  'ESCALATED_TO_SUPERVISOR',
  'ESCALATED_TO_LEADER',
  'FOLLOW_UP_COMPLETED',
  'HELD_FOR_SUPPORT',
  'RELEASED',
  'AWAITING_APPROVAL',
] as const;
export type AutomaticEventType = (typeof AUTOMATIC_EVENT_TYPES)[number];

/** The report that opens a case: a human step, but not an action on an open case. */
export const CASE_OPENED = 'CASE_OPENED';

/** A document (文书) of the case was issued through the documents API: a human step, not an action. */
export const DOCUMENT_ISSUED = 'DOCUMENT_ISSUED';

export type CaseEventType = typeof CASE_OPENED | typeof DOCUMENT_ISSUED | ActionType | AutomaticEventType;

export const VISIT_OUTCOMES = ['RETURNED', 'NOT_RETURNED'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

export const SUPPORT_MEASURES = ['TUTORING', 'EDUCATION_AID', 'HOME_DELIVERED_EDUCATION', 'OTHER'] as const;
export type SupportMeasure = (typeof SUPPORT_MEASURES)[number];

/** A measure is PENDING until its outcome is recorded; the other outcomes are final. */
export const SUPPORT_OUTCOMES = ['PENDING', 'DONE', 'GRANTED', 'REFUSED', 'NOT_ELIGIBLE', 'DELIVERED'] as const;
export type SupportOutcome = (typeof SUPPORT_OUTCOMES)[number];
export type FinalSupportOutcome = Exclude<SupportOutcome, 'PENDING'>;

/**
 * The outcomes each measure can end with. DELIVERED (送教上门已落实) counts as enrolled: the case
 * moves to RETURNED and its follow-up, like a return to school (case-machine.ts says why).
 */
export const OUTCOMES_OF_MEASURE: Record<SupportMeasure, readonly FinalSupportOutcome[]> = {
  TUTORING: ['DONE', 'REFUSED'],
  EDUCATION_AID: ['GRANTED', 'REFUSED', 'NOT_ELIGIBLE'],
  HOME_DELIVERED_EDUCATION: ['DELIVERED', 'REFUSED', 'NOT_ELIGIBLE'],
  OTHER: ['DONE', 'REFUSED'],
};

/** The measure the notice prescribes for a cause (DOMAIN.md); other causes have none of their own. */
export const MEASURE_FOR_CAUSE: Partial<Record<Cause, SupportMeasure>> = {
  LEARNING_DIFFICULTY: 'TUTORING',
  POVERTY: 'EDUCATION_AID',
  DISABILITY: 'HOME_DELIVERED_EDUCATION',
};

export interface Label {
  zh: string;
  en: string;
}

export const SUPPORT_MEASURE_LABELS: Record<SupportMeasure, Label> = {
  TUTORING: { zh: '帮扶辅导（因材施教）', en: 'Tutoring and support plan' },
  EDUCATION_AID: { zh: '教育资助', en: 'Education aid' },
  HOME_DELIVERED_EDUCATION: { zh: '送教上门', en: 'Home-delivered education' },
  OTHER: { zh: '其他帮扶', en: 'Other support' },
};

export const SUPPORT_OUTCOME_LABELS: Record<SupportOutcome, Label> = {
  PENDING: { zh: '办理中', en: 'Pending' },
  DONE: { zh: '已完成', en: 'Done' },
  GRANTED: { zh: '已资助', en: 'Granted' },
  REFUSED: { zh: '家庭拒绝', en: 'Refused' },
  NOT_ELIGIBLE: { zh: '不符合条件', en: 'Not eligible' },
  DELIVERED: { zh: '已送教上门（视同在籍）', en: 'Delivered (counts as enrolled)' },
};

export const STAGE_LABELS: Record<Stage, Label> = {
  HOME_VISIT: { zh: '家访', en: 'Home visit' },
  PERSUASION: { zh: '劝返', en: 'Persuasion' },
  TOWN_CRITICISM: { zh: '批评教育', en: 'Town criticism and education' },
  CORRECTION_DEADLINE: { zh: '责令限期改正', en: 'Order to correct within a deadline' },
  JUDICIAL_DOCUMENT: { zh: '司法文书', en: 'Judicial document' },
  LEGAL_LIABILITY: { zh: '追究法律责任', en: 'Legal liability' },
  RETURNED: { zh: '已复学（跟踪）', en: 'Returned (follow-up)' },
  CLOSED: { zh: '已销号', en: 'Closed' },
  EXEMPTED: { zh: '缓学/免学', en: 'Exempted' },
  TRANSFERRED: { zh: '已转学', en: 'Transferred' },
  COMPLETED: { zh: '已完成义务教育', en: 'Completed' },
  CANCELLED: { zh: '已撤销', en: 'Cancelled' },
};

export const CAUSE_LABELS: Record<Cause, Label> = {
  LEARNING_DIFFICULTY: { zh: '学习困难、厌学', en: 'Learning difficulty' },
  POVERTY: { zh: '因贫', en: 'Family poverty' },
  DISABILITY: { zh: '残疾', en: 'Disability' },
  GUARDIAN_REFUSES: { zh: '监护人无正当理由拒绝', en: 'Guardian refuses' },
  ILLNESS: { zh: '疾病', en: 'Illness' },
  WORK: { zh: '外出务工', en: 'Work' },
  MARRIAGE: { zh: '早婚', en: 'Marriage' },
  MOVED_AWAY: { zh: '迁出', en: 'Moved away' },
  OTHER: { zh: '其他', en: 'Other' },
};

export const EVENT_LABELS: Record<CaseEventType, Label> = {
  CASE_OPENED: { zh: '立案', en: 'Case opened' },
  RECORD_HOME_VISIT: { zh: '记录家访', en: 'Home visit recorded' },
  RECORD_PERSUASION: { zh: '记录劝返', en: 'Persuasion recorded' },
  PERSUASION_REFUSED: { zh: '劝返被拒', en: 'Persuasion refused' },
  ISSUE_CORRECTION_ORDER: { zh: '批评教育并责令限期改正', en: 'Correction order issued' },
  ISSUE_JUDICIAL_DOCUMENT: { zh: '发放司法文书', en: 'Judicial document issued' },
  REFER_LEGAL_LIABILITY: { zh: '移送追究法律责任', en: 'Referred for legal liability' },
  RECORD_LEGAL_OUTCOME: { zh: '记录处理结果', en: 'Legal outcome recorded' },
  RECORD_RETURN: { zh: '复学', en: 'Returned to school' },
  RECORD_RELAPSE: { zh: '再次辍学', en: 'Relapse' },
  APPROVE_CLOSURE: { zh: '批准销号', en: 'Closure approved' },
  PAUSE: { zh: '暂停', en: 'Paused' },
  RESUME: { zh: '恢复', en: 'Resumed' },
  EXTEND_DEADLINE: { zh: '延期', en: 'Deadline extended' },
  REASSIGN: { zh: '改派', en: 'Reassigned' },
  ADD_NOTE: { zh: '备注', en: 'Note' },
  ADD_SUPPORT: { zh: '帮扶措施', en: 'Support measure' },
  EXEMPT: { zh: '缓学/免学', en: 'Exempted' },
  TRANSFER: { zh: '转学', en: 'Transferred' },
  COMPLETE: { zh: '完成义务教育', en: 'Completed' },
  CANCEL: { zh: '撤销', en: 'Cancelled' },
  REMINDER_SENT: { zh: '到期提醒', en: 'Reminder sent' },
  DEADLINE_MISSED: { zh: '逾期', en: 'Deadline missed' },
  AUTO_ESCALATED: { zh: '自动升级', en: 'Escalated automatically' },
  ESCALATED_TO_SUPERVISOR: { zh: '上报督办人', en: 'Escalated to supervisor' },
  ESCALATED_TO_LEADER: { zh: '上报组长', en: 'Escalated to leader' },
  FOLLOW_UP_COMPLETED: { zh: '跟踪期满', en: 'Follow-up completed' },
  RECORD_SUPPORT_OUTCOME: { zh: '记录帮扶结果', en: 'Support outcome recorded' },
  HELD_FOR_SUPPORT: { zh: '待资助落实，暂缓司法程序', en: 'Held for pending education aid' },
  RELEASED: { zh: '资助已落实，恢复推进', en: 'Released: aid decided, escalation continues' },
  DOCUMENT_ISSUED: { zh: '出具文书', en: 'Document issued' },
  REQUEST_APPROVAL: { zh: '提请审批', en: 'Approval requested' },
  APPROVE_REQUEST: { zh: '审批通过', en: 'Request approved' },
  REJECT_REQUEST: { zh: '审批驳回', en: 'Request rejected' },
  AWAITING_APPROVAL: { zh: '待审批，暂不推进', en: 'Waiting for approval' },
  REQUEST_TRANSFER: { zh: '申请移交外镇', en: 'Transfer to another town requested' },
  ACCEPT_TRANSFER: { zh: '接收移交', en: 'Transfer accepted' },
  DECLINE_TRANSFER: { zh: '拒绝移交', en: 'Transfer declined' },
};

/** A transfer between towns of the deployment (the case goes on in the receiving town): the actions that move it. */
export const TRANSFER_ACTIONS = ['REQUEST_TRANSFER', 'ACCEPT_TRANSFER', 'DECLINE_TRANSFER'] as const;
/** Only the receiving town decides a transfer. */
export const TRANSFER_DECISIONS = ['ACCEPT_TRANSFER', 'DECLINE_TRANSFER'] as const;
export type TransferDecision = (typeof TRANSFER_DECISIONS)[number];

/** The status a transfer request shows while the receiving town has not answered. */
export const TRANSFER_PENDING = 'TRANSFER_PENDING';
export const TRANSFER_PENDING_LABEL: Label = { zh: '待接收（移交外镇）', en: 'Transfer pending (to another town)' };

export function isEnding(stage: Stage): stage is Ending {
  return (ENDINGS as readonly string[]).includes(stage);
}

export function isChainStage(stage: Stage): stage is ChainStage {
  return (CHAIN_STAGES as readonly string[]).includes(stage);
}

/** The engine itself signs automatic events with this actor. */
export const SYSTEM_ACTOR = 'system';

/** The user name in an actor as the API writes it, 显示名（username） (actorName in src/api/auth/auth-user.ts). */
export function usernameInActor(actor: string): string | undefined {
  return /（([^（）]+)）$/.exec(actor)?.[1];
}
