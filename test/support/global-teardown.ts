/** Stops the embedded PostgreSQL that global-setup.ts started, and removes its folder. */
import { rmSync } from 'node:fs';
import { EMBEDDED_HANDLE_KEY, EmbeddedPostgresHandle } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[EMBEDDED_HANDLE_KEY] as
    | { handle: EmbeddedPostgresHandle; dataDir: string }
    | undefined;
  if (!started) return;
  delete (globalThis as Record<string, unknown>)[EMBEDDED_HANDLE_KEY];
  try {
    await started.handle.stop();
  } finally {
    rmSync(started.dataDir, { recursive: true, force: true });
  }
}
