/**
 * The what-if forecast on the pure case machine: rebuilt cases under the case's own policy and a
 * draft, dates checked against the policies' own arithmetic (working days, windows).
 */
import { loadPolicy } from '../../src/policy/load-policy';
import { forecastCase, replayCase, whatIf } from '../../src/what-if/forecast';
import type { RecordedCase } from '../../src/what-if/recorded-case';
import type { ActionRequest, CaseAction, CaseFacts } from '../../src/workflows/messages';
import type { Policy } from '../../src/workflows/policy';
import { addWorkingDays } from '../../src/workflows/working-days';

const DAY = 86_400_000;
// A Monday, 09:00 Shanghai.
const T0 = Date.parse('2026-11-02T01:00:00Z');

/** The default policy with a home-visit window of `days` working days (the stage's due as long). */
function homeVisitIn(days: number, version: string): Policy {
  const base = loadPolicy();
  return {
    ...base,
    version,
    calendar: 'WORKING',
    stages: { ...base.stages, HOME_VISIT: { ...base.stages.HOME_VISIT, due: `${days}d`, window: `${days}d` } },
  };
}
const CURRENT = homeVisitIn(10, 'test-10');
const DRAFT = homeVisitIn(5, 'test-5');

function facts(n: number, area = 'GAOPING'): CaseFacts {
  return {
    caseId: `00000000-0000-4000-8000-00000000000${n}`,
    childId: `00000000-0000-4000-8000-00000000010${n}`,
    cause: 'GUARDIAN_REFUSES',
    area,
    school: 'GULING_MIDDLE',
    openedAt: new Date(T0).toISOString(),
    openedBy: '谢勇',
  };
}

function recorded(n: number, steps: RecordedCase['steps'] = [], area?: string, startedAt = T0): RecordedCase {
  return { caseId: facts(n).caseId, input: { facts: facts(n, area), policy: CURRENT }, startedAt, steps };
}

const act = (at: number, action: ActionRequest) => ({ at, action: { actor: 'tester', ...action } as CaseAction });

describe('what-if forecast', () => {
  it('moves the home visit\'s escalation from the 10th to the 5th working day after the opening', () => {
    const now = T0 + DAY;
    const current = forecastCase(recorded(1), undefined, now, 8);
    const draft = forecastCase(recorded(1), DRAFT, now, 8);
    const toPersuasion = (events: typeof current.events) => events.find((e) => e.type === 'AUTO_ESCALATED' && e.stageAfter === 'PERSUASION');
    expect(toPersuasion(current.events)?.at).toBe(new Date(addWorkingDays(undefined, T0, 10)).toISOString());
    expect(toPersuasion(draft.events)?.at).toBe(new Date(addWorkingDays(undefined, T0, 5)).toISOString());
    // 5 working days from a Monday: 24:00 of the next Monday (Shanghai), week 0 from now.
    expect(toPersuasion(draft.events)?.at).toBe('2026-11-09T16:00:00.000Z');
    expect(toPersuasion(draft.events)?.week).toBe(0);
    expect(toPersuasion(current.events)?.week).toBe(1);
  });

  it('goes on through persuasion to the legal gate, where it waits for a person and is escalated to people, never skipped', () => {
    const draft = forecastCase(recorded(1), DRAFT, T0 + DAY, 8);
    // 5 working days, then 15 calendar days of persuasion: 批评教育 is a legal gate.
    expect(draft.events.filter((e) => e.type === 'AUTO_ESCALATED').map((e) => e.stageAfter)).toEqual(['PERSUASION', 'TOWN_CRITICISM']);
    expect(draft.stageAtEnd).toBe('TOWN_CRITICISM');
    expect(draft.waitsAtGate?.stage).toBe('TOWN_CRITICISM');
    expect(draft.events.map((e) => e.type)).toEqual(expect.arrayContaining(['ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']));
    expect(draft.crossesGates).toEqual([]);
  });

  it('reports a gate the draft drops as crossed without a decision', () => {
    const noGate: Policy = {
      ...DRAFT,
      stages: { ...DRAFT.stages, TOWN_CRITICISM: { responsible: ['TOWN_GOVERNMENT'], window: '5d', onWindowEnd: 'CORRECTION_DEADLINE' } },
    };
    const draft = forecastCase(recorded(1), noGate, T0 + DAY, 8);
    expect(draft.crossesGates).toEqual(['TOWN_CRITICISM']);
    expect(draft.waitsAtGate).toBeUndefined();
  });

  it('replays recorded actions at their times: a visit moves the case on, and an order the draft\'s case cannot take yet is left out and reported', () => {
    const visit = act(T0 + 2 * DAY, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    const order = act(T0 + 3 * DAY, { type: 'ISSUE_CORRECTION_ORDER' });
    const replay = replayCase(recorded(2, [visit]), CURRENT, T0 + 2 * DAY);
    expect(replay.state.stage).toBe('PERSUASION');
    expect(replay.state.stageEnteredAt).toBe(T0 + 2 * DAY);
    const refused = forecastCase(recorded(2, [visit, order]), DRAFT, T0 + 4 * DAY, 2);
    expect(refused.notApplied).toEqual([{ at: new Date(T0 + 3 * DAY).toISOString(), type: 'ISSUE_CORRECTION_ORDER' }]);
    expect(refused.stageNow).toBe('PERSUASION');
  });

  it('counts per week, stage and area, current beside draft, and names the cases whose forecast changed', () => {
    const returned = recorded(3, [act(T0 + DAY, { type: 'RECORD_RETURN' })], 'QIAOTING');
    const cases = [recorded(1), recorded(2, [], 'QIAOTING'), returned];
    const result = whatIf(cases, DRAFT, T0 + DAY, 2);
    expect(result.current.policyVersion).toBe('test-10');
    expect(result.draft.policyVersion).toBe('test-5');
    expect(result.draft.weeks.map((w) => w.week)).toEqual([-1, 0, 1]);
    expect(result.draft.weeks[1].escalatedTo).toEqual({ PERSUASION: 2 });
    expect(result.current.weeks[2].escalatedTo).toEqual({ PERSUASION: 2 });
    expect(result.draft.areas.map((a) => [a.area, a.cases, a.escalations])).toEqual([
      ['GAOPING', 1, 1],
      ['QIAOTING', 2, 1],
    ]);
    expect(result.draft.stages.find((s) => s.stage === 'RETURNED')).toEqual({ stage: 'RETURNED', now: 1, atEnd: 1 });
    expect(result.draft.casesEscalating).toBe(2);
    // The returned child's follow-up does not depend on the home visit: the same forecast.
    expect(result.changedCases.sort()).toEqual([cases[0].caseId, cases[1].caseId].sort());
  });

  it('puts what the rebuilt past holds in week -1: a case opened 8 working days ago has escalated under the draft already, not yet under its own policy', () => {
    const now = addWorkingDays(undefined, T0, 8);
    const current = forecastCase(recorded(1), undefined, now, 1);
    const draft = forecastCase(recorded(1), DRAFT, now, 1);
    expect(current.stageNow).toBe('HOME_VISIT');
    expect(draft.stageNow).toBe('PERSUASION');
    expect(draft.events.find((e) => e.type === 'AUTO_ESCALATED')?.week).toBe(-1);
    expect(current.events.find((e) => e.type === 'AUTO_ESCALATED')?.week).toBe(0);
  });
});
