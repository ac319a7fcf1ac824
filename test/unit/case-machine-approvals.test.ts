/**
 * Approvals in the pure case machine (src/workflows/approvals.ts, case-machine.ts) and the policy's
 * `approvals` section: what a policy without it keeps, what may be asked when, and the refusals.
 */
import { applyAction, checkAction, fireTimer, nextTimer, openCase, toSnapshot } from '../../src/workflows/case-machine';
import { CaseAction, CaseFacts } from '../../src/workflows/messages';
import { loadPolicy } from '../../src/policy/load-policy';
import { policyProblems } from '../../src/workflows/policy';

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T09:00:00+08:00');
const plain = loadPolicy();
const approvals = loadPolicy(`${__dirname}/../../policies/guling-2026.2-approvals.json`);
const facts: CaseFacts = { caseId: '00000000-0000-4000-8000-00000000000a', childId: 'child', cause: 'GUARDIAN_REFUSES', area: 'GAOPING', school: 'GULING_MIDDLE', openedAt: new Date(T0).toISOString(), openedBy: '谢勇' };
const actor = '测试员（tester）';

function returnedAndFollowedUp(policy = approvals) {
  let state = openCase(facts, policy, T0).state;
  state = applyAction(state, { type: 'RECORD_RETURN', actor } as CaseAction, policy, T0 + 1000).state;
  const timer = nextTimer(state, policy)!;
  return fireTimer(state, timer, policy, timer.at).state;
}

describe('the policy’s approvals section', () => {
  it('is checked with every problem named by its path', () => {
    const bad = { ...plain, approvals: { remindAfter: 'soon', extensionLimit: 3, decisions: { CLOSURE: { approverRoles: [] }, JUDICIAL: { approverRoles: ['MAYOR'] }, SALE: { approverRoles: ['LEADER'] }, EXEMPTION: { approverRoles: ['LEADER'], pausesClocks: 'yes' } } } };
    expect(policyProblems(bad)).toEqual([
      'approvals.decisions.CLOSURE.approverRoles: name at least one role',
      'approvals.decisions.JUDICIAL.approverRoles: "MAYOR" is not a role',
      'approvals.decisions.SALE: not a decision; write CLOSURE, JUDICIAL, EXTENSION, EXEMPTION',
      'approvals.decisions.EXEMPTION.pausesClocks: true or false',
      'approvals.extensionLimit: "3" is not a duration (3d, 15d, 36h)',
      'approvals.remindAfter: "soon" is not a duration (3d, 15d, 36h)',
    ]);
    expect(policyProblems(approvals)).toEqual([]);
  });
});

describe('approvals in the case machine', () => {
  it('a policy without the section keeps the direct actions and offers no request', () => {
    const state = returnedAndFollowedUp(plain);
    const snapshot = toSnapshot(state);
    expect(snapshot.allowedActions).toContain('APPROVE_CLOSURE');
    expect(snapshot.allowedActions).not.toContain('REQUEST_APPROVAL');
    expect(snapshot).not.toHaveProperty('approvals');
    expect(state).not.toHaveProperty('approvalPolicy');
  });

  it('with the section the gated direct actions are gone and the fitting decisions may be requested', () => {
    const opened = openCase(facts, approvals, T0).state;
    expect(toSnapshot(opened).allowedActions).not.toContain('EXEMPT');
    expect(toSnapshot(opened).requestableApprovals).toEqual(['EXTENSION', 'EXEMPTION']);
    const followedUp = toSnapshot(returnedAndFollowedUp());
    expect(followedUp.allowedActions).not.toContain('APPROVE_CLOSURE');
    expect(followedUp.requestableApprovals).toEqual(['CLOSURE', 'EXTENSION', 'EXEMPTION']); // EXTENSION as EXTEND_DEADLINE is offered there today
  });

  it('refuses a request the case is not ready for, an extension request without its date, and a decision on no pending request', () => {
    const opened = openCase(facts, approvals, T0).state;
    const ask = (a: Record<string, unknown>) => checkAction(opened, { type: 'REQUEST_APPROVAL', actor, reason: '理由', ...a } as CaseAction, T0);
    expect(ask({ decision: 'CLOSURE' })).toMatchObject({ type: 'INVALID_ACTION', en: expect.stringContaining('requestable: EXTENSION, EXEMPTION') });
    expect(ask({ decision: 'EXTENSION' })).toMatchObject({ type: 'INVALID_ACTION', zh: '超限延期须写明新期限' });
    expect(ask({ decision: 'EXEMPTION', newDueAt: new Date(T0 + DAY).toISOString() })).toMatchObject({ type: 'INVALID_ACTION' });
    expect(checkAction(opened, { type: 'APPROVE_REQUEST', actor, approvalId: 'x:1', comment: '同意' }, T0)).toMatchObject({ type: 'ACTION_NOT_ALLOWED' });
  });

  it('an extension within the limit is direct, beyond it is refused with the way to ask', () => {
    const opened = openCase(facts, approvals, T0).state;
    const extend = (days: number) => checkAction(opened, { type: 'EXTEND_DEADLINE', actor, newDueAt: new Date(opened.actionDueAt! + days * DAY).toISOString(), reason: '外出', approver: '王军（deputy）' }, T0);
    expect(extend(7)).toBeUndefined();
    expect(extend(8)).toMatchObject({ type: 'ACTION_NOT_ALLOWED', zh: expect.stringContaining('须先提请审批') });
  });

  it('a pending request is reminded once, even while its clocks stand still', () => {
    let state = openCase(facts, approvals, T0).state;
    state = applyAction(state, { type: 'REQUEST_APPROVAL', actor, decision: 'EXEMPTION', reason: '因病休学' } as CaseAction, approvals, T0).state;
    expect(state.paused).toBe(true);
    const timer = nextTimer(state, approvals)!;
    expect(timer).toMatchObject({ kind: 'APPROVAL_DUE', at: T0 + 2 * DAY });
    const fired = fireTimer(state, timer, approvals, timer.at);
    expect(fired.events.map((e) => [e.type, e.data.deadline])).toEqual([['REMINDER_SENT', 'approvalRemindAt']]);
    expect(nextTimer(fired.state, approvals)).toBeUndefined();
    // Without the v7 guard the workflow leaves the timer out (test/replay/patch.test.ts).
    expect(nextTimer(state, approvals, { approvalReminders: false })).toBeUndefined();
  });
});
