/**
 * src/workflows/patches.ts as it would be if the v2 change had shipped without patched(): every
 * guard answers true, replay or not. Swapped in by test/replay/patch.test.ts to prove the guard is
 * what keeps the pre-v2 histories replaying.
 */
export const PAUSED_SEARCH_ATTRIBUTE_PATCH = 'baoxue-paused-search-attribute';

export function pausedSearchAttributePatched(): boolean {
  return true;
}

export const DUE_TIMERS_TOGETHER_PATCH = 'baoxue-due-timers-together';

export function dueTimersTogetherPatched(): boolean {
  return true;
}

export const ONE_TASK_STEP_PATCH = 'baoxue-one-task-step';

export function oneTaskStepPatched(): boolean {
  return true;
}

export const EXTENSION_MOVES_WINDOW_PATCH = 'baoxue-extension-moves-window';

export function extensionMovesWindowPatched(): boolean {
  return true;
}

export const QUIET_CONTINUE_AS_NEW_PATCH = 'baoxue-quiet-continue-as-new';

export function quietContinueAsNewPatched(): boolean {
  return true;
}
