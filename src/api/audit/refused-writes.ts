/**
 * Writes the rule refused (src/access/child-writes.ts), noted by a handler for the audit log: the
 * interceptor writes one WRITE_REFUSED row per child beside the request's own row, in the same
 * statement (both or neither). They name the child by its internal id only, never by ID number or
 * name, and are never part of the answer: the user is told only what docs/security.md says.
 *
 *   async import(@RefusedWrites() refused: RefusedWrite[]) { ... refused.push({ childId, reason, code }) }
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ChildWriteRefusal } from '../../access/child-writes';
import type { ErrorCode } from '../errors';
import type { AuditNote } from './audit.interceptor';

export interface RefusedWrite {
  /** The child on file the write would have changed. */
  childId: string;
  reason: ChildWriteRefusal;
  /** What the user was answered for it. */
  code: ErrorCode;
  /** Where in the request: the ledger's sheet and row, a dry run. */
  detail?: Record<string, unknown>;
}

/** The request's list of refused writes (the interceptor records it, whatever the answer). */
export const RefusedWrites = createParamDecorator((_data: unknown, ctx: ExecutionContext): RefusedWrite[] => {
  const request = ctx.switchToHttp().getRequest<{ audit?: AuditNote }>();
  request.audit ??= {};
  return (request.audit.refusals ??= []);
});
