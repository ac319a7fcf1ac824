/**
 * One dropout case = one workflow. It owns the case's clock: it cannot forget a deadline.
 *
 * Human steps arrive as the `act` update; its validator refuses an action the stage does not
 * allow before anything reaches history. Timers fire reminders, escalations and automatic stage
 * changes. Everything that happens becomes an event; the main loop is the only writer of the
 * read model, so events are projected in order, and an update returns only once its events are
 * in the read model (the caller can read its own write).
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Policy } from './policy';
import {
  ActionResult,
  CaseAction,
  CaseActivities,
  CaseEvent,
  CaseSnapshot,
  CaseWorkflowInput,
  RefusalDetails,
  ACTION_NOT_ALLOWED,
  actUpdate,
  documentIssuedUpdate,
  projectedUpdate,
  snapshotQuery,
} from './messages';
import { CaseState, allowedActions, applyAction, checkAction, fireTimer, isClosed, nextTimer, openCase, recordDocument, toSnapshot } from './case-machine';
import { caseSearchAttributes, changedSearchAttributes, pausedSearchAttributeChange } from './case-search-attributes';
import {
  approvalRemindersPatched,
  dueTimersTogetherPatched,
  extensionMovesWindowPatched,
  oneTaskStepPatched,
  pausedSearchAttributePatched,
  quietContinueAsNewPatched,
  supportMeasureRemindersPatched,
  transfersPatched,
} from './patches';
import { TRANSFER_ACTIONS } from './vocabulary';

function isTransferAction(action: CaseAction): boolean {
  return (TRANSFER_ACTIONS as readonly string[]).includes(action.type);
}

// The read model may be down for a while (a database restart): keep retrying, never give up.
const PROJECTION_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Before v5: the projection as an activity task, with a second workflow task for its result. */
const { projectCase } = proxyActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: PROJECTION_RETRY });

/**
 * Since v5: the projection as a local activity, run by the worker inside the step's own workflow
 * task. Retries shorter than localRetryThreshold stay in that task (the worker keeps it alive);
 * longer backoffs in an outage become a timer, so a long outage costs a few events a minute rather
 * than a workflow-task heartbeat every few seconds.
 */
const { projectCase: projectCaseLocally } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: PROJECTION_RETRY,
  localRetryThreshold: '10 seconds',
});

/** More timers than a stage has (reminders, due, supervisor, leader, window end) never fall due at once. */
const MAX_TIMERS_AT_ONCE = 8;

