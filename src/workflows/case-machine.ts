/**
 * The escalation chain as a pure state machine: which actions a stage allows, what each action
 * and each timer does, and which timer comes next. No Temporal here: the workflow feeds it the
 * workflow clock, and unit tests feed it plain numbers.
 *
 * Every transition returns the new state and the events it produced; events are the only way
 * the outside world learns of a change, so a human step and an automatic one look alike.
 */
import { ActionOf, ActionResult, CaseAction, CaseEvent, CaseFacts, CaseSnapshot, IssuedDocument, PendingTransfer, SupportHold, SupportMeasureView, ACTION_NOT_ALLOWED, INVALID_ACTION } from './messages';
import { ChainStagePolicy, Duration, Policy, dayCountOf, isDuration, parseDuration } from './policy';
import { WorkingDayCalendar, addWorkingDays, wholeDays } from './working-days';
import { APPROVAL_DECISIONS, APPROVAL_DECISION_LABELS, ApprovalDecision, ApprovalPolicy, ApprovalState, approvalView, pendingApprovals, ruleOf } from './approvals';
import {
  ActionType,
  CASE_OPENED,
  CHAIN_STAGES,
  DOCUMENT_ISSUED,
  CaseEventType,
  ChainStage,
  EVENT_LABELS,
  Ending,
  OUTCOMES_OF_MEASURE,
  STAGE_LABELS,
  SUPPORT_MEASURE_LABELS,
  SUPPORT_OUTCOME_LABELS,
  Stage,
  SYSTEM_ACTOR,
  isChainStage,
  isEnding,
} from './vocabulary';

/** Times are epoch milliseconds of the workflow clock. Plain JSON, so it survives continue-as-new. */
export interface CaseState {
  facts: CaseFacts;
  policyVersion: string;
  stage: Stage;
  stageEnteredAt: number;
  paused: boolean;
  pausedAt?: number;
  /** Due date of the stage's required action while it is not done. */
  actionDueAt?: number;
  /** End of the stage window; in RETURNED, the end of the follow-up. */
  windowEndsAt?: number;
  requiredActionDone: boolean;
  /** What has already been sent for the current deadlines; reset when a deadline is set anew. */
  sent: { actionReminder: boolean; windowReminder: boolean; missed: boolean; supervisor: boolean; leader: boolean };
  returnedFrom?: ChainStage;
  followUpCompleted: boolean;
  legalOutcomeRecorded: boolean;
  assignee?: string;
  lastSeq: number;
  endedAt?: number;
  /** Working-day calendar of the case (from the workflow input); absent: Monday to Friday. */
  calendar?: WorkingDayCalendar;
  /** Support measures (optional: state carried from before support measures has none). */
  measures?: SupportMeasureState[];
  /** The support-before-sanction gate holds the case (times in ms). */
  hold?: { since: number; to: ChainStage; measureIds: string[] };
  /** Ids of the documents whose issue the timeline records (optional: absent until the first). */
  documentIds?: string[];
  /** The policy's approvals section, kept from the opening (absent: no decision waits for approval). */
  approvalPolicy?: ApprovalPolicy;
  /** Requests for approval, in the order made. */
  approvals?: ApprovalState[];
  /** The entry into the judicial stage is approved (JUDICIAL): the correction window's end moves the case on. */
  judicialApproved?: boolean;
  /** The correction window ended without that approval: the case waits for it. */
  awaitingApproval?: boolean;
  /** A transfer to another town waiting for its answer (optional: absent in state from before transfers). */
  transfer?: PendingTransfer;
}

/** A measure in the state; `reminded` is set once its owner was reminded that it is overdue. */
export interface SupportMeasureState extends Omit<SupportMeasureView, 'dueAt' | 'addedAt' | 'decidedAt'> {
  dueAt?: number;
  addedAt: number;
  decidedAt?: number;
  reminded: boolean;
}

export interface Transition {
  state: CaseState;
  events: CaseEvent[];
}

export type TimerKind = 'ACTION_REMINDER' | 'WINDOW_REMINDER' | 'ACTION_DUE' | 'WINDOW_END' | 'SUPERVISOR' | 'LEADER' | 'SUPPORT_DUE' | 'APPROVAL_DUE';

export interface Timer {
  kind: TimerKind;
  at: number;
  /** SUPPORT_DUE: the measure whose due date passed. */
  measureId?: string;
  /** APPROVAL_DUE: the request still pending. */
  approvalId?: string;
}

/** Ties at the same instant resolve in this order: a window that ends moves the case before people are chased. */
const TIMER_ORDER: TimerKind[] = ['ACTION_REMINDER', 'WINDOW_REMINDER', 'ACTION_DUE', 'WINDOW_END', 'SUPERVISOR', 'LEADER', 'SUPPORT_DUE', 'APPROVAL_DUE'];

/** Refusal of an action, before anything is written. */
export interface Refusal {
  type: typeof ACTION_NOT_ALLOWED | typeof INVALID_ACTION;
  zh: string;
  en: string;
}

const ALWAYS_WHILE_OPEN: ActionType[] = ['REASSIGN', 'ADD_NOTE', 'ADD_SUPPORT', 'EXEMPT', 'TRANSFER', 'COMPLETE', 'CANCEL'];
const RECORDS_LATER_IN_CHAIN: ActionType[] = ['RECORD_HOME_VISIT', 'RECORD_PERSUASION'];

const ENDING_OF: Partial<Record<ActionType, Ending>> = {
  EXEMPT: 'EXEMPTED',
  TRANSFER: 'TRANSFERRED',
  COMPLETE: 'COMPLETED',
  CANCEL: 'CANCELLED',
  APPROVE_CLOSURE: 'CLOSED',
};

