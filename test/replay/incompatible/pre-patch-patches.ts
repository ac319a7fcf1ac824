/**
 * src/workflows/patches.ts as the v1 code behaved: no patch is ever taken, so the workflow issues
 * the commands it issued before v2. test/replay/patch.test.ts runs a case on this "old worker" and
 * then upgrades it.
 */
export const PAUSED_SEARCH_ATTRIBUTE_PATCH = 'baoxue-paused-search-attribute';

export function pausedSearchAttributePatched(): boolean {
  return false;
}

export const DUE_TIMERS_TOGETHER_PATCH = 'baoxue-due-timers-together';

export function dueTimersTogetherPatched(): boolean {
  return false;
}

export const ONE_TASK_STEP_PATCH = 'baoxue-one-task-step';

export function oneTaskStepPatched(): boolean {
  return false;
}

export const EXTENSION_MOVES_WINDOW_PATCH = 'baoxue-extension-moves-window';

export function extensionMovesWindowPatched(): boolean {
  return false;
}

export const QUIET_CONTINUE_AS_NEW_PATCH = 'baoxue-quiet-continue-as-new';

export function quietContinueAsNewPatched(): boolean {
  return false;
}
