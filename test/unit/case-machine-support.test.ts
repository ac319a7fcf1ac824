/**
 * The case machine's support measures, the support-before-sanction gate and working-day windows
 * (src/workflows/case-machine.ts), driven with plain numbers as the workflow drives it.
 */
import { CaseState, Transition, allowedActions, applyAction, checkAction, fireTimer, nextTimer, openCase, toSnapshot } from '../../src/workflows/case-machine';
import { ActionRequest, CaseAction, CaseEvent, CaseFacts } from '../../src/workflows/messages';
import { loadPolicy } from '../../src/policy/load-policy';
import { holidayCalendar } from '../../src/policy/holiday-calendar';
import { Policy } from '../../src/workflows/policy';
import { Cause } from '../../src/workflows/vocabulary';
import { WorkingDayCalendar } from '../../src/workflows/working-days';

const DAY = 86_400_000;
const policy = loadPolicy();
const T0 = Date.parse('2026-09-01T09:00:00+08:00');

function facts(cause: Cause): CaseFacts {
  return { caseId: '00000000-0000-4000-8000-000000000009', childId: 'child', cause, area: 'GAOPING', school: 'GULING_MIDDLE', openedAt: new Date(T0).toISOString(), openedBy: '谢勇' };
}

class Case {
  state!: CaseState;
  now: number;
  events: CaseEvent[] = [];

  constructor(cause: Cause = 'POVERTY', readonly p: Policy = policy, calendar?: WorkingDayCalendar, start = T0) {
    this.now = start;
    this.take(openCase(facts(cause), p, start, calendar));
  }

  private take(t: Transition): void {
    this.state = t.state;
    this.events.push(...t.events);
  }

  act(action: ActionRequest, at = this.now): this {
    this.advance(at);
    this.take(applyAction(this.state, { actor: '测试员（tester）', ...action } as CaseAction, this.p, this.now));
    return this;
  }

  advance(until: number): this {
    for (let t = nextTimer(this.state, this.p); t && t.at <= until; t = nextTimer(this.state, this.p)) {
      this.now = Math.max(this.now, t.at);
      this.take(fireTimer(this.state, t, this.p, this.now));
    }
    this.now = Math.max(this.now, until);
    return this;
  }

  get types() {
    return this.events.map((e) => e.type);
  }

  last(type: string): CaseEvent {
    return [...this.events].reverse().find((e) => e.type === type)!;
  }

  /** HOME_VISIT → PERSUASION → TOWN_CRITICISM → order issued: CORRECTION_DEADLINE with 15 days. */
  toCorrectionDeadline(): this {
    return this.act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })
      .act({ type: 'PERSUASION_REFUSED', reason: '拒绝' })
      .act({ type: 'ISSUE_CORRECTION_ORDER', orderNumber: '故府责改〔2026〕1号' });
  }
}

const aid = (dueAt: string): ActionRequest => ({ type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt, note: '申请资助' });

