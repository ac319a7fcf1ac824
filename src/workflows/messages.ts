/**
 * What travels between the API, the case workflow and its activities. Defined once here; the
 * client imports the same update and query objects as the workflow.
 * No personal data: a case is known by its id, its child by an internal id, never by name or ID number.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Policy, Duration } from './policy';
import type {
  ActionType,
  Cause,
  CaseEventType,
  ChainStage,
  FinalSupportOutcome,
  Stage,
  SupportMeasure,
  SupportOutcome,
  VisitOutcome,
} from './vocabulary';
import type { WorkingDayCalendar } from './working-days';
import type { ApprovalDecision, ApprovalView } from './approvals';

export const TASK_QUEUE = 'baoxue-cases';

export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`;
}

/** Facts fixed when the case is opened. Ids and codes only. */
export interface CaseFacts {
  caseId: string;
  /** Town code. Optional: cases opened before towns existed have none (their town is their child's). */
  town?: string;
  childId: string;
  cause: Cause;
  area: string;
  school: string;
  openedAt: string;
  openedBy: string;
  note?: string;
}

// ---- human actions: the body of POST /api/cases/:id/actions, plus the actor the API adds ----

interface ActionBase {
  /** Who acts; the API fills it in. */
  actor: string;
  note?: string;
}

export type CaseAction =
  | (ActionBase & { type: 'RECORD_HOME_VISIT'; outcome: VisitOutcome; visitedOn?: string })
  | (ActionBase & { type: 'RECORD_PERSUASION'; outcome: VisitOutcome })
  | (ActionBase & { type: 'PERSUASION_REFUSED'; reason: string })
  | (ActionBase & { type: 'ISSUE_CORRECTION_ORDER'; orderNumber?: string; correctWithin?: Duration })
  | (ActionBase & { type: 'ISSUE_JUDICIAL_DOCUMENT'; documentNumber: string; issuedOn?: string })
  | (ActionBase & { type: 'REFER_LEGAL_LIABILITY'; reason: string })
  | (ActionBase & { type: 'RECORD_LEGAL_OUTCOME'; outcome: string })
  | (ActionBase & { type: 'RECORD_RETURN'; returnedOn?: string })
  | (ActionBase & { type: 'RECORD_RELAPSE'; reason: string })
  | (ActionBase & { type: 'APPROVE_CLOSURE' })
  | (ActionBase & { type: 'PAUSE'; reason: string })
  | (ActionBase & { type: 'RESUME' })
  | (ActionBase & { type: 'EXTEND_DEADLINE'; newDueAt: string; reason: string; approver: string })
  | (ActionBase & { type: 'REASSIGN'; assignee: string; reason: string })
  | (ActionBase & { type: 'ADD_NOTE'; note: string })
  | (ActionBase & { type: 'ADD_SUPPORT'; measure: SupportMeasure; owner: string; dueAt: string })
  | (ActionBase & { type: 'EXEMPT'; reason: string })
  | (ActionBase & { type: 'TRANSFER'; reason: string; newSchool: string })
  | (ActionBase & { type: 'COMPLETE'; reason: string })
  | (ActionBase & { type: 'CANCEL'; reason: string })
  | (ActionBase & { type: 'RECORD_SUPPORT_OUTCOME'; measureId: string; outcome: FinalSupportOutcome })
  | (ActionBase & { type: 'REQUEST_APPROVAL'; decision: ApprovalDecision; reason: string; newDueAt?: string })
  | (ActionBase & { type: 'APPROVE_REQUEST'; approvalId: string; comment: string })
  | (ActionBase & { type: 'REJECT_REQUEST'; approvalId: string; comment: string })
  | (ActionBase & { type: 'REQUEST_TRANSFER'; toTown: string; reason: string })
  | (ActionBase & TransferAcceptance & { type: 'ACCEPT_TRANSFER' })
  | (ActionBase & { type: 'DECLINE_TRANSFER'; reason: string });

/**
 * What the receiving town sets when it accepts a transfer: the child's place in that town (school,
 * grade, class, area). `receiving` is filled in by the API, never sent by a person: the town, the
 * child's record the API copied into the town's registry, and the town's policy (the case engine's
 * policy for new cases, which it adds), which the case follows from then on.
 */
export interface TransferAcceptance {
  area: string;
  school: string;
  grade: number;
  className: string;
  receiving?: { town: string; childId: string; policy?: Policy };
}

/** A transfer the receiving town has not answered yet (the case shows TRANSFER_PENDING). */
export interface PendingTransfer {
  fromTown?: string;
  toTown: string;
  requestedAt: string;
  requestedBy: string;
  reason: string;
  /** Seq of the REQUEST_TRANSFER event. */
  requestSeq: number;
}

export type ActionOf<T extends ActionType> = Extract<CaseAction, { type: T }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An action as a person sends it; the API adds the actor. */
export type ActionRequest = DistributiveOmit<CaseAction, 'actor'>;

// ---- the timeline ----

export interface CaseEvent {
  /** `${caseId}:${seq}`: deterministic, so a retried projection never writes a second row. */
  id: string;
  caseId: string;
  seq: number;
  type: CaseEventType;
  automatic: boolean;
  actor: string;
  /** Why: the person's reason or note, or the engine's explanation for an automatic step. */
  reason: string;
  stageBefore: Stage;
  stageAfter: Stage;
  occurredAt: string;
  /** The action's fields, or what an automatic step acted on (which due date, which stage). */
  data: Record<string, unknown>;
}

