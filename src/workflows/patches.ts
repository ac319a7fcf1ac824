/**
 * The case workflow's patches: changes to the commands it issues, each guarded with patched() so
 * the histories of cases already running replay as they were recorded (Temporal replays a workflow's
 * code against its history; a new, missing or reordered command fails it). Why each exists and
 * when it can go is written where it is used, in case-workflow.ts. Named functions rather than
 * patched('...') at the call site, so one place lists them and the replay test can prove a guard is
 * needed by swapping this module (test/replay/patch.test.ts).
 */
import { patched } from '@temporalio/workflow';

/** Since v2: the workflow upserts BaoxuePaused when the pause state changes. */
export const PAUSED_SEARCH_ATTRIBUTE_PATCH = 'baoxue-paused-search-attribute';

export function pausedSearchAttributePatched(): boolean {
  return patched(PAUSED_SEARCH_ATTRIBUTE_PATCH);
}

/** Since v3: the workflow keeps a timer for each support measure's due date (a reminder to its owner). */
export const SUPPORT_MEASURE_REMINDERS_PATCH = 'baoxue-support-measure-reminders';

export function supportMeasureRemindersPatched(): boolean {
  return patched(SUPPORT_MEASURE_REMINDERS_PATCH);
}

/** Since v4: timers due at the same moment fire in one workflow task and are projected together. */
export const DUE_TIMERS_TOGETHER_PATCH = 'baoxue-due-timers-together';

export function dueTimersTogetherPatched(): boolean {
  return patched(DUE_TIMERS_TOGETHER_PATCH);
}

/**
 * Since v5: a step (opening, action, timer) takes one workflow task: the projection is a local
 * activity, search attributes are upserted only where they changed, and the deadline's timer is
 * kept across steps that do not move it.
 */
export const ONE_TASK_STEP_PATCH = 'baoxue-one-task-step';

export function oneTaskStepPatched(): boolean {
  return patched(ONE_TASK_STEP_PATCH);
}

/** Since v6: an approved extension of the required action's due date moves the stage's window too. */
export const EXTENSION_MOVES_WINDOW_PATCH = 'baoxue-extension-moves-window';

export function extensionMovesWindowPatched(): boolean {
  return patched(EXTENSION_MOVES_WINDOW_PATCH);
}

/**
 * Since v6: the workflow continues as new in a task of its own, one that projects nothing (after a
 * 1 ms timer), so a task the server refuses at the boundary never runs a projection twice.
 */
export const QUIET_CONTINUE_AS_NEW_PATCH = 'baoxue-quiet-continue-as-new';

export function quietContinueAsNewPatched(): boolean {
  return patched(QUIET_CONTINUE_AS_NEW_PATCH);
}

/** Since v7: the workflow keeps a timer for a pending approval's reminder to its approvers (policy approvals.remindAfter). */
export const APPROVAL_REMINDERS_PATCH = 'baoxue-approvals';

export function approvalRemindersPatched(): boolean {
  return patched(APPROVAL_REMINDERS_PATCH);
}

/**
 * Since v8: a case is transferred to another town (REQUEST_TRANSFER, ACCEPT_TRANSFER,
 * DECLINE_TRANSFER); on acceptance the workflow follows the receiving town's policy and carries it
 * into its next run.
 */
export const TRANSFERS_PATCH = 'baoxue-transfers';

export function transfersPatched(): boolean {
  return patched(TRANSFERS_PATCH);
}