describe('support measures', () => {
  it('gives each measure an id, owner, due date and PENDING outcome, shown in the snapshot', () => {
    const c = new Case().act(aid('2026-09-20T17:00:00+08:00'));
    const added = c.last('ADD_SUPPORT');
    expect(added.data).toMatchObject({ measure: 'EDUCATION_AID', owner: 'officer', measureId: added.id });
    expect(toSnapshot(c.state).supportMeasures).toEqual([
      expect.objectContaining({ id: added.id, measure: 'EDUCATION_AID', owner: 'officer', dueAt: '2026-09-20T09:00:00.000Z', outcome: 'PENDING', addedBy: '测试员（tester）' }),
    ]);
    expect(allowedActions(c.state)).toContain('RECORD_SUPPORT_OUTCOME');
  });

  it('never stops the clock by itself: the home visit is still due in 3 days', () => {
    const c = new Case().act(aid('2026-09-20T17:00:00+08:00'));
    expect(c.state.actionDueAt).toBe(T0 + 3 * DAY);
    c.advance(T0 + 3 * DAY);
    expect(c.state.stage).toBe('PERSUASION');
  });

  it('reminds the owner once when the due date passes without an outcome', () => {
    const c = new Case('LEARNING_DIFFICULTY').act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'teacher', dueAt: new Date(T0 + DAY).toISOString() });
    c.advance(T0 + DAY + 1);
    const reminder = c.events.find((e) => e.type === 'REMINDER_SENT' && e.data.deadline === 'supportDueAt')!;
    expect(reminder).toMatchObject({ automatic: true, occurredAt: new Date(T0 + DAY).toISOString(), data: { owner: 'teacher', measure: 'TUTORING' } });
    expect(reminder.reason).toContain('teacher');
    c.advance(T0 + 2 * DAY + 1);
    expect(c.events.filter((e) => e.data.deadline === 'supportDueAt')).toHaveLength(1);
  });

  it('leaves the measure\u2019s due date out of the timers when the workflow says its patch is not there (old histories)', () => {
    const c = new Case('LEARNING_DIFFICULTY').act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'teacher', dueAt: new Date(T0 + DAY).toISOString() });
    expect(nextTimer(c.state, policy)).toMatchObject({ kind: 'SUPPORT_DUE', at: T0 + DAY });
    expect(nextTimer(c.state, policy, { supportReminders: false })).toMatchObject({ kind: 'ACTION_REMINDER', at: T0 + 2 * DAY });
  });

  it('records an outcome the measure allows, once, and refuses others with the allowed list', () => {
    const c = new Case().act(aid('2026-09-20T17:00:00+08:00'));
    const id = c.last('ADD_SUPPORT').id;
    const wrong = checkAction(c.state, { type: 'RECORD_SUPPORT_OUTCOME', actor: 'x', measureId: id, outcome: 'DELIVERED' }, c.now);
    expect(wrong).toMatchObject({ type: 'INVALID_ACTION', en: 'the outcome of EDUCATION_AID is one of GRANTED, REFUSED, NOT_ELIGIBLE' });
    expect(checkAction(c.state, { type: 'RECORD_SUPPORT_OUTCOME', actor: 'x', measureId: 'nope', outcome: 'GRANTED' }, c.now)?.en).toContain('no support measure nope');
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: id, outcome: 'GRANTED', note: '已发放' });
    expect(toSnapshot(c.state).supportMeasures![0]).toMatchObject({ outcome: 'GRANTED', decidedBy: '测试员（tester）', note: '已发放' });
    expect(allowedActions(c.state)).not.toContain('RECORD_SUPPORT_OUTCOME');
  });

  it('home-delivered education DELIVERED counts as enrolled: the case moves to RETURNED with follow-up', () => {
    const c = new Case('DISABILITY').act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    c.act({ type: 'ADD_SUPPORT', measure: 'HOME_DELIVERED_EDUCATION', owner: 'principal', dueAt: '2026-09-30T17:00:00+08:00' });
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: c.last('ADD_SUPPORT').id, outcome: 'DELIVERED' });
    expect(c.last('RECORD_SUPPORT_OUTCOME')).toMatchObject({ stageBefore: 'PERSUASION', stageAfter: 'RETURNED' });
    expect(c.state).toMatchObject({ stage: 'RETURNED', returnedFrom: 'PERSUASION', windowEndsAt: c.now + 30 * DAY });
  });
});

