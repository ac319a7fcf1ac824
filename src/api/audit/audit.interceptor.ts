/**
 * Records every request a controller handles in the audit log: who (the logged-in user), when,
 * from where, what (the route's @Audit kind, REQUEST when it has none), which case and child, and
 * the answer's status, including refusals (400, 403, 404, 409 ...). It is global, so no
 * controller can forget it; only @NoAudit routes (health) are left out. Requests refused by the
 * guard before any user is known (401) are not recorded: there is nobody to name. The roles a
 * route requires (@RequireRoles) are checked here, inside the record, so those 403s are recorded.
 * Writes the scope rule refused (./refused-writes.ts) add one WRITE_REFUSED row per child, written
 * in the same statement as the request's row.
 *
 * If the row cannot be written the request fails with 503 AUDIT.UNAVAILABLE and nothing is
 * disclosed: minors' data are not read without a record of who read them. One exception: a
 * report or action that has already been carried out is answered as it happened (a 503 would make
 * the client retry a change that was made); the change itself is in the case's append-only
 * timeline under the user's name, and the failed audit write is logged as an error.
 */
import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, from, Observable } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import type { AuditKind } from '../../read-model/entities';
import { toApiError } from '../api-exception.filter';
import { AUTH_OPTIONS, AuthOptions } from '../auth/auth.options';
import type { AuthUser } from '../auth/auth-user';
import { normaliseUsername } from '../auth/user-store';
import { REQUIRED_ROLES, roleForbidden } from '../auth/require-roles.decorator';
import type { Role } from '../../access/roles';
import { ApiError } from '../errors';
import { AUDIT_KIND } from './audit.decorator';
import { AuditLog, AuditRecord, storable } from './audit-log';
import { clientIp } from './client-ip';
import type { RefusedWrite } from './refused-writes';
import { UUID_PATTERN, isUuid } from '../../read-model/uuid';

/** Nest's metadata key of @HttpCode (the status is applied after interceptors run). */
const HTTP_CODE_METADATA = '__httpCode__';

/** Changes that, once made, are answered even when their audit row cannot be written. */
const CARRIED_OUT: readonly AuditKind[] = ['REPORT_CASE', 'ACT'];

interface AuditedRequest {
  method: string;
  originalUrl?: string;
  url: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
  user?: AuthUser;
  /** What a route knows better than the URL: a document's case, what was issued (set by the handler). */
  audit?: AuditNote;
}

