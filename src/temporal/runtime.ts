import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK's native runtime is process-wide and takes its logger once: install it before the
 * first worker or connection. Tests install WARN so jest is not flooded after a test ends.
 */
export function installTemporalRuntime(level: LogLevel = (process.env.TEMPORAL_LOG_LEVEL as LogLevel) || 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(level) });
}