/** Keep history well below Temporal's limits for a case that lives long with many actions (input.continueAsNewAfterEvents lowers it). */
const CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  // The receiving town's policy replaces it when a transfer is accepted (since v8).
  let policy: Policy = input.policy;
  let state: CaseState;
  const pending: CaseEvent[] = [];
  if (input.carried) {
    state = input.carried.state as CaseState;
    pending.push(...input.carried.pending);
  } else {
    const opened = openCase(input.facts, policy, Date.now(), input.calendar);
    state = opened.state;
    pending.push(...opened.events);
  }
  let projectedSeq = state.lastSeq - pending.length;
  const deadline = new KeptTimer();

  // Handlers are registered right after the state exists, before the first await.
  setHandler(snapshotQuery, () => toSnapshot(state));
  setHandler(
    actUpdate,
    async (action): Promise<ActionResult> => {
      refuseUnlessAllowed(state, action);
      if (isTransferAction(action)) return transferStep(action);
      // PATCH baoxue-extension-moves-window (v6): an extension of the home visit's due date moves
      // the stage's window by as much (case-machine.ts, EXTEND_DEADLINE). Before, only actionDueAt
      // moved and the case escalated at the old window end: a new timer and a different step there,
      // hence the guard, asked only when an extension meets a window (the marker is written there):
      // a history from before v6 has no marker and replays the old way (test/replay/patch.test.ts).
      // Deprecate once no case opened before the v6 deployment is open (see the v2 patch below).
      return step(applyAction(state, action, policy, Date.now(), { extensionMovesWindow: extensionMovesWindowPatched }));
    },
    { validator: (action) => refuseUnlessAllowed(state, action) },
  );
  // A document issued by the API (src/documents) enters the timeline like every other step. New
  // handler, no new command for a case that gets no document: no patch needed.
  setHandler(documentIssuedUpdate, async (doc) => step(recordDocument(state, doc, Date.now())), { validator: (_doc) => refuseIfEnded(state) });

  /**
   * PATCH baoxue-transfers (v8): a transfer to another town. Its steps are new (no history before
   * v8 holds one); an accepted one switches the workflow to the receiving town's policy, which the
   * next run's input carries (continue-as-new below), so the case's later stages and clocks follow
   * the town that now answers for it. The marker is written at a case's first transfer step only:
   * histories without a transfer never ask, and replay as recorded; a history with one replays only
   * on code that takes the patch (test/replay/patch.test.ts: the negative test swaps the guard for
   * the pre-v8 answer and the v8 transfer histories fail). Deprecate once no case with a transfer
   * recorded before the v8 deployment is open.
   */
  async function transferStep(action: CaseAction): Promise<ActionResult> {
    if (!transfersPatched()) {
      throw ApplicationFailure.create({ type: ACTION_NOT_ALLOWED, message: '此版本不支持移交外镇 / Transfers are not supported by this version', nonRetryable: true });
    }
    const taken = applyAction(state, action, policy, Date.now());
    if (action.type === 'ACCEPT_TRANSFER' && action.receiving?.policy) policy = action.receiving.policy;
    return step(taken);
  }

  /** Takes a step's new state and events; answers once they are in the read model. */
  async function step({ state: next, events }: { state: CaseState; events: CaseEvent[] }): Promise<ActionResult> {
    state = next;
    pending.push(...events);
    const mine = state.lastSeq;
    const snapshot = toSnapshot(state);
    await condition(() => projectedSeq >= mine);
    return { snapshot, events };
  }
  setHandler(projectedUpdate, async () => {
    const upTo = state.lastSeq;
    await condition(() => projectedSeq >= upTo);
    return toSnapshot(state);
  });

  for (;;) {
    if (pending.length > 0) {
      const events = pending.splice(0, pending.length);
      const snapshot = toSnapshot(state);
      // PATCH baoxue-one-task-step (v5): a step costs one workflow task. The projection runs as a
      // local activity in the task of the action, opening or timer (no activity task, no second
      // workflow task: an action's history shrinks from about 13 events to 5, npm run bench counts
      // them), so the update answers in the task that accepted it, still after its events are in
      // the read model. Search attributes are given at start (TemporalCaseEngine) and upserted in
      // one command, only where they changed; the deadline's timer stays when a step does not move
      // it (waitForStep). New commands, hence the guard: histories from before v5 have no marker,
      // patched() answers false there and they replay with the activity as recorded (test/replay).
      // Deprecate once no case opened before the v5 deployment is open (see the v2 patch below).
      if (oneTaskStepPatched()) {
        await projectCaseLocally({ snapshot, events });
        projectedSeq = events[events.length - 1].seq;
        const changed = changedSearchAttributes(snapshot, workflowInfo().typedSearchAttributes);
        if (changed.length > 0) upsertSearchAttributes(changed);
        continue;
      }
      await projectCase({ snapshot, events });
      projectedSeq = events[events.length - 1].seq;
      upsertSearchAttributes(caseSearchAttributes(snapshot));
      // PATCH baoxue-paused-search-attribute (v2): keep BaoxuePaused = the case's pause state, so
      // Temporal's UI and CLI can list paused cases (`BaoxuePaused = true`). It is a separate
      // upsert, issued only when the state changed: new cases get BaoxuePaused = false at start
      // (TemporalCaseEngine), so they upsert it on PAUSE and RESUME only; cases opened before v2
      // have no attribute and get it at their first projection after the upgrade. A new command,
      // hence the guard: replaying a pre-v2 history, patched() answers false where the history has
      // no marker, so the old commands are issued (test/replay: the v1 histories replay, and fail
      // without the guard). (Sdk-core does not compare an upsert's attributes on replay, only that an
      // upsert is there: adding the key to the upsert above would have replayed, silently.)
      // Deprecate (deprecatePatch, then remove) once no case whose history began before the v2
      // deployment is open: `temporal workflow list --query "WorkflowType = 'caseWorkflow' AND
      // ExecutionStatus = 'Running' AND StartTime < '<v2 deployment time>'"` lists none.
      // (A continue-as-new starts a fresh history with the patched code, so such runs count as new.)
      const paused = pausedSearchAttributeChange(snapshot, workflowInfo().typedSearchAttributes);
      if (paused && pausedSearchAttributePatched()) upsertSearchAttributes(paused);
      continue;
    }
    if (isClosed(state)) break;
    if (workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS) || workflowInfo().continueAsNewSuggested) {
      // Every accepted update must be answered in this run; one that arrives meanwhile is projected first.
      await condition(() => allHandlersFinished() || pending.length > 0);
      if (pending.length > 0) continue;
      // PATCH baoxue-quiet-continue-as-new (v6): continue as new in a task that projects nothing.
      // An update that reaches the server while the task that continues as new is running makes the
      // server refuse that task (UNHANDLED_COMMAND) and run it again; a projection (a local activity,
      // v5) in it ran twice then, with a second clock reading (test/workflows: the long-lived case).
      // A 1 ms timer ends the task that projected; in the next one, with nothing pending, nothing but
      // the continue-as-new is done. A new command at the boundary, hence the guard; asked only there.
      // Deprecate once no case opened before the v6 deployment is open (see the v2 patch above).
      if (quietContinueAsNewPatched()) {
        await sleep(1);
        if (pending.length > 0 || !allHandlersFinished()) continue;
      }
      await continueAsNew<typeof caseWorkflow>({ ...input, policy, carried: { state, pending: [] } });
    }
    // PATCH baoxue-support-measure-reminders (v3): support measures have an owner and a due date,
    // and the workflow waits for the earliest pending one to remind its owner (REMINDER_SENT). A
    // history from before v3 cannot hold such a measure (ADD_SUPPORT had no due date), so the guard
    // only says so in the history: the marker is written the first time a measure's due date is the
    // next timer, and replaying an older history never asks. Working-day windows and the
    // support-before-sanction gate change no command for existing cases: they follow the policy in
    // the case's own input, and every policy before them counts calendar days with no gate.
    // Deprecate once no case opened before v3 is open (see the v2 patch above for the query).
    const timer = upcomingTimer(state, policy);
    const seen = state.lastSeq;
    const wait = timer ? timer.at - Date.now() : undefined;
    // condition() with a timeout is a durable timer; an action that changes the state wakes it early.
    const changed = () => state.lastSeq !== seen || pending.length > 0;
    let woken = true;
    if (oneTaskStepPatched()) woken = await deadline.waitForStep(timer?.at, changed);
    else if (wait === undefined) await condition(changed);
    else woken = wait > 0 && (await condition(changed, wait));
    if (!woken && timer) {
      const fired = fireTimer(state, timer, policy, Date.now());
      state = fired.state;
      pending.push(...fired.events);
      // PATCH baoxue-due-timers-together (v4): the timers due at this moment too (at a due date the
      // required action is missed, escalated to the supervisor and the window ends, all at once) fire
      // now and go to the read model in one projection. Before, each was projected on its own, one
      // activity after the other, so the escalation waited for two round trips through Temporal:
      // with 1,000 cases due within 30 s, the escalation reached the read model seconds after the
      // first event (npm run bench: the deadline lag of DEADLINE_MISSED beside AUTO_ESCALATED). It
      // changes the commands (fewer activities), hence the guard: histories recorded before v4 have
      // no marker, patched() answers false there and they replay as recorded. Deprecate once no case
      // opened before the v4 deployment is open (see the v2 patch above for the query).
      if (dueTimersTogetherPatched()) {
        // Bounded: each timer fired marks itself sent or moves the stage; a policy mistake must not spin.
        for (let n = 0, more = upcomingTimer(state, policy); n < MAX_TIMERS_AT_ONCE && more !== undefined && more.at <= Date.now(); n++, more = upcomingTimer(state, policy)) {
          const also = fireTimer(state, more, policy, Date.now());
          state = also.state;
          pending.push(...also.events);
        }
      }
    }
  }
  await condition(allHandlersFinished);
  return toSnapshot(state);
}

