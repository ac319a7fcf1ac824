/**
 * src/workflows/patches.ts as code from before v8 answers the transfer guard: never taken (a
 * pre-v8 worker has no transfer step). Swapped in by test/replay/patch.test.ts to prove the v8
 * histories with a transfer need the guard's marker, and that no other history notices it.
 */
export * from '../../../src/workflows/patches';

export function transfersPatched(): boolean {
  return false;
}
