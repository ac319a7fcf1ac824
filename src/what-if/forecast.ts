/**
 * What-if: a running case rebuilt under another policy, and its next weeks forecast, with the
 * workflow's own pure case machine (src/workflows/case-machine.ts), never a copy of its rules.
 *
 * Rebuild: openCase at the recorded start, then each recorded input at its recorded time, the
 * machine's timers that fall due before it fired first (as the workflow fires them: in nextTimer's
 * order, each at its due time). An input the policy's case would not allow then (an order to correct
 * for a case the draft has not yet brought to 批评教育) is left out and reported. Forecast: from
 * `now`, no human action, the machine's timers fired up to the horizon. What the rebuilt past holds
 * (escalations between the opening and now) is reported as week -1, "so far": under the case's own
 * policy that is its real past, under a draft the past the draft would have given it.
 */
import { CaseState, Transition, applyAction, checkAction, fireTimer, nextTimer, openCase, recordDocument } from '../workflows/case-machine';
import type { CaseEvent } from '../workflows/messages';
import { EXTENSION_MOVES_WINDOW_PATCH } from '../workflows/patches';
import type { Policy } from '../workflows/policy';
import { CHAIN_STAGES, CaseEventType, ChainStage, OPEN_STAGES, Stage, isChainStage, isEnding } from '../workflows/vocabulary';
import type { RecordedCase, RecordedStep } from './recorded-case';

const WEEK_MS = 7 * 86_400_000;
/** More timers than a case can have in years; a policy mistake must not spin. */
const MAX_TIMERS = 10_000;

/** What a forecast follows: automatic stage changes, and escalations to people (a missed due date goes to the area supervisor, then the leader). */
export const FORECAST_EVENT_TYPES = ['AUTO_ESCALATED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER'] as const satisfies readonly CaseEventType[];

export interface ForecastEvent {
  at: string;
  /** 0 = the first week from now; -1 = so far: in the case's rebuilt past, between its opening and now. */
  week: number;
  type: CaseEventType;
  stageBefore: Stage;
  stageAfter: Stage;
}

export interface CaseForecast {
  caseId: string;
  area: string;
  school: string;
  cause: string;
  /** The stage the case would be at now under this policy. */
  stageNow: Stage;
  /** ...and at the horizon, with no human action. */
  stageAtEnd: Stage;
  /** Automatic stage changes (AUTO_ESCALATED) and escalations to people, in order: the rebuilt past (week -1), then the forecast. */
  events: ForecastEvent[];
  /** The legal gate (批评教育 by default) the case waits at by the horizon for a person's decision, and since when. */
  waitsAtGate?: { stage: ChainStage; since: string };
  /** Legal gates of the case's own policy that this policy lets it cross with no decision (a draft that drops a gate). */
  crossesGates: ChainStage[];
  /** Recorded inputs this policy's case would not have allowed at their time (left out of the rebuild). */
  notApplied: Array<{ at: string; type: string }>;
  /** The earliest run's history is gone (retention): rebuilt from the state it carried, as computed under its own policy. */
  fromCarriedState: boolean;
}

export interface CaseReplay {
  state: CaseState;
  /** Every event of the rebuild and forecast, in order. */
  events: CaseEvent[];
  notApplied: RecordedStep[];
}

/** Fires the machine's timers due up to `until` (inclusive), each at its own due time. */
function advance(state: CaseState, policy: Policy, until: number, events: CaseEvent[]): CaseState {
  for (let n = 0; n < MAX_TIMERS; n++) {
    const timer = nextTimer(state, policy);
    if (!timer || timer.at > until) return state;
    const fired = fireTimer(state, timer, policy, timer.at);
    events.push(...fired.events);
    state = fired.state;
  }
  throw new Error(`case ${state.facts.caseId}: more than ${MAX_TIMERS} timers under policy ${policy.version}`);
}