function chainIndex(stage: ChainStage): number {
  return CHAIN_STAGES.indexOf(stage);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Opening and entering stages

export function openCase(facts: CaseFacts, policy: Policy, now: number, calendar?: WorkingDayCalendar): Transition {
  const state: CaseState = {
    ...(calendar ? { calendar } : {}),
    ...(policy.approvals ? { approvalPolicy: policy.approvals } : {}),
    facts,
    policyVersion: policy.version,
    stage: 'HOME_VISIT',
    stageEnteredAt: now,
    paused: false,
    requiredActionDone: false,
    sent: freshSent(),
    followUpCompleted: false,
    legalOutcomeRecorded: false,
    lastSeq: 0,
  };
  const events: CaseEvent[] = [];
  emit(state, events, now, {
    type: CASE_OPENED,
    actor: facts.openedBy,
    reason: facts.note || '报告疑似辍学 / Suspected dropout reported',
    stageBefore: 'HOME_VISIT',
    data: { cause: facts.cause, area: facts.area, school: facts.school, policyVersion: policy.version },
  });
  enterStage(state, 'HOME_VISIT', policy, now);
  return { state, events };
}

function freshSent(): CaseState['sent'] {
  return { actionReminder: false, windowReminder: false, missed: false, supervisor: false, leader: false };
}

/**
 * The instant a duration after `from`, counted as the stage's policy says: elapsed time under
 * CALENDAR (exactly as before working days existed), working days under WORKING (working-days.ts).
 */
function deadlineAfter(state: CaseState, policy: Policy, stage: ChainStage | 'RETURNED', duration: Duration, from: number): number {
  const days = dayCountOf(policy, stage) === 'WORKING' ? wholeDays(duration) : undefined;
  return days === undefined ? from + parseDuration(duration) : addWorkingDays(state.calendar, from, days);
}

/** Sets the stage and its deadlines from the policy. `windowOverride` is an order's own deadline. */
function enterStage(state: CaseState, stage: Stage, policy: Policy, now: number, windowOverride?: Duration): void {
  state.stage = stage;
  state.hold = undefined;
  state.stageEnteredAt = now;
  state.actionDueAt = undefined;
  state.windowEndsAt = undefined;
  state.requiredActionDone = false;
  state.sent = freshSent();
  if (isEnding(stage)) {
    state.endedAt = now;
    state.paused = false;
    state.pausedAt = undefined;
    return;
  }
  if (stage === 'RETURNED') {
    state.followUpCompleted = false;
    state.windowEndsAt = deadlineAfter(state, policy, 'RETURNED', policy.stages.RETURNED.followUp, now);
    state.sent.windowReminder = true; // follow-up is watching, not a task: nobody is reminded of its end
    return;
  }
  const sp = policy.stages[stage];
  if (sp.requiredAction && sp.due) state.actionDueAt = deadlineAfter(state, policy, stage, sp.due, now);
  if (sp.window && (sp.windowStarts ?? 'ON_ENTRY') === 'ON_ENTRY') {
    state.windowEndsAt = deadlineAfter(state, policy, stage, windowOverride ?? sp.window, now);
  }
  skipRemindersThatWouldComeTooEarly(state, policy, now);
}

/** A reminder makes sense only before its deadline and after the deadline was set. */
function skipRemindersThatWouldComeTooEarly(state: CaseState, policy: Policy, now: number): void {
  const before = parseDuration(policy.escalation.reminderBefore);
  if (state.actionDueAt !== undefined && state.actionDueAt - before <= now) state.sent.actionReminder = true;
  if (state.windowEndsAt !== undefined) {
    const sameAsAction = state.windowEndsAt === state.actionDueAt;
    if (sameAsAction || state.windowEndsAt - before <= now) state.sent.windowReminder = true;
  }
}

// ---------------------------------------------------------------------------------------------
// What a stage allows

export function allowedActions(state: CaseState, { approved = false }: { approved?: boolean } = {}): ActionType[] {
  const allowed = actionsWithoutApprovals(state);
  return approved || !state.approvalPolicy ? allowed : withApprovals(state, allowed);
}

/** The actions as they are without approvals (and as an approved decision takes them). */
function actionsWithoutApprovals(state: CaseState): ActionType[] {
  if (isEnding(state.stage)) return [];
  const stage = state.stage;
  const support: ActionType[] = pendingMeasures(state).length > 0 ? ['RECORD_SUPPORT_OUTCOME'] : [];
  const transfer = transferActions(state);
  if (state.paused) return ['RESUME', 'RECORD_RETURN', ...ALWAYS_WHILE_OPEN, ...support, ...transfer];

  const allowed: ActionType[] = [];
  if (stage === 'RETURNED') {
    allowed.push('RECORD_RELAPSE');
    if (state.followUpCompleted) allowed.push('APPROVE_CLOSURE');
  } else {
    const i = chainIndex(stage);
    if (i >= chainIndex('HOME_VISIT')) allowed.push('RECORD_HOME_VISIT');
    if (i >= chainIndex('PERSUASION')) allowed.push('RECORD_PERSUASION');
    if (stage === 'PERSUASION') allowed.push('PERSUASION_REFUSED');
    if (stage === 'TOWN_CRITICISM') allowed.push('ISSUE_CORRECTION_ORDER');
    if (stage === 'JUDICIAL_DOCUMENT') {
      if (!state.requiredActionDone) allowed.push('ISSUE_JUDICIAL_DOCUMENT');
      allowed.push('REFER_LEGAL_LIABILITY');
    }
    if (stage === 'LEGAL_LIABILITY') {
      allowed.push('RECORD_LEGAL_OUTCOME');
      if (state.legalOutcomeRecorded) allowed.push('APPROVE_CLOSURE');
    }
    allowed.push('RECORD_RETURN');
  }
  allowed.push('PAUSE');
  if (currentDeadline(state) !== undefined) allowed.push('EXTEND_DEADLINE');
  allowed.push(...ALWAYS_WHILE_OPEN, ...support, ...transfer);
  return allowed;
}

/**
 * A case is transferred to another town of the deployment while it is open: requested by the
 * sending town, then accepted or declined by the receiving one. While the request waits, the
 * sending town goes on as before (its clocks run: the child is still out of school); only one
 * request at a time. Cases opened before towns were recorded have no town to send from. A request
 * for approval is decided in the town that asked it: no transfer is asked while one waits.
 */
function transferActions(state: CaseState): ActionType[] {
  if (state.facts.town === undefined) return [];
  if (!state.transfer && (state.approvals ?? []).some((a) => a.status === 'PENDING')) return [];
  return state.transfer ? ['ACCEPT_TRANSFER', 'DECLINE_TRANSFER'] : ['REQUEST_TRANSFER'];
}

function pendingMeasures(state: CaseState): SupportMeasureState[] {
  return (state.measures ?? []).filter((m) => m.outcome === 'PENDING');
}

/** The education aid the support-before-sanction gate waits for. */
function pendingAid(state: CaseState): SupportMeasureState[] {
  return pendingMeasures(state).filter((m) => m.measure === 'EDUCATION_AID');
}

/** The deadline EXTEND_DEADLINE moves: the required action's due date, else the window's end. */
function currentDeadline(state: CaseState): 'actionDueAt' | 'windowEndsAt' | undefined {
  if (state.actionDueAt !== undefined) return 'actionDueAt';
  if (state.windowEndsAt !== undefined) return 'windowEndsAt';
  return undefined;
}

/** Validates an action against the current state; `undefined` means it may proceed. `approved`: the effect of an approved request. */
export function checkAction(state: CaseState, action: CaseAction, now: number, { approved = false }: { approved?: boolean } = {}): Refusal | undefined {
  const allowed = allowedActions(state, { approved });
  if (!allowed.includes(action.type)) {
    const label = EVENT_LABELS[action.type]?.zh ?? action.type;
    const where = isEnding(state.stage)
      ? `案件已结束（${STAGE_LABELS[state.stage].zh}）`
      : `当前环节「${STAGE_LABELS[state.stage].zh}」${state.paused ? '（已暂停）' : ''}`;
    return {
      type: ACTION_NOT_ALLOWED,
      zh: `${where}不允许「${label}」；可执行：${allowed.join(', ') || '无'}`,
      en: `${action.type} is not allowed in ${state.stage}${state.paused ? ' (paused)' : ''}; allowed: ${allowed.join(', ') || 'none'}`,
    };
  }
  if (action.type === 'EXTEND_DEADLINE') {
    const target = currentDeadline(state)!;
    const newDue = Date.parse(action.newDueAt);
    if (Number.isNaN(newDue)) return invalid('新期限不是有效时间', 'newDueAt is not a valid date-time');
    if (newDue <= now) return invalid('新期限必须晚于现在', 'newDueAt must be in the future');
    if (newDue <= state[target]!) {
      return invalid(`新期限必须晚于原期限 ${iso(state[target]!)}`, `newDueAt must be later than the current due date ${iso(state[target]!)}`);
    }
    if (!approved) {
      const beyond = extensionBeyondLimit(state, newDue - state[target]!);
      if (beyond) return beyond;
    }
  }
  if (action.type === 'REQUEST_APPROVAL' || action.type === 'APPROVE_REQUEST' || action.type === 'REJECT_REQUEST') return checkApprovalAction(state, action, now);
  if (action.type === 'ADD_SUPPORT' && action.dueAt !== undefined) {
    const due = Date.parse(action.dueAt);
    if (Number.isNaN(due)) return invalid('帮扶期限不是有效时间', 'dueAt is not a valid date-time');
    if (due <= now) return invalid('帮扶期限必须晚于现在', 'dueAt must be in the future');
  }
  if (action.type === 'RECORD_SUPPORT_OUTCOME') {
    const measure = (state.measures ?? []).find((m) => m.id === action.measureId);
    const pending = pendingMeasures(state).map((m) => m.id).join(', ') || '无 / none';
    if (!measure) return invalid(`没有这项帮扶措施：${action.measureId}；办理中的：${pending}`, `no support measure ${action.measureId}; pending: ${pending}`);
    if (measure.outcome !== 'PENDING') {
      return invalid(
        `该帮扶措施已有结果（${SUPPORT_OUTCOME_LABELS[measure.outcome].zh}）`,
        `the support measure already has its outcome (${measure.outcome})`,
      );
    }
    const outcomes = OUTCOMES_OF_MEASURE[measure.measure];
    if (!outcomes.includes(action.outcome)) {
      return invalid(
        `「${SUPPORT_MEASURE_LABELS[measure.measure].zh}」的结果只能是：${outcomes.map((o) => `${o}（${SUPPORT_OUTCOME_LABELS[o].zh}）`).join('、')}`,
        `the outcome of ${measure.measure} is one of ${outcomes.join(', ')}`,
      );
    }
  }
  if (action.type === 'REQUEST_TRANSFER' && action.toTown === state.facts.town) {
    return invalid('接收乡镇不能是本镇', 'the receiving town must be another town');
  }
  if (action.type === 'ACCEPT_TRANSFER' && action.receiving?.town !== state.transfer?.toTown) {
    return invalid(`只有接收乡镇（${state.transfer?.toTown}）能接收此案件`, `only the receiving town (${state.transfer?.toTown}) accepts the case`);
  }
  if (action.type === 'ISSUE_CORRECTION_ORDER' && action.correctWithin !== undefined) {
    if (!isDuration(action.correctWithin) || parseDuration(action.correctWithin) <= 0) {
      return invalid('改正期限格式应为 15d、36h 等', 'correctWithin must be a duration like 15d or 36h');
    }
  }
  return undefined;
}

function invalid(zh: string, en: string): Refusal {
  return { type: INVALID_ACTION, zh, en };
}

// ---------------------------------------------------------------------------------------------
// Human actions

/** How the workflow's patches change an action (patches.ts); each defaults to the current behaviour. */
export interface ActionOptions {
  /**
   * Whether an extension of the required action's due date moves the stage's window with it (since
   * v6). Asked only where it changes something, so the workflow's patch marker is written there only.
   */
  extensionMovesWindow?: () => boolean;
}

export function applyAction(prev: CaseState, action: CaseAction, policy: Policy, now: number, options: ActionOptions = {}): Transition {
  return applyActionAs(prev, action, policy, now, options, false);
}

/** `approved`: the action is the effect of an approved request (approvals do not gate it again). */
function applyActionAs(prev: CaseState, action: CaseAction, policy: Policy, now: number, options: ActionOptions, approved: boolean): Transition {
  const refusal = checkAction(prev, action, now, { approved });
  if (refusal) throw new Error(refusal.en); // the workflow's validator refuses first; this guards misuse
  const state = clone(prev);
  const events: CaseEvent[] = [];
  const stageBefore = state.stage;
  const { type, actor, ...fields } = action;
  const data = fields as Record<string, unknown>;
  const reason = reasonOf(action);
  const record = () => emit(state, events, now, { type, actor, reason, stageBefore, data });

  switch (action.type) {
    case 'RECORD_HOME_VISIT':
    case 'RECORD_PERSUASION':
      if (action.outcome === 'RETURNED') {
        returnToSchool(state, policy, now);
      } else if (action.type === 'RECORD_HOME_VISIT' && state.stage === 'HOME_VISIT') {
        enterStage(state, 'PERSUASION', policy, now);
      }
      record();
      break;
    case 'PERSUASION_REFUSED':
      enterStage(state, 'TOWN_CRITICISM', policy, now);
      record();
      break;
    case 'ISSUE_CORRECTION_ORDER': {
      const within = action.correctWithin ?? policy.stages.CORRECTION_DEADLINE.window;
      enterStage(state, 'CORRECTION_DEADLINE', policy, now, within);
      emit(state, events, now, { type, actor, reason, stageBefore, data: { ...data, correctWithin: within, correctBy: iso(state.windowEndsAt!) } });
      break;
    }
    case 'ISSUE_JUDICIAL_DOCUMENT':
      completeRequiredAction(state, policy.stages.JUDICIAL_DOCUMENT, policy, now);
      record();
      break;
    case 'REFER_LEGAL_LIABILITY':
      enterStage(state, 'LEGAL_LIABILITY', policy, now);
      record();
      break;
    case 'RECORD_LEGAL_OUTCOME':
      state.legalOutcomeRecorded = true;
      completeRequiredAction(state, policy.stages.LEGAL_LIABILITY, policy, now);
      record();
      break;
    case 'RECORD_RETURN':
      returnToSchool(state, policy, now);
      record();
      break;
    case 'RECORD_RELAPSE': {
      const from = state.returnedFrom ?? 'PERSUASION';
      enterStage(state, chainIndex(from) > chainIndex('PERSUASION') ? from : 'PERSUASION', policy, now);
      state.returnedFrom = undefined;
      record();
      break;
    }
    case 'PAUSE':
      state.paused = true;
      state.pausedAt = now;
      record();
      break;
    case 'RESUME': {
      const pausedFor = startClocks(state, now);
      emit(state, events, now, { type, actor, reason, stageBefore, data: { ...data, pausedForMs: pausedFor } });
      break;
    }
    case 'EXTEND_DEADLINE': {
      const target = currentDeadline(state)!;
      const previous = state[target]!;
      state[target] = Date.parse(action.newDueAt);
      const moved: Record<string, unknown> = {};
      if (target === 'actionDueAt') {
        Object.assign(state.sent, { actionReminder: false, missed: false, supervisor: false, leader: false });
        // The stage's window moves by as much as the due date (as a pause moves both): a case given
        // more time for its home visit must not escalate at the old window end meanwhile.
        const windowEnd = state.windowEndsAt;
        if (windowEnd !== undefined && (options.extensionMovesWindow ?? (() => true))()) {
          state.windowEndsAt = windowEnd + (state.actionDueAt! - previous);
          state.sent.windowReminder = false;
          Object.assign(moved, { windowEndsAt: iso(state.windowEndsAt), previousWindowEndsAt: iso(windowEnd) });
        }
      } else {
        state.sent.windowReminder = false;
      }
      skipRemindersThatWouldComeTooEarly(state, policy, now);
      emit(state, events, now, { type, actor, reason, stageBefore, data: { ...data, deadline: target, previousDueAt: iso(previous), ...moved } });
      break;
    }
    case 'REASSIGN':
      state.assignee = action.assignee;
      record();
      break;
    case 'ADD_NOTE':
      record();
      break;
    case 'ADD_SUPPORT': {
      // Support runs beside the escalation: it never stops the clock by itself (only the
      // support-before-sanction gate, at the edge of JUDICIAL_DOCUMENT, waits for pending aid).
      const seq = state.lastSeq + 1; // the seq of the event recorded below: the measure's id
      const due = action.dueAt === undefined ? undefined : Date.parse(action.dueAt);
      (state.measures ??= []).push({
        id: `${state.facts.caseId}:${seq}`,
        measure: action.measure,
        owner: action.owner,
        dueAt: due,
        outcome: 'PENDING',
        addedAt: now,
        addedBy: actor,
        note: action.note,
        updatedSeq: seq,
        reminded: false,
      });
      emit(state, events, now, { type, actor, reason, stageBefore, data: { ...data, measureId: `${state.facts.caseId}:${seq}` } });
      break;
    }
    case 'RECORD_SUPPORT_OUTCOME': {
      const measure = state.measures!.find((m) => m.id === action.measureId)!;
      Object.assign(measure, { outcome: action.outcome, decidedAt: now, decidedBy: actor, updatedSeq: state.lastSeq + 1 });
      if (action.note) measure.note = action.note;
      // 送教上门 counts as enrolled (DOMAIN.md): the child is back in the school system, so the case
      // takes the same path as a return (RETURNED, follow-up, closure or relapse) rather than a new
      // ending, which would lose the follow-up and the relapse path.
      if (action.outcome === 'DELIVERED' && isChainStage(state.stage)) returnToSchool(state, policy, now);
      emit(state, events, now, { type, actor, reason, stageBefore, data: { ...data, measure: measure.measure } });
      releaseHoldIfAidDecided(state, events, policy, now);
      break;
    }
    case 'REQUEST_APPROVAL':
    case 'APPROVE_REQUEST':
    case 'REJECT_REQUEST':
      return applyApprovalAction(state, action, policy, now, options);
    case 'REQUEST_TRANSFER':
      state.transfer = {
        fromTown: state.facts.town,
        toTown: action.toTown,
        requestedAt: iso(now),
        requestedBy: actor,
        reason: action.reason,
        requestSeq: state.lastSeq + 1,
      };
      emit(state, events, now, {
        type,
        actor,
        reason,
        stageBefore,
        // Where the case was (codes and ids only): the sending town keeps reading what it did from there.
        data: { fromTown: state.facts.town, toTown: action.toTown, area: state.facts.area, school: state.facts.school, childId: state.facts.childId },
      });
      break;
    case 'ACCEPT_TRANSFER':
      acceptTransfer(state, events, action, action.receiving?.policy ?? policy, now);
      break;
    case 'DECLINE_TRANSFER': {
      const declined = state.transfer!;
      state.transfer = undefined;
      emit(state, events, now, { type, actor, reason, stageBefore, data: { fromTown: declined.fromTown, toTown: declined.toTown, requestSeq: declined.requestSeq } });
      break;
    }
    case 'APPROVE_CLOSURE':
    case 'EXEMPT':
    case 'TRANSFER':
    case 'COMPLETE':
    case 'CANCEL':
      enterStage(state, ENDING_OF[action.type]!, policy, now);
      record();
      break;
  }
  return { state, events };
}

/**
 * An issued document enters the timeline (已出具《…》, its number, who): it changes no stage and no
 * clock. Once per document: a repeated request, or a retry after a lost answer, records nothing more.
 */
export function recordDocument(prev: CaseState, doc: IssuedDocument, now: number): Transition {
  if (prev.documentIds?.includes(doc.documentId)) return { state: prev, events: [] };
  const state = clone(prev);
  const events: CaseEvent[] = [];
  (state.documentIds ??= []).push(doc.documentId);
  emit(state, events, now, {
    type: DOCUMENT_ISSUED,
    actor: doc.issuedBy,
    reason: `已出具《${doc.kindLabel.zh}》（${doc.number}） / Issued: ${doc.kindLabel.en} (${doc.number})`,
    stageBefore: state.stage,
    data: { documentId: doc.documentId, kind: doc.kind, number: doc.number, basisSeq: doc.basisSeq },
  });
  return { state, events };
}

/**
 * The case goes on in the receiving town: one history, its state carried, with the receiving
 * town's child record, place and policy. The stage stays; its clocks start again at acceptance
 * under the receiving town's policy, since its people take the work over from now (the sending
 * town's days are in the timeline). A pause stays, with its clocks standing from now. Follow-up
 * (RETURNED) starts again too: the receiving town watches the child in its own school.
 */
function acceptTransfer(state: CaseState, events: CaseEvent[], action: ActionOf<'ACCEPT_TRANSFER'>, policy: Policy, now: number): void {
  const transfer = state.transfer!;
  const stageBefore = state.stage;
  const from = { town: state.facts.town, area: state.facts.area, school: state.facts.school, childId: state.facts.childId };
  state.facts = { ...state.facts, town: transfer.toTown, area: action.area, school: action.school, childId: action.receiving?.childId ?? state.facts.childId };
  state.policyVersion = policy.version;
  // The receiving town's rules for approvals, as for its windows (none: its direct actions).
  state.approvalPolicy = policy.approvals;
  state.transfer = undefined;
  state.assignee = undefined;
  enterStage(state, state.stage, policy, now);
  if (state.paused) state.pausedAt = now;
  emit(state, events, now, {
    type: 'ACCEPT_TRANSFER',
    actor: action.actor,
    reason: action.note || EVENT_LABELS.ACCEPT_TRANSFER.zh,
    stageBefore,
    data: {
      fromTown: from.town,
      toTown: transfer.toTown,
      requestSeq: transfer.requestSeq,
      from,
      area: action.area,
      school: action.school,
      grade: action.grade,
      className: action.className,
      childId: state.facts.childId,
      policyVersion: policy.version,
    },
  });
}

function returnToSchool(state: CaseState, policy: Policy, now: number): void {
  if (isChainStage(state.stage)) state.returnedFrom = state.stage;
  state.paused = false;
  state.pausedAt = undefined;
  enterStage(state, 'RETURNED', policy, now);
}

/** The gate lets the case go on once no education aid is pending: RELEASED, then the held escalation. */
function releaseHoldIfAidDecided(state: CaseState, events: CaseEvent[], policy: Policy, now: number): void {
  const hold = state.hold;
  if (!hold || pendingAid(state).length > 0) return;
  const from = state.stage;
  const decided = (state.measures ?? []).filter((m) => hold.measureIds.includes(m.id)).map((m) => `${m.id} ${m.outcome}`);
  const auto = (type: CaseEventType, reason: string, data: Record<string, unknown>) =>
    emit(state, events, now, { type, actor: SYSTEM_ACTOR, reason, stageBefore: from, data, automatic: true });
  auto('RELEASED', `教育资助已有结果（${decided.join('，')}），恢复推进 / Education aid decided (${decided.join(', ')}): the held escalation goes on`, {
    heldSince: iso(hold.since),
    measureIds: hold.measureIds,
  });
  enterStage(state, hold.to, policy, now);
  // Released while paused: the new stage's clocks start now and stand still until RESUME, which
  // shifts them by the time paused since now (not since the pause began, before they existed).
  if (state.paused) state.pausedAt = now;
  auto('AUTO_ESCALATED', `「${STAGE_LABELS[from].zh}」期限已届满，资助落实后转入「${STAGE_LABELS[hold.to].zh}」 / The ${STAGE_LABELS[from].en} window had ended: moved to ${STAGE_LABELS[hold.to].en} once the aid was decided`, {
    from,
    to: hold.to,
    heldSince: iso(hold.since),
  });
}

/** The clocks stood still while paused: every deadline moves by the paused time (RESUME, a decided request that paused them). */
function startClocks(state: CaseState, now: number): number {
  const pausedFor = now - state.pausedAt!;
  if (state.actionDueAt !== undefined) state.actionDueAt += pausedFor;
  if (state.windowEndsAt !== undefined) state.windowEndsAt += pausedFor;
  state.paused = false;
  state.pausedAt = undefined;
  return pausedFor;
}

function completeRequiredAction(state: CaseState, sp: ChainStagePolicy, policy: Policy, now: number): void {
  state.requiredActionDone = true;
  state.actionDueAt = undefined;
  if (sp.window && sp.windowStarts === 'AFTER_REQUIRED_ACTION') {
    state.windowEndsAt = deadlineAfter(state, policy, state.stage as ChainStage, sp.window, now);
    state.sent.windowReminder = false;
    skipRemindersThatWouldComeTooEarly(state, policy, now);
  }
}

function reasonOf(action: CaseAction): string {
  const a = action as { reason?: string; note?: string; outcome?: string };
  return a.reason || a.note || (a.outcome ? `${EVENT_LABELS[action.type].zh}：${a.outcome}` : EVENT_LABELS[action.type].zh);
}

// ---------------------------------------------------------------------------------------------
// Approvals (审批): the rules are in approvals.ts; here, what a request, an approval and a
// rejection do to the case. Only under a policy with an `approvals` section (state.approvalPolicy).

/** The direct actions an approval replaces are gone; requests and decisions join in. */
function withApprovals(state: CaseState, allowed: ActionType[]): ActionType[] {
  const rules = state.approvalPolicy!;
  const gated = new Set<ActionType>();
  if (ruleOf(rules, 'CLOSURE')) gated.add('APPROVE_CLOSURE');
  if (ruleOf(rules, 'EXEMPTION')) gated.add('EXEMPT');
  // Without a limit every extension needs approval; with one, checkAction refuses only those beyond it.
  if (ruleOf(rules, 'EXTENSION') && rules.extensionLimit === undefined) gated.add('EXTEND_DEADLINE');
  const result = allowed.filter((a) => !gated.has(a));
  if (requestableDecisions(state).length > 0) result.push('REQUEST_APPROVAL');
  if (pendingApprovals(state.approvals).length > 0) result.push('APPROVE_REQUEST', 'REJECT_REQUEST');
  return result;
}

/** The decisions a caseworker may ask for now: those the policy gates, where the case stands for them, not already pending. */
function requestableDecisions(state: CaseState): ApprovalDecision[] {
  if (!state.approvalPolicy || isEnding(state.stage)) return [];
  const pending = new Set(pendingApprovals(state.approvals).map((a) => a.decision));
  return APPROVAL_DECISIONS.filter((d) => ruleOf(state.approvalPolicy, d) !== undefined && !pending.has(d) && decisionFits(state, d));
}

/** Whether the case stands where the decision can be taken (paused clocks aside: a request may have stopped them). */
function decisionFits(state: CaseState, decision: ApprovalDecision): boolean {
  switch (decision) {
    case 'CLOSURE':
      return (state.stage === 'RETURNED' && state.followUpCompleted) || (state.stage === 'LEGAL_LIABILITY' && state.legalOutcomeRecorded);
    case 'JUDICIAL':
      return state.stage === 'CORRECTION_DEADLINE' && !state.judicialApproved;
    case 'EXTENSION':
      return currentDeadline(state) !== undefined;
    case 'EXEMPTION':
      return true;
  }
}

/** An extension the approvals section gates: beyond its limit (or every one without a limit). */
function extensionBeyondLimit(state: CaseState, byMs: number): Refusal | undefined {
  const rules = state.approvalPolicy;
  if (!ruleOf(rules, 'EXTENSION')) return undefined;
  const limit = rules!.extensionLimit;
  if (limit !== undefined && byMs <= parseDuration(limit)) return undefined;
  return {
    type: ACTION_NOT_ALLOWED,
    zh: `延期超过政策上限（${limit ?? '0d'}），须先提请审批（REQUEST_APPROVAL，事项 EXTENSION）`,
    en: `An extension beyond the policy limit (${limit ?? '0d'}) needs approval first: REQUEST_APPROVAL with decision EXTENSION`,
  };
}

function checkApprovalAction(state: CaseState, action: ActionOf<'REQUEST_APPROVAL' | 'APPROVE_REQUEST' | 'REJECT_REQUEST'>, now: number): Refusal | undefined {
  if (action.type === 'REQUEST_APPROVAL') {
    const open = requestableDecisions(state);
    if (!open.includes(action.decision)) {
      const label = APPROVAL_DECISION_LABELS[action.decision]?.zh ?? action.decision;
      const list = open.map((d) => `${d}（${APPROVAL_DECISION_LABELS[d].zh}）`).join('、') || '无 / none';
      return invalid(`现在不能提请「${label}」的审批（已有待审批的申请，或案件不在此环节）；可提请：${list}`, `${action.decision} cannot be requested now (one is pending, or the case is not where it applies); requestable: ${open.join(', ') || 'none'}`);
    }
    if (action.decision === 'EXTENSION') {
      if (action.newDueAt === undefined) return invalid('超限延期须写明新期限', 'an EXTENSION request needs newDueAt');
      const target = currentDeadline(state)!;
      const newDue = Date.parse(action.newDueAt);
      if (Number.isNaN(newDue)) return invalid('新期限不是有效时间', 'newDueAt is not a valid date-time');
      if (newDue <= now) return invalid('新期限必须晚于现在', 'newDueAt must be in the future');
      if (newDue <= state[target]!) return invalid(`新期限必须晚于原期限 ${iso(state[target]!)}`, `newDueAt must be later than the current due date ${iso(state[target]!)}`);
    } else if (action.newDueAt !== undefined) {
      return invalid('只有超限延期的申请写新期限', 'only an EXTENSION request takes newDueAt');
    }
    return undefined;
  }
  const pending = pendingApprovals(state.approvals);
  const request = pending.find((a) => a.id === action.approvalId);
  if (!request) {
    const list = pending.map((a) => a.id).join(', ') || '无 / none';
    return invalid(`没有待审批的申请 ${action.approvalId}；待审批的：${list}`, `no pending request ${action.approvalId}; pending: ${list}`);
  }
  if (action.type === 'REJECT_REQUEST') return undefined;
  // The approved effect must be possible as the case stands once the request's paused clocks run again.
  const after = clone(state);
  resumeClocksOf(after, after.approvals!.find((a) => a.id === request.id)!, now);
  if (!decisionFits(after, request.decision)) {
    return invalid(`案件已不在可「${APPROVAL_DECISION_LABELS[request.decision].zh}」的环节，请驳回此申请`, `The case is no longer where ${request.decision} applies: reject the request`);
  }
  const effect = effectOf(request, action.actor, action.comment);
  const refusal = effect && checkAction(after, effect, now, { approved: true });
  return refusal ? { ...refusal, zh: `批准后无法执行：${refusal.zh}`, en: `Cannot carry out the approved decision: ${refusal.en}` } : undefined;
}

/** What an approval does, as the action it stands for (JUDICIAL is no action: the correction window's end moves the case). */
function effectOf(request: ApprovalState, approver: string, comment: string): CaseAction | undefined {
  switch (request.decision) {
    case 'CLOSURE':
      return { type: 'APPROVE_CLOSURE', actor: approver, note: comment };
    case 'EXEMPTION':
      return { type: 'EXEMPT', actor: approver, reason: request.reason, note: comment };
    case 'EXTENSION':
      return { type: 'EXTEND_DEADLINE', actor: request.requestedBy, newDueAt: request.newDueAt!, reason: request.reason, approver };
    case 'JUDICIAL':
      return undefined;
  }
}

/** A decision on a request that stopped the clocks starts them again, every deadline moved by the time stopped. */
function resumeClocksOf(state: CaseState, request: ApprovalState, now: number): number | undefined {
  if (!request.pausedClocks || !state.paused || state.pausedAt === undefined) return undefined;
  return startClocks(state, now);
}

function applyApprovalAction(
  state: CaseState,
  action: ActionOf<'REQUEST_APPROVAL' | 'APPROVE_REQUEST' | 'REJECT_REQUEST'>,
  policy: Policy,
  now: number,
  options: ActionOptions,
): Transition {
  const events: CaseEvent[] = [];
  const stageBefore = state.stage;
  if (action.type === 'REQUEST_APPROVAL') {
    const rules = state.approvalPolicy!;
    const rule = ruleOf(rules, action.decision)!;
    const id = `${state.facts.caseId}:${state.lastSeq + 1}`; // the id of the event recorded below
    const request: ApprovalState = {
      id,
      decision: action.decision,
      status: 'PENDING',
      reason: action.reason,
      requestedBy: action.actor,
      requestedAt: now,
      approverRoles: [...rule.approverRoles],
      reminded: false,
      pausedClocks: false,
      updatedSeq: state.lastSeq + 1,
    };
    if (action.newDueAt !== undefined) request.newDueAt = new Date(Date.parse(action.newDueAt)).toISOString();
    if (rules.remindAfter !== undefined) request.remindAt = now + parseDuration(rules.remindAfter);
    if (rule.pausesClocks && !state.paused) {
      state.paused = true;
      state.pausedAt = now;
      request.pausedClocks = true;
    }
    (state.approvals ??= []).push(request);
    emit(state, events, now, {
      type: 'REQUEST_APPROVAL',
      actor: action.actor,
      reason: action.reason,
      stageBefore,
      data: stripUndefined({ approvalId: id, decision: action.decision, approverRoles: request.approverRoles, newDueAt: request.newDueAt, remindAt: request.remindAt === undefined ? undefined : iso(request.remindAt), clocksPaused: request.pausedClocks, note: action.note }),
    });
    return { state, events };
  }
  const request = state.approvals!.find((a) => a.id === action.approvalId)!;
  const pausedForMs = resumeClocksOf(state, request, now);
  Object.assign(request, { status: action.type === 'APPROVE_REQUEST' ? 'APPROVED' : 'REJECTED', decidedBy: action.actor, decidedAt: now, comment: action.comment, updatedSeq: state.lastSeq + 1 });
  emit(state, events, now, {
    type: action.type,
    actor: action.actor,
    reason: action.comment,
    stageBefore,
    data: stripUndefined({ approvalId: request.id, decision: request.decision, requestedBy: request.requestedBy, requestReason: request.reason, comment: action.comment, pausedForMs }),
  });
  if (action.type === 'REJECT_REQUEST') return { state, events };
  const effect = effectOf(request, action.actor, action.comment);
  if (effect) {
    const done = applyActionAs(state, effect, policy, now, options, true);
    for (const e of done.events) e.data = { ...e.data, approvalId: request.id };
    return { state: done.state, events: [...events, ...done.events] };
  }
  // JUDICIAL: approved; if the correction window has already ended, the case moves on now.
  state.judicialApproved = true;
  if (state.awaitingApproval) {
    state.awaitingApproval = false;
    const moved = fireTimer(state, { kind: 'WINDOW_END', at: now }, policy, now);
    return { state: moved.state, events: [...events, ...moved.events] };
  }
  return { state, events };
}

/** A pending request's one reminder to its approvers. */
function approvalReminderTimers(state: CaseState): Timer[] {
  return pendingApprovals(state.approvals)
    .filter((a) => a.remindAt !== undefined && !a.reminded)
    .map((a) => ({ kind: 'APPROVAL_DUE' as const, at: a.remindAt!, approvalId: a.id }));
}

// ---------------------------------------------------------------------------------------------
// Timers

/**
 * The next timer to fire, or undefined when the case waits only for people (paused, or ended).
 * `supportReminders: false` leaves out the measures' due dates (the workflow's patch guard).
 */
export function nextTimer(
  state: CaseState,
  policy: Policy,
  { supportReminders = true, approvalReminders = true }: { supportReminders?: boolean; approvalReminders?: boolean } = {},
): Timer | undefined {
  if (isEnding(state.stage)) return undefined;
  // A pending request reminds its approvers even while the clocks stand still (a request may stop them).
  const approvalTimers: Timer[] = approvalReminders ? approvalReminderTimers(state) : [];
  if (state.paused) return approvalTimers.sort((a, b) => a.at - b.at)[0];
  const before = parseDuration(policy.escalation.reminderBefore);
  const timers: Timer[] = [];
  const due = state.actionDueAt;
  if (due !== undefined) {
    if (!state.sent.actionReminder) timers.push({ kind: 'ACTION_REMINDER', at: due - before });
    if (!state.sent.missed) timers.push({ kind: 'ACTION_DUE', at: due });
    else if (!state.sent.supervisor) timers.push({ kind: 'SUPERVISOR', at: due + parseDuration(policy.escalation.supervisorAfter) });
    else if (!state.sent.leader) timers.push({ kind: 'LEADER', at: due + parseDuration(policy.escalation.leaderAfter) });
  }
  const end = state.windowEndsAt;
  if (end !== undefined && !(state.stage === 'RETURNED' && state.followUpCompleted)) {
    if (!state.sent.windowReminder) timers.push({ kind: 'WINDOW_REMINDER', at: end - before });
    timers.push({ kind: 'WINDOW_END', at: end });
  }
  if (supportReminders) {
    for (const m of pendingMeasures(state)) {
      if (m.dueAt !== undefined && !m.reminded) timers.push({ kind: 'SUPPORT_DUE', at: m.dueAt, measureId: m.id });
    }
  }
  timers.push(...approvalTimers);
  timers.sort((a, b) => a.at - b.at || TIMER_ORDER.indexOf(a.kind) - TIMER_ORDER.indexOf(b.kind));
  return timers[0];
}

export function fireTimer(prev: CaseState, timer: Timer, policy: Policy, now: number): Transition {
  const state = clone(prev);
  const events: CaseEvent[] = [];
  const stage = state.stage;
  const sp = isChainStage(stage) ? policy.stages[stage] : undefined;
  const actionLabel = sp?.requiredAction ? EVENT_LABELS[sp.requiredAction] : STAGE_LABELS[stage];
  const auto = (type: CaseEventType, reason: string, data: Record<string, unknown>) =>
    emit(state, events, now, { type, actor: SYSTEM_ACTOR, reason, stageBefore: stage, data, automatic: true });

  switch (timer.kind) {
    case 'ACTION_REMINDER':
      state.sent.actionReminder = true;
      auto('REMINDER_SENT', `提醒：「${actionLabel.zh}」将于 ${iso(state.actionDueAt!)} 到期 / Reminder: ${actionLabel.en} is due ${iso(state.actionDueAt!)}`, {
        deadline: 'actionDueAt',
        dueAt: iso(state.actionDueAt!),
        responsible: sp?.responsible,
      });
      break;
    case 'WINDOW_REMINDER':
      state.sent.windowReminder = true;
      auto('REMINDER_SENT', `提醒：「${STAGE_LABELS[stage].zh}」期限将于 ${iso(state.windowEndsAt!)} 届满 / Reminder: the ${STAGE_LABELS[stage].en} window ends ${iso(state.windowEndsAt!)}`, {
        deadline: 'windowEndsAt',
        dueAt: iso(state.windowEndsAt!),
        responsible: sp?.responsible,
      });
      break;
    case 'ACTION_DUE':
      state.sent.missed = true;
      auto('DEADLINE_MISSED', `「${actionLabel.zh}」已逾期（期限 ${iso(state.actionDueAt!)}）/ ${actionLabel.en} is overdue (due ${iso(state.actionDueAt!)})`, {
        requiredAction: sp?.requiredAction,
        dueAt: iso(state.actionDueAt!),
        legalGate: sp?.legalGate ?? false,
      });
      break;
    case 'SUPERVISOR':
      state.sent.supervisor = true;
      auto('ESCALATED_TO_SUPERVISOR', `${gateNote(sp)}「${actionLabel.zh}」逾期，上报责任区督办人 / ${actionLabel.en} overdue: escalated to the area supervisor`, {
        requiredAction: sp?.requiredAction,
        dueAt: iso(state.actionDueAt!),
        legalGate: sp?.legalGate ?? false,
      });
      break;
    case 'LEADER':
      state.sent.leader = true;
      auto('ESCALATED_TO_LEADER', `${gateNote(sp)}「${actionLabel.zh}」逾期超过 ${policy.escalation.leaderAfter}，上报领导小组组长 / ${actionLabel.en} overdue by ${policy.escalation.leaderAfter}: escalated to the leader`, {
        requiredAction: sp?.requiredAction,
        dueAt: iso(state.actionDueAt!),
        legalGate: sp?.legalGate ?? false,
      });
      break;
    case 'SUPPORT_DUE': {
      const m = state.measures!.find((x) => x.id === timer.measureId)!;
      m.reminded = true;
      const label = SUPPORT_MEASURE_LABELS[m.measure];
      auto('REMINDER_SENT', `提醒 ${m.owner ?? m.addedBy}：帮扶措施「${label.zh}」已到期（${iso(m.dueAt!)}），尚无结果 / Reminder to ${m.owner ?? m.addedBy}: ${label.en} was due ${iso(m.dueAt!)} and has no outcome`, {
        deadline: 'supportDueAt',
        measureId: m.id,
        measure: m.measure,
        owner: m.owner,
        dueAt: iso(m.dueAt!),
      });
      break;
    }
    case 'APPROVAL_DUE': {
      const a = state.approvals!.find((x) => x.id === timer.approvalId)!;
      a.reminded = true;
      const label = APPROVAL_DECISION_LABELS[a.decision];
      auto('REMINDER_SENT', `提醒审批：「${label.zh}」的申请自 ${iso(a.requestedAt)} 起待审批 / Reminder: the request for ${label.en} has waited for approval since ${iso(a.requestedAt)}`, {
        deadline: 'approvalRemindAt',
        approvalId: a.id,
        decision: a.decision,
        approverRoles: a.approverRoles,
        dueAt: iso(a.remindAt!),
      });
      break;
    }
    case 'WINDOW_END':
      if (stage === 'RETURNED') {
        state.followUpCompleted = true;
        auto('FOLLOW_UP_COMPLETED', `跟踪期（${policy.stages.RETURNED.followUp}）届满，未再辍学 / Follow-up (${policy.stages.RETURNED.followUp}) ended without relapse`, {});
        if (!policy.stages.RETURNED.closureNeedsApproval) {
          enterStage(state, 'CLOSED', policy, now);
          auto('APPROVE_CLOSURE', '跟踪期满，按政策自动销号 / Closed automatically after follow-up, as the policy says', {});
        }
      } else if (sp?.onWindowEnd && awaitsApproval(state, sp.onWindowEnd)) {
        state.windowEndsAt = undefined; // the window has ended; the case now waits for the approver, not a clock
        state.awaitingApproval = true;
        const label = STAGE_LABELS[sp.onWindowEnd];
        auto('AWAITING_APPROVAL', `「${STAGE_LABELS[stage].zh}」期限已届满；进入「${label.zh}」须经审批，待批准后继续 / The ${STAGE_LABELS[stage].en} window ended; entering ${label.en} needs approval: the case waits for it`, {
          from: stage,
          to: sp.onWindowEnd,
          decision: 'JUDICIAL',
        });
      } else if (sp?.onWindowEnd && holdsForSupport(state, policy, sp.onWindowEnd)) {
        const aid = pendingAid(state);
        state.windowEndsAt = undefined; // the window has ended; the case now waits for the aid, not a clock
        state.hold = { since: now, to: sp.onWindowEnd, measureIds: aid.map((m) => m.id) };
        auto('HELD_FOR_SUPPORT', holdReason(stage, sp.onWindowEnd).zh + ' / ' + holdReason(stage, sp.onWindowEnd).en, {
          from: stage,
          to: sp.onWindowEnd,
          measureIds: state.hold.measureIds,
        });
      } else if (sp?.onWindowEnd) {
        const to = sp.onWindowEnd;
        enterStage(state, to, policy, now);
        auto('AUTO_ESCALATED', `「${STAGE_LABELS[stage].zh}」期限（${sp.window}）届满，自动转入「${STAGE_LABELS[to].zh}」 / The ${STAGE_LABELS[stage].en} window (${sp.window}) ended: moved to ${STAGE_LABELS[to].en}`, {
          from: stage,
          to,
          window: sp.window,
        });
      }
      break;
  }
  return { state, events };
}

/** The judicial stage is entered only once approved, when the policy says so (JUDICIAL). */
function awaitsApproval(state: CaseState, to: ChainStage): boolean {
  return to === 'JUDICIAL_DOCUMENT' && ruleOf(state.approvalPolicy, 'JUDICIAL') !== undefined && !state.judicialApproved;
}

/** The support-before-sanction gate: a poverty case with pending education aid does not enter JUDICIAL_DOCUMENT. */
function holdsForSupport(state: CaseState, policy: Policy, to: ChainStage): boolean {
  return policy.supportBeforeSanction === true && to === 'JUDICIAL_DOCUMENT' && state.facts.cause === 'POVERTY' && pendingAid(state).length > 0;
}

function holdReason(from: Stage, to: ChainStage): { zh: string; en: string } {
  return {
    zh: `「${STAGE_LABELS[from].zh}」期限届满，但教育资助尚在办理：按“先帮扶后惩戒”政策暂不进入「${STAGE_LABELS[to].zh}」，待资助有结果后继续`,
    en: `The ${STAGE_LABELS[from].en} window ended, but education aid is pending: by the support-before-sanction policy the case waits before ${STAGE_LABELS[to].en} until the aid is decided`,
  };
}

function gateNote(sp: ChainStagePolicy | undefined): string {
  return sp?.legalGate ? '法定环节不可跳过：' : '';
}

// ---------------------------------------------------------------------------------------------
// Events and snapshots

function emit(
  state: CaseState,
  events: CaseEvent[],
  now: number,
  e: { type: CaseEventType; actor: string; reason: string; stageBefore: Stage; data: Record<string, unknown>; automatic?: boolean },
): void {
  const seq = ++state.lastSeq;
  events.push({
    id: `${state.facts.caseId}:${seq}`,
    caseId: state.facts.caseId,
    seq,
    type: e.type,
    automatic: e.automatic ?? false,
    actor: e.actor,
    reason: e.reason,
    stageBefore: e.stageBefore,
    stageAfter: state.stage,
    occurredAt: iso(now),
    data: stripUndefined(e.data),
  });
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

export function toSnapshot(state: CaseState): CaseSnapshot {
  const deadlines = [state.actionDueAt, state.stage === 'RETURNED' && state.followUpCompleted ? undefined : state.windowEndsAt].filter(
    (t): t is number => t !== undefined,
  );
  const opt = (ms: number | undefined) => (ms === undefined ? undefined : iso(ms));
  return {
    ...state.facts,
    policyVersion: state.policyVersion,
    stage: state.stage,
    open: !isEnding(state.stage),
    paused: state.paused,
    pausedAt: opt(state.pausedAt),
    stageEnteredAt: iso(state.stageEnteredAt),
    actionDueAt: opt(state.actionDueAt),
    windowEndsAt: opt(state.windowEndsAt),
    nextDeadlineAt: state.paused || deadlines.length === 0 ? undefined : iso(Math.min(...deadlines)),
    returnedFrom: state.returnedFrom,
    followUpCompleted: state.followUpCompleted,
    assignee: state.assignee,
    allowedActions: allowedActions(state),
    lastSeq: state.lastSeq,
    endedAt: opt(state.endedAt),
    supportMeasures: (state.measures ?? []).map(({ reminded: _reminded, dueAt, addedAt, decidedAt, ...m }) =>
      stripUndefined({ ...m, dueAt: opt(dueAt), addedAt: iso(addedAt), decidedAt: opt(decidedAt) }) as unknown as SupportMeasureView,
    ),
    heldForSupport: state.hold ? holdView(state, state.hold) : undefined,
    ...(state.approvalPolicy ? { approvals: (state.approvals ?? []).map(approvalView), requestableApprovals: requestableDecisions(state) } : {}),
    transferPending: state.transfer,
  };
}

function holdView(state: CaseState, hold: NonNullable<CaseState['hold']>): SupportHold {
  return { since: iso(hold.since), to: hold.to, measureIds: hold.measureIds, reason: holdReason(state.stage, hold.to) };
}

export function isClosed(state: CaseState): boolean {
  return isEnding(state.stage);
}

function clone(state: CaseState): CaseState {
  return JSON.parse(JSON.stringify(state)) as CaseState;
}

export type { ActionResult };
