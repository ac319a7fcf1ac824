/**
 * src/workflows/patches.ts as it would be if the v6 change (an extension moves the stage's window)
 * had shipped without patched(): that one guard answers true, replay or not; the others are the
 * real ones. Swapped in by test/replay/patch.test.ts to prove the v6 guard is needed.
 */
export * from '../../../src/workflows/patches';

export function extensionMovesWindowPatched(): boolean {
  return true;
}
