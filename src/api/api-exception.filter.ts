/**
 * The one exception filter: whatever is thrown becomes
 * { statusCode, code, message, messageEn, details?, path, timestamp }, with a code from errors.ts.
 * Engine errors (the port's domain errors) are mapped to HTTP here and nowhere else.
 * Never a stack trace: unknown errors are logged and answered as INTERNAL.ERROR.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ACTION_TYPES, ActionType, EVENT_LABELS, STAGE_LABELS, Stage } from '../workflows/vocabulary';
import {
  ACTION_NOT_ALLOWED,
  ActionRefusedError,
  CaseEndedError,
  CaseNotFoundError,
  EngineUnavailableError,
  INVALID_ACTION,
} from './case-engine.port';
import { ApiError, ERRORS, ErrorBody, ErrorCode } from './errors';
import { ChildNotFoundError } from '../read-model/case-intake';
import { allowedMethods } from './method-not-allowed';

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const adapter = this.adapterHost.httpAdapter;
    const request = http.getRequest();
    const response = http.getResponse();
    let error = toApiError(exception);
    if (error.code === 'ROUTE.NOT_FOUND') error = methodNotAllowed(adapter, request, response) ?? error;
    if (error.status >= 500) {
      // The path without its query string: a search may carry a child's name (never in the logs).
      const where = `${error.code} on ${adapter.getRequestMethod(request)} ${String(adapter.getRequestUrl(request)).split('?')[0]}`;
      if (error.code === 'INTERNAL.ERROR') this.logger.error(where, exception instanceof Error ? exception.stack : String(exception));
      else this.logger.warn(`${where}: ${exception instanceof Error ? exception.message : String(exception)}`);
    }
    if (adapter.isHeadersSent(response)) return;
    // For the request metrics and log line (src/metrics): the answer's error code.
    if (response && typeof response === 'object') (response as { locals?: Record<string, unknown> }).locals = { ...(response as { locals?: Record<string, unknown> }).locals, errorCode: error.code };
    adapter.reply(response, errorBody(error, adapter.getRequestUrl(request)), error.status);
  }
}

/**
 * A 404 for a path that routes answer under other methods only: 405 with Allow (and the methods in
 * the details). When the request's own method is among them, a handler said 404: it stays.
 */
function methodNotAllowed(adapter: HttpAdapterHost['httpAdapter'], request: { method?: string; originalUrl?: string; url?: string }, response: unknown): ApiError | undefined {
  const method = String(request.method ?? '').toUpperCase().slice(0, 20);
  const allowed = allowedMethods(adapter.getInstance(), String(request.originalUrl ?? request.url ?? '').split(/[?#]/)[0]);
  if (allowed.length === 0 || allowed.includes(method)) return undefined;
  adapter.setHeader(response, 'Allow', allowed.join(', '));
  return new ApiError('ROUTE.METHOD_NOT_ALLOWED', {
    zh: `该接口地址不支持 ${method} 请求，可用：${allowed.join('、')}`,
    en: `This route does not answer ${method}; it answers ${allowed.join(', ')}`,
    details: { method, allowed },
  });
}

export function errorBody(error: ApiError, path: string): ErrorBody {
  return {
    statusCode: error.status,
    code: error.code,
    message: error.messageZh,
    messageEn: error.messageEn,
    ...(error.details ? { details: error.details } : {}),
    path: String(path).split('?')[0],
    timestamp: new Date().toISOString(),
  };
}

/** Maps anything thrown to an ApiError. Exported for tests and for the engine adapters' logs. */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;

  if (exception instanceof CaseNotFoundError) return new ApiError('CASE.NOT_FOUND', { details: { caseId: exception.caseId } });
  if (exception instanceof CaseEndedError) return new ApiError('CASE.CLOSED', { details: { caseId: exception.caseId } });
  if (exception instanceof ActionRefusedError) return refusal(exception);
  if (exception instanceof EngineUnavailableError) return new ApiError('ENGINE.UNAVAILABLE');
  if (exception instanceof ChildNotFoundError) return new ApiError('CHILD.NOT_FOUND', { details: { childId: exception.childId } });

  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isDatabaseUnavailable(exception)) return new ApiError('DATABASE.UNAVAILABLE');
  return new ApiError('INTERNAL.ERROR');
}

function refusal(err: ActionRefusedError): ApiError {
  if (err.type === ACTION_NOT_ALLOWED) {
    const allowed = (err.details?.allowedActions ?? []).filter((a): a is ActionType => (ACTION_TYPES as readonly string[]).includes(a));
    const stage = err.details?.stage as Stage | undefined;
    const stageZh = stage && STAGE_LABELS[stage] ? `（当前阶段：${STAGE_LABELS[stage].zh}${err.details?.paused ? '，已暂停' : ''}）` : '';
    const stageEn = stage && STAGE_LABELS[stage] ? ` (stage: ${STAGE_LABELS[stage].en}${err.details?.paused ? ', paused' : ''})` : '';
    const allowedZh = allowed.length ? allowed.map((a) => `${EVENT_LABELS[a].zh}（${a}）`).join('、') : '无';
    const allowedEn = allowed.length ? allowed.join(', ') : 'none';
    return new ApiError('CASE.ACTION_NOT_ALLOWED', {
      zh: `案件当前阶段不能进行此操作${stageZh}。现在可以进行的操作：${allowedZh}`,
      en: `${ERRORS['CASE.ACTION_NOT_ALLOWED'].en}${stageEn}. Allowed now: ${allowedEn}`,
      details: { stage: err.details?.stage, paused: err.details?.paused, allowedActions: allowed },
    });
  }
  if (err.type === INVALID_ACTION) {
    const reason = err.details?.reason;
    return new ApiError('ACTION.INVALID', {
      zh: `操作内容不符合要求：${reason?.zh ?? err.message}`,
      en: `The action is not valid: ${reason?.en ?? err.message}`,
      details: { reason: reason ?? err.message },
    });
  }
  return new ApiError('ACTION.INVALID', { en: err.message || undefined, details: { reason: err.message, type: err.type } });
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  const cause = exception.cause as { type?: string } | undefined;
  if (cause instanceof SyntaxError || cause?.type === 'entity.parse.failed') return new ApiError('REQUEST.INVALID_JSON');
  if (status === 413 || cause?.type === 'entity.too.large') return new ApiError('REQUEST.TOO_LARGE');
  if (status === 415) return new ApiError('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  if (status === 404) return new ApiError('ROUTE.NOT_FOUND');
  const byStatus = (Object.keys(ERRORS) as ErrorCode[]).find((code) => ERRORS[code].status === status && code.startsWith('REQUEST.'));
  if (byStatus) return new ApiError(byStatus);
  if (status >= 500) return new ApiError('INTERNAL.ERROR');
  // Another 4xx from the framework: keep its status, with a generic code and its (safe) message.
  return new ApiError('REQUEST.INVALID', { en: exception.message, status });
}

function isDatabaseUnavailable(exception: unknown): boolean {
  const e = exception as { code?: string; message?: string; driverError?: { code?: string; message?: string } } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '57014'].includes(code) || code.startsWith('08')) return true;
  // 57014: cancelled by statement_timeout. node-postgres reports a lost or timed-out connection without a code.
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(message);
}
