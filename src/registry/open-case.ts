/**
 * Opening a case, the one way the report (POST /api/cases) and the ledger import both take: the
 * case row (with the child, in one transaction: src/read-model/case-intake.ts), then the case's
 * workflow through the engine. If the workflow cannot be started, the row is removed again, so the
 * ledger never shows a case that no workflow carries.
 *
 * A report whose answer was lost (the engine did not answer in time: 503) may still have started
 * its workflow, whose projection then writes the case row again. The report's retry with the same
 * Idempotency-Key carries the same case id (caseIdOfRequest), finds that case open and, being the
 * same request, finishes it instead of answering 409 CASE.ALREADY_OPEN: starting the workflow
 * again is safe (USE_EXISTING; the opening update only waits for the projection).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseEngine } from '../api/case-engine.port';
import { deleteUnstartedCase, isUniqueViolation, openCaseRecord, OpenCaseExistsError, OpenCaseInput } from '../read-model/case-intake';
import { CaseEntity } from '../read-model/entities';
import { nameBasedUuid } from '../read-model/uuid';
import type { CaseFacts } from '../workflows/messages';

/** The engine did not start the workflow; the case row was removed (unless `cleanupFailed`). */
export class CaseStartFailedError extends Error {
  constructor(
    readonly caseId: string,
    readonly cleanupFailed: boolean,
    options: { cause: unknown },
  ) {
    super(`could not start case ${caseId}`, options);
    this.name = 'CaseStartFailedError';
  }
}

/** The case id of a report sent with an Idempotency-Key: the same for its retries (same person, key and request). */
export function caseIdOfRequest(principal: string, idempotencyKey: string, requestHash: string): string {
  return nameBasedUuid(`report-case\n${principal}\n${idempotencyKey}\n${requestHash}`);
}

export type OpenCaseRequest = Omit<OpenCaseInput, 'caseId' | 'openedAt'> & {
  /** The case's id when the request names it (a retry must find its own case); else a new one. */
  caseId?: string;
};

/** Opens and starts a case. Throws the intake's errors (OpenCaseExistsError, ...) or CaseStartFailedError. */
export async function openAndStartCase(deps: { dataSource: DataSource; engine: CaseEngine }, request: OpenCaseRequest): Promise<CaseEntity> {
  const caseId = request.caseId ?? randomUUID();
  let row: CaseEntity;
  try {
    row = await openCaseRecord(deps.dataSource, { ...request, caseId, openedAt: new Date().toISOString() });
  } catch (err) {
    // This request's own case (its id is taken), opened by an attempt whose answer was lost.
    const ownCase = (err instanceof OpenCaseExistsError && err.openCaseId === caseId) || (request.caseId !== undefined && isUniqueViolation(err, 'cases_pkey'));
    if (!ownCase) throw err;
    row = await deps.dataSource.getRepository(CaseEntity).findOneByOrFail({ id: caseId });
  }
  const facts: CaseFacts = {
    caseId,
    town: row.town,
    childId: row.childId,
    cause: row.cause,
    area: row.area,
    school: row.school,
    openedAt: row.openedAt.toISOString(),
    openedBy: row.openedBy,
    ...(row.note !== null ? { note: row.note } : {}),
  };
  try {
    await deps.engine.startCase(facts);
  } catch (err) {
    const removed = await deleteUnstartedCase(deps.dataSource, caseId).then(
      () => true,
      () => false,
    );
    throw new CaseStartFailedError(caseId, !removed, { cause: err });
  }
  return row;
}
