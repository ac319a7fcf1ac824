import { CaseState, Transition, allowedActions, applyAction, checkAction, fireTimer, nextTimer, openCase, recordDocument, toSnapshot } from '../../src/workflows/case-machine';
import { ActionRequest, CaseAction, CaseFacts } from '../../src/workflows/messages';
import { loadPolicy } from '../../src/policy/load-policy';
import { CaseEventType } from '../../src/workflows/vocabulary';

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');
const policy = loadPolicy();

const facts: CaseFacts = {
  caseId: '00000000-0000-4000-8000-000000000001',
  childId: '00000000-0000-4000-8000-000000000002',
  cause: 'GUARDIAN_REFUSES',
  area: 'GAOPING',
  school: 'GULING_MIDDLE',
  openedAt: new Date(T0).toISOString(),
  openedBy: '谢勇',
};

/** Drives the machine the way the workflow does: fires every timer due up to `until`. */
class Case {
  state!: CaseState;
  now = T0;
  types: CaseEventType[] = [];

  constructor() {
    this.take(openCase(facts, policy, T0));
  }

  private take(t: Transition): void {
    this.state = t.state;
    this.types.push(...t.events.map((e) => e.type));
  }

  act(action: ActionRequest, at = this.now): this {
    this.advance(at);
    this.take(applyAction(this.state, { actor: 'tester', ...action } as CaseAction, policy, this.now));
    return this;
  }

  advance(until: number): this {
    for (let timer = nextTimer(this.state, policy); timer && timer.at <= until; timer = nextTimer(this.state, policy)) {
      this.now = Math.max(this.now, timer.at);
      this.take(fireTimer(this.state, timer, policy, this.now));
    }
    this.now = Math.max(this.now, until);
    return this;
  }

  eventsSince(mark: number): CaseEventType[] {
    return this.types.slice(mark);
  }
}