/** Rebuilds the case under `policy` from its recorded inputs, then lets its timers run to `until`. */
export function replayCase(recorded: RecordedCase, policy: Policy, until: number): CaseReplay {
  const events: CaseEvent[] = [];
  const notApplied: RecordedStep[] = [];
  const { input } = recorded;
  let state: CaseState;
  if (input.carried) {
    state = input.carried.state as CaseState;
  } else {
    const opened = openCase(input.facts, policy, recorded.startedAt, input.calendar);
    state = opened.state;
    events.push(...opened.events);
  }
  for (const step of recorded.steps) {
    state = advance(state, policy, step.at - 1, events);
    let done: Transition | undefined;
    if (step.action) {
      // As the workflow ran it: behind the v6 patch only where the history had taken it (a step recorded without patch data: today's code).
      const extensionMovesWindow = () => step.patched?.includes(EXTENSION_MOVES_WINDOW_PATCH) ?? true;
      if (!checkAction(state, step.action, step.at)) done = applyAction(state, step.action, policy, step.at, { extensionMovesWindow });
    } else if (!isEnding(state.stage)) {
      done = recordDocument(state, step.document, step.at);
    }
    if (!done) {
      notApplied.push(step);
      continue;
    }
    events.push(...done.events);
    state = done.state;
  }
  state = advance(state, policy, until, events);
  return { state, events, notApplied };
}

function legalGates(policy: Policy): ChainStage[] {
  return CHAIN_STAGES.filter((s) => policy.stages[s].legalGate === true);
}

/**
 * One case's forecast under `policy` (undefined: the case's own, the one it runs under today) for
 * `weeks` weeks from `now`.
 */
export function forecastCase(recorded: RecordedCase, policy: Policy | undefined, now: number, weeks: number): CaseForecast {
  const own = recorded.input.policy;
  const used = policy ?? own;
  const end = now + weeks * WEEK_MS;
  const today = replayCase(recorded, used, now);
  const events = [...today.events];
  const state = advance(today.state, used, end - 1, events); // the horizon itself belongs to no week
  const forecast = events
    .filter((e) => (FORECAST_EVENT_TYPES as readonly CaseEventType[]).includes(e.type))
    .map((e) => {
      const at = Date.parse(e.occurredAt);
      return { at: e.occurredAt, week: at <= now ? -1 : Math.floor((at - now) / WEEK_MS), type: e.type, stageBefore: e.stageBefore, stageAfter: e.stageAfter };
    });
  const gates = legalGates(used);
  const ownGates = legalGates(own);
  return {
    caseId: recorded.caseId,
    area: recorded.input.facts.area,
    school: recorded.input.facts.school,
    cause: recorded.input.facts.cause,
    stageNow: today.state.stage,
    stageAtEnd: state.stage,
    events: forecast,
    waitsAtGate: isChainStage(state.stage) && gates.includes(state.stage) ? { stage: state.stage, since: new Date(state.stageEnteredAt).toISOString() } : undefined,
    crossesGates: forecast.filter((e) => e.week >= 0 && e.type === 'AUTO_ESCALATED' && isChainStage(e.stageBefore) && ownGates.includes(e.stageBefore)).map((e) => e.stageBefore as ChainStage),
    notApplied: today.notApplied.map((s) => ({ at: new Date(s.at).toISOString(), type: s.action?.type ?? 'DOCUMENT_ISSUED' })),
    fromCarriedState: recorded.input.carried !== undefined,
  };
}

export interface WeekRow {
  /** -1: so far (the rebuilt past, opening to now); 0..weeks-1: the weeks from now. */
  week: number;
  from: string;
  to: string;
  /** Automatic stage changes, by the stage entered. */
  escalatedTo: Partial<Record<ChainStage, number>>;
  escalations: number;
  toSupervisor: number;
  toLeader: number;
}

export interface AreaRow {
  area: string;
  cases: number;
  /** In the weeks from now (not the rebuilt past). */
  escalations: number;
  escalatedTo: Partial<Record<ChainStage, number>>;
  waitingAtGate: number;
  atEnd: Partial<Record<Stage, number>>;
}

export interface ForecastSummary {
  policyVersion: string;
  from: string;
  to: string;
  weeks: WeekRow[];
  /** Open cases per stage now and at the horizon (closed ones under their ending). */
  stages: Array<{ stage: Stage; now: number; atEnd: number }>;
  areas: AreaRow[];
  /** Cases that would escalate at least once in the period. */
  casesEscalating: number;
  casesWaitingAtGate: number;
  casesCrossingGates: number;
  cases: CaseForecast[];
}