/**
 * Since v5: the durable timer for the case's next deadline, kept while steps do not move it. Before,
 * condition(changed, wait) cancelled its timer at every action and started a new one for the same
 * instant: two events per step for nothing.
 */
class KeptTimer {
  private current: { at: number; fired: boolean; scope: CancellationScope } | undefined;

  /** Waits for a step (changed) or the timer at `at`; true when woken by a step, false when the timer fired. */
  async waitForStep(at: number | undefined, changed: () => boolean): Promise<boolean> {
    if (at !== this.current?.at) this.replace(at);
    if (at !== undefined && at <= Date.now()) {
      this.replace(undefined);
      return false;
    }
    const timer = this.current;
    await condition(() => changed() || timer?.fired === true);
    if (changed()) return true;
    this.current = undefined;
    return false;
  }

  private replace(at: number | undefined): void {
    this.current?.scope.cancel();
    this.current = undefined;
    if (at === undefined || at <= Date.now()) return;
    const timer = { at, fired: false, scope: new CancellationScope() };
    timer.scope.run(() => sleep(at - Date.now())).then(
      () => void (timer.fired = true),
      () => undefined, // cancelled: the deadline moved
    );
    this.current = timer;
  }
}

/**
 * The next timer; a support measure's due date only where the v3 patch is taken (see the patch note
 * in the loop), an approval's reminder only where the v7 patch is.
 */
