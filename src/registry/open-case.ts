/**
 * Opening a case, the one way the report (POST /api/cases) and the ledger import both take: the
 * case row (with the child, in one transaction: src/read-model/case-intake.ts), then the case's
 * workflow through the engine. If the workflow cannot be started, the row is removed again, so the
 * ledger never shows a case that no workflow carries.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseEngine } from '../api/case-engine.port';
import { deleteUnstartedCase, openCaseRecord, OpenCaseInput } from '../read-model/case-intake';
import type { CaseEntity } from '../read-model/entities';
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

export type OpenCaseRequest = Omit<OpenCaseInput, 'caseId' | 'openedAt'>;

/** Opens and starts a case. Throws the intake's errors (OpenCaseExistsError, ...) or CaseStartFailedError. */
export async function openAndStartCase(deps: { dataSource: DataSource; engine: CaseEngine }, request: OpenCaseRequest): Promise<CaseEntity> {
  const caseId = randomUUID();
  const openedAt = new Date().toISOString();
  const row = await openCaseRecord(deps.dataSource, { ...request, caseId, openedAt });
  const facts: CaseFacts = {
    caseId,
    town: request.town,
    childId: row.childId,
    cause: request.cause,
    area: row.area,
    school: row.school,
    openedAt,
    openedBy: request.openedBy,
    ...(request.note !== undefined ? { note: request.note } : {}),
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
