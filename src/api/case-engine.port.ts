/**
 * The port through which the API drives cases. The Temporal implementation lives in src/temporal
 * (a workflow per case); tests use an in-memory fake. The API knows only this file: it maps the
 * errors below to HTTP in one place (src/api/api-exception.filter.ts).
 */
import type { ActionResult, CaseAction, CaseFacts, CaseSnapshot, IssuedDocument, RefusalDetails } from '../workflows/messages';
import { ACTION_NOT_ALLOWED, INVALID_ACTION } from '../workflows/messages';
import type { RecordedCase } from '../what-if/recorded-case';

export interface CaseEngine {
  /**
   * Starts the case's workflow; resolves once its opening is in the read model. Idempotent for the
   * same caseId (a retry must not start a second one).
   */
  startCase(facts: CaseFacts): Promise<CaseSnapshot>;
  /**
   * Applies a human action; resolves once its events are in the read model.
   * Throws CaseNotFoundError, CaseEndedError, ActionRefusedError or EngineUnavailableError.
   */
  act(caseId: string, action: CaseAction, options?: ActOptions): Promise<ActionResult>;
  /**
   * Records an issued document in the case's timeline (DOCUMENT_ISSUED); resolves once it is in
   * the read model. The same document again records nothing. Throws like act.
   */
  recordDocument(caseId: string, document: IssuedDocument): Promise<ActionResult>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * The case's inputs as its workflow's history records them (start and accepted updates), read
   * only: what-if replays them under a draft policy (src/what-if). Throws CaseNotFoundError or
   * EngineUnavailableError.
   */
  recordedCase(caseId: string): Promise<RecordedCase>;
}

export interface ActOptions {
  /** Same id, same action: a repeated request gets the first answer and changes nothing. */
  requestId?: string;
}

/** DI token of the CaseEngine. */
export const CASE_ENGINE = Symbol('CASE_ENGINE');

/** No workflow for this case. */
export class CaseNotFoundError extends Error {
  constructor(readonly caseId: string) {
    super(`no case ${caseId}`);
    this.name = 'CaseNotFoundError';
  }
}

/** The case's workflow has finished: the case has ended. */
export class CaseEndedError extends Error {
  constructor(
    readonly caseId: string,
    message = `case ${caseId} has ended`,
  ) {
    super(message);
    this.name = 'CaseEndedError';
  }
}

export type RefusalType = typeof ACTION_NOT_ALLOWED | typeof INVALID_ACTION;

/**
 * The workflow refused the action (its update validator threw an ApplicationFailure):
 * `type` is the failure type (ACTION_NOT_ALLOWED or INVALID_ACTION), `message` the workflow's
 * explanation, `details` its RefusalDetails when there are some.
 */
export class ActionRefusedError extends Error {
  constructor(
    readonly type: RefusalType | string,
    message: string,
    readonly details?: Partial<RefusalDetails>,
  ) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

/** The engine cannot be reached (Temporal down, timeout). */
export class EngineUnavailableError extends Error {
  constructor(message = 'the case engine is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineUnavailableError';
  }
}

export { ACTION_NOT_ALLOWED, INVALID_ACTION };
