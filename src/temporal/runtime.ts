import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK's native runtime is process-wide and takes its logger once: install it before the
 * first worker or connection. Tests install WARN so jest is not flooded after a test ends.
 */
export function installTemporalRuntime(level: LogLevel = (process.env.TEMPORAL_LOG_LEVEL as LogLevel) || 'WARN'): void {
  if (installed) return;
  installed = true;
  try {
    // The native core prints its own log lines to the console; the same level applies to them.
    Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' } } } });
  } catch (err) {
    // Something made a connection or a test server first: the runtime runs with the SDK's defaults.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
