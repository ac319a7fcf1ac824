import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK's native runtime is process-wide and takes its logger once: install it before the
 * first worker or connection. Tests install WARN so jest is not flooded after a test ends.
 */
export function installTemporalRuntime(level: LogLevel = (process.env.TEMPORAL_LOG_LEVEL as LogLevel) || 'WARN', options: { metricsAddress?: string } = {}): void {
  if (installed) return;
  installed = true;
  try {
    // The native core prints its own log lines to the console; the same level applies to them.
    // With a metrics address, the SDK serves its own metrics (task slots, schedule-to-start
    // latency, sticky cache, polls) there as Prometheus text at /metrics (BAOXUE_WORKER_METRICS_ADDRESS).
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: {
        logging: { filter: { core: level, other: 'ERROR' } },
        ...(options.metricsAddress ? { metrics: { prometheus: { bindAddress: options.metricsAddress, useSecondsForDurations: true } } } : {}),
      },
    });
  } catch (err) {
    // Something made a connection or a test server first: the runtime runs with the SDK's defaults.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
