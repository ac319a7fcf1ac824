/**
 * Approvals (审批): decisions that change a case's course wait for an approver. The policy's
 * `approvals` section (policy.ts) says which decision needs which approver roles; a policy without
 * it keeps the direct actions (APPROVE_CLOSURE, EXEMPT, EXTEND_DEADLINE) exactly as before.
 *
 * Pure and sandbox-safe, like the case machine that applies these rules (case-machine.ts,
 * applyApprovalAction): here are the vocabulary, the state of a request, and what may be asked when.
 */
import type { Duration } from './policy';
import type { Label } from './vocabulary';

export const APPROVAL_DECISIONS = ['CLOSURE', 'JUDICIAL', 'EXTENSION', 'EXEMPTION'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const APPROVAL_DECISION_LABELS: Record<ApprovalDecision, Label> = {
  CLOSURE: { zh: '销号', en: 'Closure' },
  JUDICIAL: { zh: '进入司法文书环节', en: 'Entering the judicial stage' },
  EXTENSION: { zh: '超限延期', en: 'Extension beyond the policy limit' },
  EXEMPTION: { zh: '缓学/休学', en: 'Exemption (deferral or suspension)' },
};

export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const APPROVAL_STATUS_LABELS: Record<ApprovalStatus, Label> = {
  PENDING: { zh: '待审批', en: 'Pending' },
  APPROVED: { zh: '已批准', en: 'Approved' },
  REJECTED: { zh: '已驳回', en: 'Rejected' },
};

export interface ApprovalRule {
  /** Roles (src/access/roles.ts) any of whom may decide. */
  approverRoles: string[];
  /** The case's clocks stand still while the request is pending (default: they keep running). */
  pausesClocks?: boolean;
}

/** The policy's `approvals` section. */
export interface ApprovalPolicy {
  decisions: Partial<Record<ApprovalDecision, ApprovalRule>>;
  /** EXTENSION: an extension by at most this much is taken directly; beyond it needs approval (absent: every extension). */
  extensionLimit?: Duration;
  /** A request still pending this long after it was made reminds its approvers once. */
  remindAfter?: Duration;
}

/** A request in the case's state (times in ms); its id is the id of the REQUEST_APPROVAL event. */
export interface ApprovalState {
  id: string;
  decision: ApprovalDecision;
  status: ApprovalStatus;
  reason: string;
  requestedBy: string;
  requestedAt: number;
  approverRoles: string[];
  /** EXTENSION: the due date asked for. */
  newDueAt?: string;
  remindAt?: number;
  reminded: boolean;
  /** The request stopped the clocks (pausesClocks), so its decision starts them again. */
  pausedClocks: boolean;
  decidedBy?: string;
  decidedAt?: number;
  comment?: string;
  updatedSeq: number;
}

/** A request as the snapshot, the API and the read model show it. */
export interface ApprovalView extends Omit<ApprovalState, 'requestedAt' | 'remindAt' | 'decidedAt' | 'reminded' | 'pausedClocks'> {
  requestedAt: string;
  remindAt?: string;
  decidedAt?: string;
}

export function approvalView(a: ApprovalState): ApprovalView {
  const { requestedAt, remindAt, decidedAt, reminded: _reminded, pausedClocks: _paused, ...rest } = a;
  const view: ApprovalView = { ...rest, requestedAt: new Date(requestedAt).toISOString() };
  if (remindAt !== undefined) view.remindAt = new Date(remindAt).toISOString();
  if (decidedAt !== undefined) view.decidedAt = new Date(decidedAt).toISOString();
  return view;
}

export function ruleOf(approvals: ApprovalPolicy | undefined, decision: ApprovalDecision): ApprovalRule | undefined {
  return approvals?.decisions[decision];
}

export function pendingApprovals(approvals: readonly ApprovalState[] | undefined): ApprovalState[] {
  return (approvals ?? []).filter((a) => a.status === 'PENDING');
}

/** Problems of a policy's `approvals` section, each with its path (policyProblems lists them with the rest). */
export function approvalPolicyProblems(raw: unknown, roles: readonly string[], isDuration: (v: unknown) => boolean): string[] {
  if (raw === undefined) return [];
  const problems: string[] = [];
  const a = raw as Partial<ApprovalPolicy> | null;
  if (!a || typeof a !== 'object' || Array.isArray(a)) return ['approvals: an object with "decisions"'];
  if (!a.decisions || typeof a.decisions !== 'object') problems.push('approvals.decisions: required, an object by decision');
  for (const [decision, rule] of Object.entries(a.decisions ?? {})) {
    const path = `approvals.decisions.${decision}`;
    if (!(APPROVAL_DECISIONS as readonly string[]).includes(decision)) {
      problems.push(`${path}: not a decision; write ${APPROVAL_DECISIONS.join(', ')}`);
      continue;
    }
    const r = rule as Partial<ApprovalRule> | null;
    if (!r || !Array.isArray(r.approverRoles) || r.approverRoles.length === 0) problems.push(`${path}.approverRoles: name at least one role`);
    for (const role of r?.approverRoles ?? []) if (!roles.includes(role)) problems.push(`${path}.approverRoles: "${String(role)}" is not a role`);
    if (r?.pausesClocks !== undefined && typeof r.pausesClocks !== 'boolean') problems.push(`${path}.pausesClocks: true or false`);
  }
  if (a.extensionLimit !== undefined && !isDuration(a.extensionLimit)) problems.push(`approvals.extensionLimit: "${String(a.extensionLimit)}" is not a duration (3d, 15d, 36h)`);
  if (a.remindAfter !== undefined && !isDuration(a.remindAfter)) problems.push(`approvals.remindAfter: "${String(a.remindAfter)}" is not a duration (3d, 15d, 36h)`);
  return problems;
}
