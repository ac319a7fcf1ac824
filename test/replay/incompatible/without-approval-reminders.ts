/**
 * src/workflows/patches.ts as a worker from before v7 behaves: no timer for an approval's reminder
 * (the v7 guard answers false, as patched() does where a history has no marker); the other guards
 * are the real ones. Swapped in by test/replay/patch.test.ts to prove the v7 guard is what tells
 * the two codes apart.
 */
export * from '../../../src/workflows/patches';

export function approvalRemindersPatched(): boolean {
  return false;
}
