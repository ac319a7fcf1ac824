import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUE } from '../workflows/messages';
import type { CaseActivityImplementations } from '../activities';
import type { ReconciliationActivities } from '../workflows/reconciliation-messages';
import type { MonthlyReportActivities } from '../workflows/monthly-report-messages';
import type { CrossCheckActivities, FourOnesActivities } from '../workflows/cross-check-messages';
import type { WorkerTuning } from '../config';
import { type Tracing, WORKFLOW_TRACING_INTERCEPTORS } from '../tracing';

/** Built by `npm run build` (scripts/bundle-workflows.js); without it the worker bundles at start. */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'workflow-bundle.js');
/** The same workflows with the Temporal SDK's OpenTelemetry workflow interceptors, for a worker that traces. */
export const TRACED_WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'workflow-bundle-traced.js');

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The case workflow's activities, and the reconciliation's and the monthly report's when this worker runs the schedules. */
  activities: CaseActivityImplementations & Partial<ReconciliationActivities> & Partial<MonthlyReportActivities> & Partial<CrossCheckActivities> & Partial<FourOnesActivities>;
  /** Payload codec and failure converter (src/temporal/codec); payloads in clear when absent. */
  dataConverter?: DataConverter;
  taskQueue?: string;
  /** Worker tuning (the BAOXUE_WORKER_* settings, src/config.ts); tests use it to force replay (maxCachedWorkflows: 0). */
  tuning?: WorkerTuning & Partial<Pick<WorkerOptions, 'shutdownGraceTime'>>;
  /** OpenTelemetry (src/tracing), when OTEL_EXPORTER_OTLP_ENDPOINT is set: traced workflows, activity spans, the span sink. */
  tracing?: Tracing;
}

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const bundle = options.tracing ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  const workflows = existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') };
  const traced = options.tracing?.workerOptions();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    dataConverter: options.dataConverter,
    ...workflows,
    ...(traced && {
      sinks: traced.sinks,
      // workflowModules only count when the worker bundles at start (no prebuilt bundle: tests).
      interceptors: { ...traced.interceptors, workflowModules: [WORKFLOW_TRACING_INTERCEPTORS] },
    }),
    ...options.tuning,
  });
}
