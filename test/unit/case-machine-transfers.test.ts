/** Transfers between towns in the pure case machine (src/workflows/case-machine.ts): which steps a case allows and what each does. */
import { allowedActions, applyAction, checkAction, fireTimer, nextTimer, openCase, CaseState } from '../../src/workflows/case-machine';
import type { ActionRequest, CaseAction, CaseFacts } from '../../src/workflows/messages';
import type { Policy } from '../../src/workflows/policy';
import { loadPolicy } from '../../src/policy/load-policy';

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');
const guling = loadPolicy();
const xinhe: Policy = { ...guling, version: 'xinhe.1', stages: { ...guling.stages, HOME_VISIT: { ...guling.stages.HOME_VISIT, due: '6d', window: '6d' } } };

const facts: CaseFacts = {
  caseId: '00000000-0000-4000-8000-000000000001',
  town: 'GULING',
  childId: '00000000-0000-4000-8000-000000000002',
  cause: 'POVERTY',
  area: 'GAOPING',
  school: 'GULING_MIDDLE',
  openedAt: new Date(T0).toISOString(),
  openedBy: '谢勇',
};

const act = (state: CaseState, action: ActionRequest, at: number) => applyAction(state, { actor: '谭巧玲（coordinator）', ...action } as CaseAction, guling, at);
const accept = (town = 'XINHE') => ({ type: 'ACCEPT_TRANSFER', area: 'GAOPING', school: 'XINHE_SCHOOL', grade: 8, className: '八年级一班', receiving: { town, childId: 'c2', policy: xinhe } }) as const;

describe('transfers in the case machine', () => {
  it('is not asked while a request for approval waits (it is decided where it was asked); accepted, the case follows the receiving town’s approval rules', () => {
    const withApprovals = loadPolicy(`${__dirname}/../../policies/guling-2026.2-approvals.json`);
    const open = openCase(facts, withApprovals, T0).state;
    expect(allowedActions(open)).toContain('REQUEST_TRANSFER');
    const waiting = applyAction(open, { actor: '谭巧玲（coordinator）', type: 'REQUEST_APPROVAL', decision: 'EXEMPTION', reason: '因病休学' } as CaseAction, withApprovals, T0 + DAY).state;
    expect(allowedActions(waiting)).not.toContain('REQUEST_TRANSFER');
    expect(checkAction(waiting, { actor: 'x', type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' }, T0 + DAY)?.type).toBe('ACTION_NOT_ALLOWED');

    // Xinhe's policy has no approvals section: after the acceptance its direct actions apply.
    const asked = applyAction(open, { actor: '谭巧玲（coordinator）', type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' } as CaseAction, withApprovals, T0 + DAY).state;
    expect(asked.approvalPolicy).toBeDefined();
    const accepted = applyAction(asked, { actor: 'x', ...accept() } as CaseAction, withApprovals, T0 + 2 * DAY).state;
    expect(accepted.approvalPolicy).toBeUndefined();
    expect(allowedActions(accepted)).toContain('EXEMPT');
    expect(allowedActions(accepted)).not.toContain('REQUEST_APPROVAL');
  });

  it('a case with a town may be asked for; one request at a time; answered only then', () => {
    const open = openCase(facts, guling, T0).state;
    expect(allowedActions(open)).toContain('REQUEST_TRANSFER');
    expect(allowedActions(open)).not.toContain('ACCEPT_TRANSFER');
    const asked = act(open, { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '在新河镇发现' }, T0 + DAY).state;
    expect(allowedActions(asked)).toEqual(expect.arrayContaining(['ACCEPT_TRANSFER', 'DECLINE_TRANSFER', 'RECORD_HOME_VISIT']));
    expect(allowedActions(asked)).not.toContain('REQUEST_TRANSFER');
    // A case from before towns were recorded has no town to send from.
    const { town: _town, ...untowned } = facts;
    expect(allowedActions(openCase(untowned, guling, T0).state)).not.toContain('REQUEST_TRANSFER');
  });

  it('refuses a request to the own town and an acceptance by a town that was not asked', () => {
    const open = openCase(facts, guling, T0).state;
    expect(checkAction(open, { actor: 'x', type: 'REQUEST_TRANSFER', toTown: 'GULING', reason: 'x' }, T0)?.type).toBe('INVALID_ACTION');
    const asked = act(open, { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' }, T0).state;
    expect(checkAction(asked, { actor: 'x', ...accept('OTHER') }, T0)?.type).toBe('INVALID_ACTION');
    expect(checkAction(asked, { actor: 'x', ...accept() }, T0)).toBeUndefined();
  });

  it('while the request waits the clocks run; accepted, the stage starts again under the receiving town’s policy and place', () => {
    const open = openCase(facts, guling, T0).state;
    const asked = act(open, { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' }, T0 + DAY).state;
    expect(nextTimer(asked, guling)).toMatchObject({ kind: 'ACTION_REMINDER' }); // the sending town's clock still runs
    const missed = fireTimer(fireTimer(asked, nextTimer(asked, guling)!, guling, T0 + 2 * DAY).state, { kind: 'ACTION_DUE', at: T0 + 3 * DAY }, guling, T0 + 3 * DAY).state;
    const { state, events } = act(missed, accept(), T0 + 4 * DAY);
    expect(state.facts).toMatchObject({ town: 'XINHE', childId: 'c2', area: 'GAOPING', school: 'XINHE_SCHOOL' });
    expect(state).toMatchObject({ stage: 'HOME_VISIT', policyVersion: 'xinhe.1', stageEnteredAt: T0 + 4 * DAY, actionDueAt: T0 + 10 * DAY, transfer: undefined });
    expect(state.sent.missed).toBe(false); // the receiving town's people start afresh
    expect(events.map((e) => e.type)).toEqual(['ACCEPT_TRANSFER']);
    expect(events[0].data).toMatchObject({ fromTown: 'GULING', toTown: 'XINHE', from: { town: 'GULING', area: 'GAOPING', school: 'GULING_MIDDLE', childId: facts.childId }, policyVersion: 'xinhe.1' });
    expect(JSON.stringify(events[0].data)).not.toContain('"stages"'); // the policy itself is not in the timeline
  });

  it('accepted while paused: it stays paused, its new clocks standing from the acceptance', () => {
    const open = openCase(facts, guling, T0).state;
    const paused = act(act(open, { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' }, T0).state, { type: 'PAUSE', reason: '住院' }, T0 + DAY).state;
    const { state } = act(paused, accept(), T0 + 2 * DAY);
    expect(state).toMatchObject({ paused: true, pausedAt: T0 + 2 * DAY });
    expect(nextTimer(state, xinhe)).toBeUndefined();
    const resumed = act(state, { type: 'RESUME' }, T0 + 3 * DAY).state;
    expect(resumed.actionDueAt).toBe(T0 + 2 * DAY + 6 * DAY + DAY);
  });

  it('declined: the case stays in the sending town as it was, and may be asked again', () => {
    const open = openCase(facts, guling, T0).state;
    const asked = act(open, { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: 'x' }, T0).state;
    const { state, events } = act(asked, { type: 'DECLINE_TRANSFER', reason: '不在本镇' }, T0 + DAY);
    expect(state.facts).toEqual(facts);
    expect(state).toMatchObject({ stage: 'HOME_VISIT', actionDueAt: open.actionDueAt, policyVersion: guling.version, transfer: undefined });
    expect(events.map((e) => [e.type, e.reason])).toEqual([['DECLINE_TRANSFER', '不在本镇']]);
    expect(allowedActions(state)).toContain('REQUEST_TRANSFER');
  });
});