function upcomingTimer(state: CaseState, policy: Policy) {
  const options: { supportReminders?: boolean; approvalReminders?: boolean } = {};
  let timer = nextTimer(state, policy);
  if (timer?.kind === 'SUPPORT_DUE' && !supportMeasureRemindersPatched()) {
    options.supportReminders = false;
    timer = nextTimer(state, policy, options);
  }
  // PATCH baoxue-approvals (v7): a request for approval (REQUEST_APPROVAL, under a policy with an
  // `approvals` section) that stays pending past approvals.remindAfter reminds its approvers once
  // (REMINDER_SENT, data.deadline = approvalRemindAt): a new timer. A history from before v7 cannot
  // hold a request (the action did not exist), so like v3 the guard only says so in the history:
  // its marker is written the first time a reminder is the next timer. The other approval rules
  // (what a request allows, the judicial stage waiting for approval) follow the policy in the case's
  // own input and issue no new command. Deprecate once no case opened before v7 is open (see v2).
  if (timer?.kind === 'APPROVAL_DUE' && !approvalRemindersPatched()) timer = nextTimer(state, policy, { ...options, approvalReminders: false });
  return timer;
}

/** A document is recorded in any open stage, paused or not; an ended case's timeline is closed. */
function refuseIfEnded(state: CaseState): void {
  if (!isClosed(state)) return;
  const details: RefusalDetails = { stage: state.stage, paused: false, allowedActions: [], reason: { zh: '案件已结束，时间线不再增加', en: 'The case has ended; its timeline is closed' } };
  throw ApplicationFailure.create({ type: ACTION_NOT_ALLOWED, message: `${details.reason.zh} / ${details.reason.en}`, details: [details], nonRetryable: true });
}

/** Throws the refusal as an ApplicationFailure: it fails the update only, never the workflow. */
function refuseUnlessAllowed(state: CaseState, action: CaseAction): void {
  const refusal = checkAction(state, action, Date.now());
  if (!refusal) return;
  const details: RefusalDetails = { stage: state.stage, paused: state.paused, allowedActions: allowedActions(state), reason: { zh: refusal.zh, en: refusal.en } };
  throw ApplicationFailure.create({ type: refusal.type, message: `${refusal.zh} / ${refusal.en}`, details: [details], nonRetryable: true });
}