/** A support measure beside the escalation (帮扶措施): added by ADD_SUPPORT, ended by RECORD_SUPPORT_OUTCOME. */
export interface SupportMeasureView {
  /** The id of the ADD_SUPPORT event that added it (`${caseId}:${seq}`): unique and deterministic. */
  id: string;
  measure: SupportMeasure;
  /** Username of the person in charge of it. */
  owner?: string;
  dueAt?: string;
  outcome: SupportOutcome;
  addedAt: string;
  addedBy: string;
  decidedAt?: string;
  decidedBy?: string;
  note?: string;
  /** Seq of the last event that changed it: the read model never takes an older version. */
  updatedSeq: number;
}

/** Why the case waits instead of entering the next stage (the support-before-sanction gate). */
export interface SupportHold {
  since: string;
  /** The stage the case enters once the hold is released. */
  to: ChainStage;
  /** The education-aid measures it waits for. */
  measureIds: string[];
  reason: { zh: string; en: string };
}

/** The case as the workflow sees it; projected into the read model after every change. */
export interface CaseSnapshot extends CaseFacts {
  policyVersion: string;
  stage: Stage;
  open: boolean;
  paused: boolean;
  pausedAt?: string;
  stageEnteredAt: string;
  /** Due date of the stage's required action, while it is not done. */
  actionDueAt?: string;
  /** End of the stage window (or of the follow-up in RETURNED). */
  windowEndsAt?: string;
  /** The earliest of the above: what the dashboard and search attribute sort by. */
  nextDeadlineAt?: string;
  /** Stage the child left when returning; a relapse reopens at it or PERSUASION, whichever is later. */
  returnedFrom?: ChainStage;
  followUpCompleted: boolean;
  assignee?: string;
  allowedActions: ActionType[];
  lastSeq: number;
  endedAt?: string;
  /** Support measures, in the order added (absent in snapshots from before support measures: none). */
  supportMeasures?: SupportMeasureView[];
  /** Set while the support-before-sanction gate holds the case. */
  heldForSupport?: SupportHold;
  /** Requests for approval, in the order made (only under a policy with an `approvals` section). */
  approvals?: ApprovalView[];
  /** The decisions that may be requested now. */
  requestableApprovals?: ApprovalDecision[];
  /** Set while a transfer to another town waits for that town's answer (TRANSFER_PENDING). */
  transferPending?: PendingTransfer;
}

export interface CaseWorkflowInput {
  facts: CaseFacts;
  policy: Policy;
  /**
   * The holiday and adjusted-workday calendar the case counts working days with, as plain data
   * attached at start (outside the sandbox), so a replay computes the same due dates whatever
   * version of the holiday library is installed then. Absent: Monday to Friday are working days.
   */
  calendar?: WorkingDayCalendar;
  /**
   * The history length after which the workflow continues as new (default 2,000 events, well below
   * Temporal's limits). Lower for a case whose history should stay short; a test of a long-lived
   * case lowers it to cross the boundary many times. Travels on into every new run.
   */
  continueAsNewAfterEvents?: number;
  /** Set only by continue-as-new: the machine state and the events not yet projected. */
  carried?: { state: unknown; pending: CaseEvent[] };
}

/**
 * A document issued for the case (src/documents), as its timeline records it: what, which number,
 * by whom. Codes, labels and numbers only (the document's text stays in the read model).
 */
export interface IssuedDocument {
  documentId: string;
  kind: string;
  /** The kind's name: 责令限期改正通知书 / Order to correct within a deadline. */
  kindLabel: { zh: string; en: string };
  /** 文号 */
  number: string;
  /** Who issued it, as the API names actors: 谭巧玲（coordinator）. */
  issuedBy: string;
  /** The timeline step the document records. */
  basisSeq: number;
}

export interface ActionResult {
  snapshot: CaseSnapshot;
  events: CaseEvent[];
}

/** Failure types the workflow uses for refusals; the API maps them to HTTP. */
export const ACTION_NOT_ALLOWED = 'ACTION_NOT_ALLOWED';
export const INVALID_ACTION = 'INVALID_ACTION';

/** Details of an ACTION_NOT_ALLOWED refusal. */
export interface RefusalDetails {
  stage: Stage;
  paused: boolean;
  allowedActions: ActionType[];
  /** Why, for people: Chinese first, English beside it. */
  reason: { zh: string; en: string };
}

export const actUpdate = defineUpdate<ActionResult, [CaseAction]>('act');
/** Resolves once every event so far is in the read model; sent with the start, so a report reads its own write. */
export const projectedUpdate = defineUpdate<CaseSnapshot, []>('projected');
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');
/** Records an issued document in the timeline (DOCUMENT_ISSUED); the same document twice records it once. */
export const documentIssuedUpdate = defineUpdate<ActionResult, [IssuedDocument]>('documentIssued');

/** Activities the case workflow calls; implemented in src/activities. */
export interface CaseActivities {
  /** Writes the events (idempotently) and the case row (never backwards) in one transaction. */
  projectCase(batch: { snapshot: CaseSnapshot; events: CaseEvent[] }): Promise<ProjectedEvents>;
}

/**
 * What a projection answers: the events it wrote. Since v5 the projection is a local activity,
 * whose history marker keeps its result but not its input: so the history still holds every event
 * that went to the read model, as the activity's input did before (test/support/workflow-history.ts
 * compares them with the read model).
 */
export interface ProjectedEvents {
  events: CaseEvent[];
}

export function projectedEvents(events: CaseEvent[]): ProjectedEvents {
  return { events };
}