/** Set on the request by a handler whose URL does not name the case (GET /api/documents/:file) or that has more to record. */
export interface AuditNote {
  caseId?: string;
  detail?: Record<string, unknown>;
  /** Writes the rule refused, one WRITE_REFUSED row each (./refused-writes.ts). */
  refusals?: RefusedWrite[];
  /** Answered from a stored answer (Idempotency-Key, src/api/hardening): recorded as REPLAY of the route's kind. */
  replayed?: boolean;
}

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');
  private readonly trustedProxies: number;

  constructor(
    private readonly audit: AuditLog,
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
  ) {
    this.trustedProxies = options.trustProxyHops ?? 0;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const declared = this.reflector.getAllAndOverride<AuditKind | false | undefined>(AUDIT_KIND, [context.getHandler(), context.getClass()]);
    if (declared === false) return next.handle();
    const what: AuditKind = declared ?? 'REQUEST';
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const successStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (request.method === 'POST' ? 201 : 200);
    const requiredRoles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);

    return defer(() => {
      if (requiredRoles && !(request.user && requiredRoles.includes(request.user.role))) {
        throw roleForbidden(request.user?.role as Role, requiredRoles);
      }
      return next.handle();
    }).pipe(
      // Refusals first (the handler threw): record them, then answer as the handler would have.
      catchError((error: unknown) =>
        from(
          (async () => {
            const answer = toApiError(error);
            try {
              await this.audit.recordAll(this.entries(request, what === 'LOGIN' ? 'LOGIN_FAILED' : what, answer.status, answer.code, undefined));
            } catch (err) {
              this.logger.warn(`audit row not written for a refused request: ${(err as Error)?.message}`);
              // A server error already discloses nothing; anything else must not be answered unrecorded.
              if (answer.status < 500) throw new ApiError('AUDIT.UNAVAILABLE');
            }
            throw error;
          })(),
        ),
      ),
      // Answers: recorded before they leave.
      mergeMap(async (body: unknown) => {
        try {
          await this.audit.recordAll(this.entries(request, what, successStatus, null, body));
        } catch (err) {
          if (CARRIED_OUT.includes(what)) {
            this.logger.error(`audit row not written for a ${what} that was carried out: ${(err as Error)?.message}`);
            return body;
          }
          this.logger.warn(`audit row not written, ${request.method} ${what} refused: ${(err as Error)?.message}`);
          throw new ApiError('AUDIT.UNAVAILABLE');
        }
        return body;
      }),
    );
  }

  /** The request's row, then one WRITE_REFUSED row per refused write it noted. */
  private entries(request: AuditedRequest, what: AuditKind, status: number, errorCode: string | null, body: unknown): AuditRecord[] {
    let entry = this.entry(request, what, status, errorCode, body);
    // A retry answered from the stored answer did nothing new: one REPLAY row, not the action a second time.
    if (request.audit?.replayed) entry = { ...entry, what: 'REPLAY', detail: { ...entry.detail, replayOf: what } };
    const refusals = (request.audit?.refusals ?? []).map(
      (refusal): AuditRecord => ({
        ...entry,
        what: 'WRITE_REFUSED',
        caseId: null,
        childId: refusal.childId,
        errorCode: refusal.code,
        detail: { reason: refusal.reason, attempted: what, ...refusal.detail },
      }),
    );
    return [entry, ...refusals];
  }

  private entry(request: AuditedRequest, what: AuditKind, status: number, errorCode: string | null, body: unknown): AuditRecord {
    const user = request.user;
    const response = (body ?? {}) as { id?: unknown; child?: { id?: unknown }; items?: Array<{ id?: unknown }>; total?: unknown; case?: { id?: unknown }; importId?: unknown; counts?: unknown };
    const sent = (request.body ?? {}) as { type?: unknown; username?: unknown; childId?: unknown };
    const detail: Record<string, unknown> = {};
    let caseId: unknown = request.params?.id;
    let childId: unknown;

    switch (what) {
      case 'LIST_CASES':
      case 'READ_AUDIT':
        detail.query = boundedQuery(request.query);
        if (what === 'LIST_CASES' && Array.isArray(response.items)) {
          detail.caseIds = response.items.map((item) => item.id);
          detail.total = response.total;
        }
        break;
      case 'ACT':
        if (typeof sent.type === 'string') detail.action = sent.type.slice(0, 50);
        break;
      case 'REPORT_CASE':
        caseId = response.id;
        childId = response.child?.id ?? sent.childId;
        break;
      // The registry's routes name a child, not a case.
      case 'READ_CHILD':
      case 'UPDATE_CHILD':
        caseId = undefined;
        childId = request.params?.id;
        break;
      case 'REGISTER_CHILD':
        caseId = undefined;
        childId = response.id;
        break;
      case 'LIST_CHILDREN':
        caseId = undefined;
        detail.query = boundedQuery(request.query);
        if (Array.isArray(response.items)) {
          detail.childIds = response.items.map((item) => item.id);
          detail.total = response.total;
        }
        break;
      // Account routes name an account (src/accounts), not a case; the handler notes which.
      case 'READ_ACCOUNT':
      case 'UPDATE_ACCOUNT':
      case 'RESET_PASSWORD':
        caseId = undefined;
        break;
      case 'IMPORT_LEDGER':
      case 'EXPORT_LEDGER':
        caseId = undefined;
        detail.query = boundedQuery(request.query);
        if (what === 'IMPORT_LEDGER' && typeof response.id === 'string') detail.jobId = response.id; // the job (./ledger/import-jobs.ts) records the import
        if (response.importId !== undefined) detail.importId = response.importId;
        if (response.counts !== undefined) detail.counts = response.counts;
        break;
      default:
        break;
    }
    if (request.audit?.caseId !== undefined) caseId = request.audit.caseId;
    Object.assign(detail, request.audit?.detail);
    if (typeof caseId === 'string' && !UUID_PATTERN.test(caseId)) detail.caseIdGiven = caseId.slice(0, 60);

    const username = user?.username ?? (what === 'LOGIN_FAILED' && typeof sent.username === 'string' ? normaliseUsername(sent.username).slice(0, 100) : null);
    return {
      userId: user?.id ?? null,
      username,
      role: user?.role ?? null,
      town: user?.town ?? null,
      ip: clientIp(request.socket?.remoteAddress, request.headers['x-forwarded-for'], this.trustedProxies),
      method: request.method,
      path: String(request.originalUrl ?? request.url).split('?')[0],
      what,
      caseId: isUuid(caseId) ? caseId : null,
      childId: isUuid(childId) ? childId : null,
      status,
      errorCode,
      detail,
    };
  }
}

/** The query string as asked, each value cut to 200 characters, at most 20 keys. */
function boundedQuery(query: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query ?? {}).slice(0, 20)) {
    out[storable(key.slice(0, 50))] = typeof value === 'string' ? value.slice(0, 200) : typeof value === 'number' || typeof value === 'boolean' ? value : String(value).slice(0, 200);
  }
  return out;
}
