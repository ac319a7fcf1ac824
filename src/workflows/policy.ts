/**
 * The escalation policy: typed, versioned data (windows, reminders, gates), not code.
 * The whole policy travels in the workflow input, so a running case keeps the version it
 * started with and a policy change never touches a running case's replay.
 * Pure: safe in the workflow sandbox; reading the file lives in src/policy/.
 */
import { ActionType, ACTION_TYPES, CHAIN_STAGES, ChainStage, OPEN_STAGES, OpenStage } from './vocabulary';
import { ApprovalPolicy, approvalPolicyProblems } from './approvals';
import { ROLES } from '../access/roles';

/** Written like `3d`, `15d`, `36h`, `30m`, `5s`, or combined: `1d12h`. */
export type Duration = string;

/**
 * How a window's days count: CALENDAR (every day, `3d` = 72 hours, as before) or WORKING (工作日:
 * `3d` = until 24:00 Asia/Shanghai of the 3rd working day after the start day; holidays and
 * adjusted workdays from the case's calendar, src/workflows/working-days.ts). Only durations in
 * whole days count working days; `36h` or `1d12h` is elapsed time under either calendar.
 */
export const DAY_COUNTS = ['CALENDAR', 'WORKING'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];

export interface ChainStagePolicy {
  /** Who is responsible in this stage (roles; routing to people comes from the responsibility chains). */
  responsible: string[];
  /** The action the stage exists for; overdue is escalated to people. */
  requiredAction?: ActionType;
  /** Time allowed for the required action, from stage entry. */
  due?: Duration;
  /** The stage window; when it ends the case moves to `onWindowEnd` by itself. */
  window?: Duration;
  /** When the window starts: on entering the stage (default) or once the required action is done. */
  windowStarts?: 'ON_ENTRY' | 'AFTER_REQUIRED_ACTION';
  onWindowEnd?: ChainStage;
  /** A legal gate is never crossed automatically: when its due passes, people are escalated to. */
  legalGate?: boolean;
  /** How this stage's `due` and `window` count days; default: the policy's `calendar`. */
  calendar?: DayCount;
}

export interface ReturnedPolicy {
  responsible: string[];
  /** Monitoring window after a return (跟踪). */
  followUp: Duration;
  /** Closing (销号) needs an APPROVE_CLOSURE; otherwise the case closes itself when follow-up ends. */
  closureNeedsApproval: boolean;
  /** How the follow-up counts days; default: the policy's `calendar`. */
  calendar?: DayCount;
}

export interface EscalationPolicy {
  /** Reminder this long before every due date. */
  reminderBefore: Duration;
  /** An overdue required action goes to the area supervisor this long after the due date. */
  supervisorAfter: Duration;
  /** ...and to the leader this long after the due date. */
  leaderAfter: Duration;
}

export interface Policy {
  /** Changing anything means a new version; cases keep the version they started with. */
  version: string;
  description?: string;
  escalation: EscalationPolicy;
  stages: Record<ChainStage, ChainStagePolicy> & { RETURNED: ReturnedPolicy };
  /** How windows count days unless a stage says otherwise; default CALENDAR (every policy before 2026). */
  calendar?: DayCount;
  /**
   * Support before sanction (先帮扶后惩戒): while education aid for a POVERTY case is pending, the
   * case does not enter JUDICIAL_DOCUMENT when CORRECTION_DEADLINE's window ends; it waits, says
   * why, and moves on once the aid's outcome is recorded. Default false.
   */
  supportBeforeSanction?: boolean;
  /**
   * Which decisions wait for an approver (审批: closure, the judicial stage, an extension beyond a
   * limit, an exemption) and who decides (approvals.ts). Absent: the direct actions, as before.
   */
  approvals?: ApprovalPolicy;
}

/** How a stage of the policy counts its days. */
export function dayCountOf(policy: Policy, stage: ChainStage | 'RETURNED'): DayCount {
  return policy.stages[stage].calendar ?? policy.calendar ?? 'CALENDAR';
}

const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1_000];

export function parseDuration(text: Duration): number {
  const match = typeof text === 'string' && text !== '' ? DURATION_PATTERN.exec(text.trim()) : null;
  if (!match || text.trim() === '') {
    throw new Error(`"${String(text)}" is not a duration; write it like 3d, 15d, 36h, 30m, 5s or 1d12h`);
  }
  return match.slice(1).reduce((ms, part, i) => ms + (part ? Number(part) * UNIT_MS[i] : 0), 0);
}

export function isDuration(text: unknown): text is Duration {
  return typeof text === 'string' && text.trim() !== '' && DURATION_PATTERN.test(text.trim());
}

