/**
 * Traces (docs/operations.md: Traces). The OpenTelemetry SDK and the Temporal interceptors are
 * loaded only when an OTLP endpoint is set: a process without one pays nothing for them.
 */
import type { Tracing } from './tracing';

export type { Tracing, TracingOptions } from './tracing';

/** The workflow interceptors of the Temporal SDK, bundled into dist/workflow-bundle-traced.js (scripts/bundle-workflows.js). */
export const WORKFLOW_TRACING_INTERCEPTORS = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** Tracing for this process when an OTLP endpoint is set, else nothing at all. */
export function startTracing(endpoint: string | undefined, roles: { api: boolean; worker: boolean }): Tracing | undefined {
  if (!endpoint) return undefined;
  const serviceName = roles.api && roles.worker ? 'baoxue' : roles.api ? 'baoxue-api' : 'baoxue-worker';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const { Tracing: TracingImpl } = require('./tracing') as typeof import('./tracing');
  return new TracingImpl({ endpoint, serviceName });
}