describe('the escalation chain with the default policy', () => {
  it('opens at HOME_VISIT with the visit due in 3 days and a reminder 1 day before', () => {
    const c = new Case();
    expect(c.state.stage).toBe('HOME_VISIT');
    expect(c.types).toEqual(['CASE_OPENED']);
    expect(nextTimer(c.state, policy)).toEqual({ kind: 'ACTION_REMINDER', at: T0 + 2 * DAY });
    expect(toSnapshot(c.state).nextDeadlineAt).toBe(new Date(T0 + 3 * DAY).toISOString());
  });

  it('runs the whole chain on timers alone, stopping at the legal gate and escalating to people there', () => {
    const c = new Case().advance(T0 + 3 * DAY);
    expect(c.state.stage).toBe('PERSUASION');
    expect(c.types).toEqual(['CASE_OPENED', 'REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);

    c.advance(T0 + 18 * DAY);
    expect(c.state.stage).toBe('TOWN_CRITICISM');

    // The gate: 5 days for the order; overdue goes to people, and the case never moves by itself.
    const mark = c.types.length;
    c.advance(T0 + 200 * DAY);
    expect(c.state.stage).toBe('TOWN_CRITICISM');
    expect(c.eventsSince(mark)).toEqual(['REMINDER_SENT', 'DEADLINE_MISSED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']);
    expect(nextTimer(c.state, policy)).toBeUndefined();
  });

  it('moves from the order through the judicial document to legal liability when each window ends', () => {
    const c = new Case().advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER', correctWithin: '10d' });
    expect(c.state.stage).toBe('CORRECTION_DEADLINE');
    expect(c.state.windowEndsAt).toBe(c.now + 10 * DAY);

    c.advance(c.now + 10 * DAY);
    expect(c.state.stage).toBe('JUDICIAL_DOCUMENT');
    expect(c.state.windowEndsAt).toBeUndefined(); // the compliance window starts with the document
    c.act({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕1号' }, c.now + 2 * DAY);
    expect(c.state.windowEndsAt).toBe(c.now + 15 * DAY);
    expect(allowedActions(c.state)).not.toContain('ISSUE_JUDICIAL_DOCUMENT');

    c.advance(c.now + 15 * DAY);
    expect(c.state.stage).toBe('LEGAL_LIABILITY');
    expect(allowedActions(c.state)).not.toContain('APPROVE_CLOSURE');
    c.act({ type: 'RECORD_LEGAL_OUTCOME', outcome: '监护人受到训诫，已送学' }).act({ type: 'APPROVE_CLOSURE' });
    expect(c.state.stage).toBe('CLOSED');
    expect(toSnapshot(c.state)).toMatchObject({ open: false, allowedActions: [] });
  });

  it('the order takes the policy window when it names no deadline of its own', () => {
    const c = new Case().advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER' });
    expect(c.state.windowEndsAt).toBe(c.now + 15 * DAY);
  });

  it('a home visit that finds the child still out moves the case to persuasion at once', () => {
    const c = new Case().act({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' }, T0 + DAY);
    expect(c.state.stage).toBe('PERSUASION');
    expect(c.state.windowEndsAt).toBe(T0 + DAY + 15 * DAY);
  });

  it('persuasion refused moves to town criticism at once', () => {
    const c = new Case().advance(T0 + 3 * DAY).act({ type: 'PERSUASION_REFUSED', reason: '家长拒绝' });
    expect(c.state.stage).toBe('TOWN_CRITICISM');
  });

  it.each(['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'] as const)(
    'a return from %s starts the 30-day follow-up, after which the coordinator closes the case',
    (stage) => {
      const c = new Case();
      const reach: Record<string, () => void> = {
        HOME_VISIT: () => undefined,
        PERSUASION: () => c.advance(T0 + 3 * DAY),
        TOWN_CRITICISM: () => c.advance(T0 + 18 * DAY),
        CORRECTION_DEADLINE: () => c.advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER' }),
        JUDICIAL_DOCUMENT: () => c.advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER' }).advance(T0 + 33 * DAY),
        LEGAL_LIABILITY: () =>
          c.advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER' }).advance(T0 + 33 * DAY).act({ type: 'REFER_LEGAL_LIABILITY', reason: '情节严重' }),
      };
      reach[stage]();
      expect(c.state.stage).toBe(stage);
      c.act({ type: 'RECORD_RETURN' });
      expect(c.state).toMatchObject({ stage: 'RETURNED', returnedFrom: stage });
      expect(allowedActions(c.state)).not.toContain('APPROVE_CLOSURE');
      c.advance(c.now + 30 * DAY);
      expect(c.types.at(-1)).toBe('FOLLOW_UP_COMPLETED');
      expect(allowedActions(c.state)).toContain('APPROVE_CLOSURE');
      c.act({ type: 'APPROVE_CLOSURE' });
      expect(c.state.stage).toBe('CLOSED');
    },
  );

  it('a relapse reopens at PERSUASION, or at the stage the child left when that is later', () => {
    const early = new Case().act({ type: 'RECORD_RETURN' }, T0 + DAY).act({ type: 'RECORD_RELAPSE', reason: '又不去了' });
    expect(early.state.stage).toBe('PERSUASION');

    const late = new Case().advance(T0 + 18 * DAY).act({ type: 'ISSUE_CORRECTION_ORDER' }).act({ type: 'RECORD_RETURN' });
    late.act({ type: 'RECORD_RELAPSE', reason: '又不去了' }, late.now + 5 * DAY);
    expect(late.state.stage).toBe('CORRECTION_DEADLINE');
    expect(late.state.windowEndsAt).toBe(late.now + 15 * DAY);
  });

  it('pause stops the clocks and resume keeps the remaining time', () => {
    const c = new Case().act({ type: 'PAUSE', reason: '住院' }, T0 + DAY);
    expect(nextTimer(c.state, policy)).toBeUndefined();
    expect(toSnapshot(c.state).nextDeadlineAt).toBeUndefined();
    expect(allowedActions(c.state)).toEqual(expect.arrayContaining(['RESUME', 'RECORD_RETURN', 'CANCEL']));
    expect(allowedActions(c.state)).not.toContain('RECORD_HOME_VISIT');

    c.advance(T0 + 40 * DAY).act({ type: 'RESUME' });
    expect(c.state.stage).toBe('HOME_VISIT');
    expect(c.state.actionDueAt).toBe(T0 + 40 * DAY + 2 * DAY); // 2 of the 3 days were left
    c.advance(T0 + 42 * DAY);
    expect(c.state.stage).toBe('PERSUASION');
  });

  it('an extension moves the current due date, with reason and approver, and re-arms its reminder', () => {
    const c = new Case().advance(T0 + 18 * DAY).advance(T0 + 23 * DAY); // order overdue at the gate
    expect(c.state.sent.missed).toBe(true);
    const newDue = new Date(T0 + 30 * DAY).toISOString();
    c.act({ type: 'EXTEND_DEADLINE', newDueAt: newDue, reason: '负责人出差', approver: '谭巧玲' });
    expect(c.state.actionDueAt).toBe(T0 + 30 * DAY);
    expect(nextTimer(c.state, policy)).toEqual({ kind: 'ACTION_REMINDER', at: T0 + 29 * DAY });
  });

  it('an extension of the home visit moves the stage window by as much, so the case escalates at the new end (patch v6)', () => {
    const c = new Case().act({ type: 'EXTEND_DEADLINE', newDueAt: new Date(T0 + 5 * DAY).toISOString(), reason: '家长外出', approver: '谭巧玲' }, T0 + DAY);
    expect(c.state).toMatchObject({ actionDueAt: T0 + 5 * DAY, windowEndsAt: T0 + 5 * DAY });
    const mark = c.types.length;
    c.advance(T0 + 5 * DAY - 1);
    expect(c.state.stage).toBe('HOME_VISIT');
    c.advance(T0 + 5 * DAY);
    expect(c.eventsSince(mark)).toEqual(['REMINDER_SENT', 'DEADLINE_MISSED', 'AUTO_ESCALATED']);

    // A window longer than the due date keeps its distance: due 3 d, window 10 d, due moved by 2 d.
    const long = { ...policy, stages: { ...policy.stages, HOME_VISIT: { ...policy.stages.HOME_VISIT, window: '10d' } } };
    const opened = openCase(facts, long, T0).state;
    const extend: CaseAction = { type: 'EXTEND_DEADLINE', actor: 'x', newDueAt: new Date(T0 + 5 * DAY).toISOString(), reason: 'r', approver: 'a' };
    const moved = applyAction(opened, extend, long, T0 + DAY);
    expect(moved.state).toMatchObject({ actionDueAt: T0 + 5 * DAY, windowEndsAt: T0 + 12 * DAY, sent: { windowReminder: false } });
    expect(moved.events[0].data).toMatchObject({ windowEndsAt: new Date(T0 + 12 * DAY).toISOString(), previousWindowEndsAt: new Date(T0 + 10 * DAY).toISOString() });
    // Histories from before v6 (the workflow's patch answers false) keep the old window.
    expect(applyAction(opened, extend, long, T0 + DAY, { extensionMovesWindow: () => false }).state.windowEndsAt).toBe(T0 + 10 * DAY);
  });

  it('an issued document is a step of the timeline, recorded once per document, that moves no stage or clock', () => {
    const c = new Case();
    const doc = { documentId: 'd-1', kind: 'ENROLMENT_NOTICE', kindLabel: { zh: '义务教育入学通知书', en: 'Compulsory education enrolment notice' }, number: '故陵府教〔2026〕1号', issuedBy: '谢勇（principal）', basisSeq: 1 };
    const first = recordDocument(c.state, doc, T0 + 1000);
    expect(first.events).toEqual([
      expect.objectContaining({
        seq: 2,
        type: 'DOCUMENT_ISSUED',
        actor: '谢勇（principal）',
        automatic: false,
        stageBefore: 'HOME_VISIT',
        stageAfter: 'HOME_VISIT',
        occurredAt: new Date(T0 + 1000).toISOString(),
        reason: '已出具《义务教育入学通知书》（故陵府教〔2026〕1号） / Issued: Compulsory education enrolment notice (故陵府教〔2026〕1号)',
        data: { documentId: 'd-1', kind: 'ENROLMENT_NOTICE', number: '故陵府教〔2026〕1号', basisSeq: 1 },
      }),
    ]);
    expect(nextTimer(first.state, policy)).toEqual(nextTimer(c.state, policy));
    expect(recordDocument(first.state, doc, T0 + 2000)).toEqual({ state: first.state, events: [] });
    expect(recordDocument(first.state, { ...doc, documentId: 'd-2' }, T0 + 2000).events.map((e) => e.seq)).toEqual([3]);
  });

  it('refuses an extension to a date that is not later than the current one', () => {
    const c = new Case();
    const refusal = checkAction(c.state, { type: 'EXTEND_DEADLINE', actor: 'x', newDueAt: new Date(T0 + DAY).toISOString(), reason: 'r', approver: 'a' }, T0);
    expect(refusal).toMatchObject({ type: 'INVALID_ACTION' });
    expect(refusal?.zh).toMatch(/必须晚于原期限/);
  });

  it.each([
    ['EXEMPT', 'EXEMPTED'],
    ['TRANSFER', 'TRANSFERRED'],
    ['COMPLETE', 'COMPLETED'],
    ['CANCEL', 'CANCELLED'],
  ] as const)('%s ends the case as %s from any open stage', (type, ending) => {
    const c = new Case().advance(T0 + 3 * DAY).act({ type, reason: '经核实', newSchool: '云阳中学' } as never);
    expect(c.state.stage).toBe(ending);
    expect(nextTimer(c.state, policy)).toBeUndefined();
  });

  it('refuses an action the stage does not allow, naming the actions that are allowed', () => {
    const c = new Case();
    const refusal = checkAction(c.state, { type: 'ISSUE_JUDICIAL_DOCUMENT', actor: 'x', documentNumber: '1' }, T0);
    expect(refusal?.type).toBe('ACTION_NOT_ALLOWED');
    expect(refusal?.en).toContain('RECORD_HOME_VISIT');
    expect(refusal?.zh).toContain('家访');
  });

  it('notes, reassignments and support measures are recorded without moving the case', () => {
    const c = new Case()
      .act({ type: 'ADD_NOTE', note: '电话联系家长' })
      .act({ type: 'REASSIGN', assignee: '吴家俊', reason: '驻村干部调整' })
      .act({ type: 'ADD_SUPPORT', measure: 'TUTORING', owner: 'principal', dueAt: '2099-01-01T00:00:00Z' });
    expect(c.state.stage).toBe('HOME_VISIT');
    expect(c.state.assignee).toBe('吴家俊');
    expect(c.state.actionDueAt).toBe(T0 + 3 * DAY);
  });

  it('numbers events densely so the projection can write them idempotently', () => {
    const c = new Case().act({ type: 'ADD_NOTE', note: 'a' }).advance(T0 + 3 * DAY);
    const t = openCase(facts, policy, T0);
    expect(t.events[0].id).toBe(`${facts.caseId}:1`);
    expect(c.state.lastSeq).toBe(c.types.length);
  });
});

describe('a policy whose follow-up closes by itself', () => {
  it('closes the case when follow-up ends', () => {
    const autoClose = JSON.parse(JSON.stringify(policy));
    autoClose.stages.RETURNED.closureNeedsApproval = false;
    let { state } = openCase(facts, autoClose, T0);
    state = applyAction(state, { type: 'RECORD_RETURN', actor: 'x' }, autoClose, T0).state;
    const timer = nextTimer(state, autoClose)!;
    const fired = fireTimer(state, timer, autoClose, timer.at);
    expect(fired.state.stage).toBe('CLOSED');
    expect(fired.events.map((e) => e.type)).toEqual(['FOLLOW_UP_COMPLETED', 'APPROVE_CLOSURE']);
    expect(fired.events.every((e) => e.automatic)).toBe(true);
  });
});