/**
 * Checks a policy object read from a file; returns the list of problems (empty when valid).
 * Each problem names the path, so a deployment sees exactly what to fix in its file.
 */
export function policyProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const p = raw as Partial<Policy> | null;
  if (!p || typeof p !== 'object') return ['the policy must be a JSON object'];
  if (typeof p.version !== 'string' || p.version.trim() === '') problems.push('version: required, a non-empty string');
  const duration = (path: string, value: unknown, required: boolean) => {
    if (value === undefined && !required) return;
    if (!isDuration(value)) problems.push(`${path}: "${String(value)}" is not a duration (3d, 15d, 36h, 5s)`);
  };
  duration('escalation.reminderBefore', p.escalation?.reminderBefore, true);
  duration('escalation.supervisorAfter', p.escalation?.supervisorAfter, true);
  duration('escalation.leaderAfter', p.escalation?.leaderAfter, true);
  const dayCount = (path: string, value: unknown) => {
    if (value !== undefined && !(DAY_COUNTS as readonly unknown[]).includes(value)) {
      problems.push(`${path}: "${String(value)}" is not a day count; write ${DAY_COUNTS.join(' or ')}`);
    }
  };
  dayCount('calendar', p.calendar);
  if (p.supportBeforeSanction !== undefined && typeof p.supportBeforeSanction !== 'boolean') {
    problems.push('supportBeforeSanction: true or false');
  }
  problems.push(...approvalPolicyProblems(p.approvals, ROLES, isDuration));
  const stages = (p.stages ?? {}) as Record<string, Partial<ChainStagePolicy & ReturnedPolicy>>;
  for (const key of Object.keys(stages)) {
    if (!(OPEN_STAGES as readonly string[]).includes(key)) problems.push(`stages.${key}: not a stage of the chain`);
  }
  for (const stage of CHAIN_STAGES) {
    const s = stages[stage];
    const path = `stages.${stage}`;
    if (!s) {
      problems.push(`${path}: missing`);
      continue;
    }
    if (!Array.isArray(s.responsible) || s.responsible.length === 0) problems.push(`${path}.responsible: name at least one role`);
    duration(`${path}.due`, s.due, false);
    dayCount(`${path}.calendar`, s.calendar);
    duration(`${path}.window`, s.window, false);
    if (s.requiredAction !== undefined && !(ACTION_TYPES as readonly string[]).includes(s.requiredAction)) {
      problems.push(`${path}.requiredAction: "${s.requiredAction}" is not an action`);
    }
    if ((s.due === undefined) !== (s.requiredAction === undefined)) {
      problems.push(`${path}: requiredAction and due go together`);
    }
    if (s.window !== undefined && s.onWindowEnd === undefined) problems.push(`${path}.onWindowEnd: a window needs a stage to move to`);
    if (s.onWindowEnd !== undefined) {
      if (!(CHAIN_STAGES as readonly string[]).includes(s.onWindowEnd)) {
        problems.push(`${path}.onWindowEnd: "${s.onWindowEnd}" is not a stage of the chain`);
      } else if (CHAIN_STAGES.indexOf(s.onWindowEnd) <= CHAIN_STAGES.indexOf(stage)) {
        problems.push(`${path}.onWindowEnd: must move forward along the chain`);
      }
      if (s.window === undefined) problems.push(`${path}.window: onWindowEnd needs a window`);
    }
    if (s.windowStarts === 'AFTER_REQUIRED_ACTION' && s.requiredAction === undefined) {
      problems.push(`${path}.windowStarts: AFTER_REQUIRED_ACTION needs a requiredAction`);
    }
    if (s.legalGate) {
      if (s.window !== undefined || s.onWindowEnd !== undefined) {
        problems.push(`${path}: a legal gate is never crossed automatically, so it takes no window or onWindowEnd`);
      }
      if (s.requiredAction === undefined) problems.push(`${path}: a legal gate needs the requiredAction that opens it`);
    }
  }
  const returned = stages.RETURNED;
  if (!returned) {
    problems.push('stages.RETURNED: missing');
  } else {
    if (!Array.isArray(returned.responsible) || returned.responsible.length === 0) problems.push('stages.RETURNED.responsible: name at least one role');
    duration('stages.RETURNED.followUp', returned.followUp, true);
    dayCount('stages.RETURNED.calendar', returned.calendar);
    if (typeof returned.closureNeedsApproval !== 'boolean') problems.push('stages.RETURNED.closureNeedsApproval: true or false');
  }
  return problems;
}

export function stagePolicy(policy: Policy, stage: ChainStage): ChainStagePolicy {
  return policy.stages[stage];
}

export type { OpenStage };