describe('support before sanction', () => {
  it('holds a poverty case with pending aid at the end of CORRECTION_DEADLINE, says why, and shows the hold', () => {
    const c = new Case().act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    const end = c.state.windowEndsAt!;
    c.advance(end + 10 * DAY);
    expect(c.state.stage).toBe('CORRECTION_DEADLINE');
    const held = c.last('HELD_FOR_SUPPORT');
    expect(held).toMatchObject({ automatic: true, actor: 'system', occurredAt: new Date(end).toISOString(), data: { from: 'CORRECTION_DEADLINE', to: 'JUDICIAL_DOCUMENT' } });
    expect(held.reason).toContain('先帮扶后惩戒');
    expect(held.reason).toContain('support-before-sanction');
    const snapshot = toSnapshot(c.state);
    expect(snapshot.heldForSupport).toMatchObject({ since: new Date(end).toISOString(), to: 'JUDICIAL_DOCUMENT', measureIds: [c.last('ADD_SUPPORT').id] });
    expect(snapshot.windowEndsAt).toBeUndefined();
    expect(c.types).not.toContain('AUTO_ESCALATED');
  });

  it('releases when the aid is decided: RELEASED, then the held escalation into JUDICIAL_DOCUMENT', () => {
    const c = new Case().act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    c.advance(c.state.windowEndsAt! + 2 * DAY);
    const mark = c.events.length;
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: c.last('ADD_SUPPORT').id, outcome: 'NOT_ELIGIBLE' });
    expect(c.events.slice(mark).map((e) => [e.type, e.stageBefore, e.stageAfter])).toEqual([
      ['RECORD_SUPPORT_OUTCOME', 'CORRECTION_DEADLINE', 'CORRECTION_DEADLINE'],
      ['RELEASED', 'CORRECTION_DEADLINE', 'CORRECTION_DEADLINE'],
      ['AUTO_ESCALATED', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT'],
    ]);
    expect(c.state.actionDueAt).toBe(c.now + 7 * DAY);
    expect(toSnapshot(c.state).heldForSupport).toBeUndefined();
  });

  it('waits for every pending aid, not only the first', () => {
    const c = new Case().act(aid('2026-12-31T17:00:00+08:00')).act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    const [first, second] = c.events.filter((e) => e.type === 'ADD_SUPPORT').map((e) => e.id);
    c.advance(c.state.windowEndsAt! + DAY);
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: first, outcome: 'GRANTED' });
    expect(c.state.stage).toBe('CORRECTION_DEADLINE');
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: second, outcome: 'REFUSED' });
    expect(c.state.stage).toBe('JUDICIAL_DOCUMENT');
  });

  it('does not hold when the aid was decided in time, for another cause, for tutoring, or with the switch off', () => {
    const decided = new Case().act(aid('2026-12-31T17:00:00+08:00'));
    decided.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: decided.last('ADD_SUPPORT').id, outcome: 'GRANTED' }).toCorrectionDeadline();
    const otherCause = new Case('GUARDIAN_REFUSES').act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    const tutoring = new Case().act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'teacher', dueAt: '2026-12-31T17:00:00+08:00' }).toCorrectionDeadline();
    const switchedOff = new Case('POVERTY', { ...policy, supportBeforeSanction: false }).act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    for (const c of [decided, otherCause, tutoring, switchedOff]) {
      c.advance(c.state.windowEndsAt!);
      expect(c.state.stage).toBe('JUDICIAL_DOCUMENT');
      expect(c.types).not.toContain('HELD_FOR_SUPPORT');
    }
  });

  it('a return during the hold ends it: the case goes to RETURNED, not to the judicial step', () => {
    const c = new Case().act(aid('2026-12-31T17:00:00+08:00')).toCorrectionDeadline();
    c.advance(c.state.windowEndsAt! + DAY);
    c.act({ type: 'RECORD_RETURN' });
    expect(toSnapshot(c.state)).toMatchObject({ stage: 'RETURNED' });
    expect(toSnapshot(c.state).heldForSupport).toBeUndefined();
    c.act({ type: 'RECORD_SUPPORT_OUTCOME', measureId: c.last('ADD_SUPPORT').id, outcome: 'GRANTED' });
    expect(c.state.stage).toBe('RETURNED');
    expect(c.types).not.toContain('RELEASED');
  });
});

describe('working-day windows', () => {
  const calendar = holidayCalendar(new Date('2026-01-05T00:00:00+08:00'));
  const working: Policy = { ...policy, version: 'test-working.1', calendar: 'WORKING' };

  it('a working-day policy spans National Day 2026: the 3-day home visit opened Tuesday 09-29 is due at 24:00 on 10-09', () => {
    const start = Date.parse('2026-09-29T10:00:00+08:00');
    const c = new Case('GUARDIAN_REFUSES', working, calendar, start);
    // 09-30 (1), 10-01..07 off, 10-08 (2), 10-09 (3).
    expect(new Date(c.state.actionDueAt!).toISOString()).toBe('2026-10-09T16:00:00.000Z');
    c.advance(Date.parse('2026-10-09T16:00:00Z') - 1);
    expect(c.state.stage).toBe('HOME_VISIT');
    c.advance(Date.parse('2026-10-09T16:00:00Z'));
    expect(c.state.stage).toBe('PERSUASION');
  });

  it('a stage can count working days while the policy counts calendar days, and its due date counts working days', () => {
    const mixed: Policy = { ...policy, stages: { ...policy.stages, TOWN_CRITICISM: { ...policy.stages.TOWN_CRITICISM, calendar: 'WORKING' } } };
    const start = Date.parse('2026-02-10T09:00:00+08:00');
    const c = new Case('GUARDIAN_REFUSES', mixed, calendar, start).act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' });
    expect(c.state.windowEndsAt).toBe(start + 15 * DAY); // persuasion: calendar days
    c.act({ type: 'PERSUASION_REFUSED', reason: '拒绝' }, Date.parse('2026-02-12T09:00:00+08:00'));
    // Thursday 02-12 + 5 working days: Fri 13 (1), Sat 14 worked (2), Spring Festival 15..23, Tue 24 (3), Wed 25 (4), Thu 26 (5).
    expect(new Date(c.state.actionDueAt!).toISOString()).toBe('2026-02-26T16:00:00.000Z');
  });

  it('keeps calendar days exactly as before for a policy that says nothing (guling-2023.1)', () => {
    const old = loadPolicy(`${__dirname}/../../policies/guling-2023.1.json`);
    const c = new Case('GUARDIAN_REFUSES', old, calendar, Date.parse('2026-09-29T10:00:00+08:00'));
    expect(c.state.actionDueAt).toBe(Date.parse('2026-09-29T10:00:00+08:00') + 3 * DAY);
  });
});
