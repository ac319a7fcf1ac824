/**
 * The escalation policy: typed, versioned data (windows, reminders, gates), not code.
 * The whole policy travels in the workflow input, so a running case keeps the version it
 * started with and a policy change never touches a running case's replay.
 * Pure: safe in the workflow sandbox; reading the file lives in src/policy/.
 */
import { ActionType, ACTION_TYPES, CHAIN_STAGES, ChainStage, OPEN_STAGES, OpenStage } from './vocabulary';

/** Written like `3d`, `15d`, `36h`, `30m`, `5s`, or combined: `1d12h`. */
export type Duration = string;

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
}

export interface ReturnedPolicy {
  responsible: string[];
  /** Monitoring window after a return (跟踪). */
  followUp: Duration;
  /** Closing (销号) needs an APPROVE_CLOSURE; otherwise the case closes itself when follow-up ends. */
  closureNeedsApproval: boolean;
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
    if (typeof returned.closureNeedsApproval !== 'boolean') problems.push('stages.RETURNED.closureNeedsApproval: true or false');
  }
  return problems;
}

export function stagePolicy(policy: Policy, stage: ChainStage): ChainStagePolicy {
  return policy.stages[stage];
}

export type { OpenStage };
