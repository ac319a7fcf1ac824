import { Client, WithStartWorkflowOperation, WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import {
  ActOptions,
  ActionRefusedError,
  CaseEndedError,
  CaseEngine,
  CaseNotFoundError,
  EngineUnavailableError,
} from '../api/case-engine.port';
import type { Policy } from '../workflows/policy';
import {
  ActionResult,
  CaseAction,
  CaseFacts,
  CaseSnapshot,
  IssuedDocument,
  RefusalDetails,
  TASK_QUEUE,
  actUpdate,
  caseWorkflowId,
  documentIssuedUpdate,
  projectedUpdate,
} from '../workflows/messages';
import { caseWorkflow } from '../workflows/case-workflow';
import { AREA_KEY, NEXT_DEADLINE_KEY, PAUSED_KEY, SCHOOL_KEY, STAGE_KEY } from './search-attributes';
import { parseDuration } from '../workflows/policy';
import { holidayCalendar } from '../policy/holiday-calendar';
import { DEFAULT_TIMEOUTS } from '../config';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { RecordedCase, recordedCase } from '../what-if/recorded-case';
import { runHistories } from './case-histories';

/**
 * The CaseEngine port on Temporal: a case is the workflow `case-<id>`, an action is its `act`
 * update, an issued document its `documentIssued` update. Temporal's errors become the port's domain errors here and nowhere else.
 */
export class TemporalCaseEngine implements CaseEngine {
  private readonly taskQueue: string;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly client: Client,
    /** The policy new cases start with; running cases keep the one in their input. */
    private readonly policy: Policy,
    options: { taskQueue?: string; callTimeoutMs?: number } = {},
  ) {
    this.taskQueue = options.taskQueue ?? TASK_QUEUE;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_TIMEOUTS.temporalCallMs;
  }

  /**
   * Every call made for a request has a deadline (BAOXUE_TEMPORAL_TIMEOUT): a Temporal (or a
   * projection) that does not answer becomes ENGINE.UNAVAILABLE 503, never a request that hangs.
   * An update that did reach the workflow is not lost: its retry with the same request id gets
   * the first outcome.
   */
  private call<R>(fn: () => Promise<R>): Promise<R> {
    return this.client.withDeadline(Date.now() + this.callTimeoutMs, fn);
  }

  /**
   * Starts the case's workflow together with an update that returns once the opening is in the
   * read model, so the caller can read the case right away. A retried start finds the running
   * workflow (USE_EXISTING) and only waits: never a second case.
   */
  async startCase(facts: CaseFacts): Promise<CaseSnapshot> {
    const firstDue = new Date(Date.parse(facts.openedAt) + parseDuration(this.policy.stages.HOME_VISIT.due ?? '0s'));
    const start = new WithStartWorkflowOperation(caseWorkflow, {
      taskQueue: this.taskQueue,
      workflowId: caseWorkflowId(facts.caseId),
      // The holiday calendar goes with the case as data: its working-day deadlines replay the same forever.
      args: [{ facts, policy: this.policy, calendar: holidayCalendar(new Date(facts.openedAt)) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Listed in Temporal's UI from the first moment, before the first workflow task runs.
      typedSearchAttributes: new TypedSearchAttributes([
        { key: STAGE_KEY, value: 'HOME_VISIT' },
        { key: AREA_KEY, value: facts.area },
        { key: SCHOOL_KEY, value: facts.school },
        { key: NEXT_DEADLINE_KEY, value: firstDue },
        { key: PAUSED_KEY, value: false },
      ]),
    });
    try {
      return await this.call(() => this.client.workflow.executeUpdateWithStart(projectedUpdate, { startWorkflowOperation: start }));
    } catch (err) {
      throw new EngineUnavailableError('could not start the case workflow', { cause: err });
    }
  }

  async act(caseId: string, action: CaseAction, options: ActOptions = {}): Promise<ActionResult> {
    // An accepted transfer goes on under the policy the receiving town opens cases with (this deployment's).
    if (action.type === 'ACCEPT_TRANSFER' && action.receiving) action = { ...action, receiving: { ...action.receiving, policy: this.policy } };
    // Temporal deduplicates updates by id within a run: a repeated id returns the first outcome.
    return this.update(caseId, (handle) => handle.executeUpdate(actUpdate, { args: [action], updateId: options.requestId }));
  }

  async recordDocument(caseId: string, document: IssuedDocument): Promise<ActionResult> {
    // The document's id as the update's: a retry is one update; the workflow also records a document once.
    return this.update(caseId, (handle) => handle.executeUpdate(documentIssuedUpdate, { args: [document], updateId: `document-${document.documentId}` }));
  }

  /** An update of the case's workflow, its failures mapped to the port's errors. */
  private async update(caseId: string, send: (handle: WorkflowHandle<typeof caseWorkflow>) => Promise<ActionResult>): Promise<ActionResult> {
    const handle = this.client.workflow.getHandle<typeof caseWorkflow>(caseWorkflowId(caseId));
    try {
      return await this.call(() => send(handle));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const details = err.cause.details?.[0] as Partial<RefusalDetails> | undefined;
        throw new ActionRefusedError(err.cause.type ?? 'ACTION_NOT_ALLOWED', err.cause.message, details);
      }
      if (err instanceof WorkflowNotFoundError) {
        // Not found covers both "never existed" and "has finished": ask which.
        throw await this.whyNotRunning(caseId, err);
      }
      throw new EngineUnavailableError('the case engine did not answer', { cause: err });
    }
  }

  async recordedCase(caseId: string): Promise<RecordedCase> {
    const converter = this.client.options.loadedDataConverter;
    try {
      const runs = await this.call(() => runHistories(this.client, caseId));
      return await recordedCase(caseId, runs, (payload) => decodeOptionalSinglePayload(converter, payload) as never);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(caseId);
      throw new EngineUnavailableError('could not read the case workflow\'s history', { cause: err });
    }
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.call(() => this.client.workflowService.getSystemInfo({}));
      return { ok: true, detail: `namespace ${this.client.options.namespace}` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  private async whyNotRunning(caseId: string, original: unknown): Promise<Error> {
    try {
      const description = await this.call(() => this.client.workflow.getHandle(caseWorkflowId(caseId)).describe());
      if (description.status.name !== 'RUNNING') return new CaseEndedError(caseId);
      return new EngineUnavailableError('the case workflow did not accept the action', { cause: original });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return new CaseNotFoundError(caseId);
      return new EngineUnavailableError('the case engine did not answer', { cause: err });
    }
  }
}