function count<K extends string>(into: Partial<Record<K, number>>, key: K): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Totals per week, per stage and per area of the cases' forecasts. */
export function summarise(cases: CaseForecast[], policyVersion: string, now: number, weeks: number): ForecastSummary {
  const rows: WeekRow[] = [-1, ...Array.from({ length: weeks }, (_, i) => i)].map((week) => ({
    week,
    from: new Date(week < 0 ? now : now + week * WEEK_MS).toISOString(),
    to: new Date(week < 0 ? now : now + (week + 1) * WEEK_MS).toISOString(),
    escalatedTo: {},
    escalations: 0,
    toSupervisor: 0,
    toLeader: 0,
  }));
  const areas = new Map<string, AreaRow>();
  const atNow: Partial<Record<Stage, number>> = {};
  const atEnd: Partial<Record<Stage, number>> = {};
  for (const c of cases) {
    const area = areas.get(c.area) ?? { area: c.area, cases: 0, escalations: 0, escalatedTo: {}, waitingAtGate: 0, atEnd: {} };
    areas.set(c.area, area);
    area.cases++;
    if (c.waitsAtGate) area.waitingAtGate++;
    count(area.atEnd, c.stageAtEnd);
    count(atNow, c.stageNow);
    count(atEnd, c.stageAtEnd);
    for (const e of c.events) {
      const row = rows[e.week + 1];
      if (e.type === 'AUTO_ESCALATED' && isChainStage(e.stageAfter)) {
        row.escalations++;
        count(row.escalatedTo, e.stageAfter);
        if (e.week >= 0) {
          area.escalations++;
          count(area.escalatedTo, e.stageAfter);
        }
      } else if (e.type === 'ESCALATED_TO_SUPERVISOR') row.toSupervisor++;
      else if (e.type === 'ESCALATED_TO_LEADER') row.toLeader++;
    }
  }
  const stages = [...OPEN_STAGES, ...(Object.keys(atEnd).filter((s) => !(OPEN_STAGES as readonly string[]).includes(s)) as Stage[])];
  return {
    policyVersion,
    from: new Date(now).toISOString(),
    to: new Date(now + weeks * WEEK_MS).toISOString(),
    weeks: rows,
    stages: stages.map((stage) => ({ stage, now: atNow[stage] ?? 0, atEnd: atEnd[stage] ?? 0 })),
    areas: [...areas.values()].sort((a, b) => a.area.localeCompare(b.area)),
    casesEscalating: cases.filter((c) => c.events.some((e) => e.week >= 0 && e.type === 'AUTO_ESCALATED')).length,
    casesWaitingAtGate: cases.filter((c) => c.waitsAtGate).length,
    casesCrossingGates: cases.filter((c) => c.crossesGates.length > 0).length,
    cases,
  };
}

export interface WhatIf {
  weeks: number;
  /** Each case under the policy it runs under today (what happens if nothing changes). */
  current: ForecastSummary;
  /** Each case rebuilt and run under the draft. */
  draft: ForecastSummary;
  /** Cases whose forecast differs (another event, date or final stage). */
  changedCases: string[];
}

/** Current against draft, case by case. */
export function whatIf(recorded: RecordedCase[], draft: Policy, now: number, weeks: number): WhatIf {
  const current = recorded.map((r) => forecastCase(r, undefined, now, weeks));
  const underDraft = recorded.map((r) => forecastCase(r, draft, now, weeks));
  const versions = [...new Set(recorded.map((r) => r.input.policy.version))].join(', ') || '-';
  const key = (c: CaseForecast) => JSON.stringify([c.stageAtEnd, c.events.map((e) => [e.type, e.at])]);
  return {
    weeks,
    current: summarise(current, versions, now, weeks),
    draft: summarise(underDraft, draft.version, now, weeks),
    changedCases: underDraft.filter((c, i) => key(c) !== key(current[i])).map((c) => c.caseId),
  };
}
