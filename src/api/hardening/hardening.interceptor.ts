/**
 * One interceptor for the checks that need the user or the route (interceptors run after every
 * guard): first the rate limit, then the body's media type (JSON, or what the route declares with
 * @ApiConsumes), then, for POST, the Idempotency-Key. One class, so their order is fixed.
 */
import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { ApiError } from '../errors';
import { HARDENING_OPTIONS, HardeningOptions } from './hardening.options';
import {
  IDEMPOTENCY_REPLAYED_HEADER,
  IdempotencyStore,
  IdempotentRequest,
  SKIP_IDEMPOTENCY,
  isIdempotencyExcluded,
  parseIdempotencyKey,
  replayedHeaders,
  requestHash,
} from './idempotency';
import { CONSUMES_METADATA, unsupportedMediaType } from './media-type';
import { principalOf } from './principal';
import { RateLimitGuard } from './rate-limit';

interface HttpRequest {
  method: string;
  originalUrl?: string;
  url?: string;
  path?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  socket?: { remoteAddress?: string };
  user?: unknown;
  /** Read by the audit interceptor (src/api/audit): a replay is recorded as REPLAY, not as the action again. */
  audit?: { replayed?: boolean };
}

interface HttpResponse {
  statusCode: number;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

@Injectable()
export class HardeningInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly rateLimit: RateLimitGuard,
    private readonly idempotency: IdempotencyStore,
    private readonly reflector: Reflector,
    @Inject(HARDENING_OPTIONS) private readonly options: HardeningOptions,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    await this.rateLimit.canActivate(context);

    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const consumes = this.reflector.getAllAndOverride<string[] | undefined>(CONSUMES_METADATA, [context.getHandler(), context.getClass()]);
    const wrongType = unsupportedMediaType(req, consumes?.length ? consumes : undefined);
    if (wrongType) throw wrongType;
    if (req.method !== 'POST') return next.handle();
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    if (key === undefined) return next.handle();
    const path = String(req.originalUrl ?? req.url ?? '').split('?')[0];
    if (isIdempotencyExcluded(path) || this.reflector.getAllAndOverride<boolean>(SKIP_IDEMPOTENCY, [context.getHandler(), context.getClass()])) {
      return next.handle();
    }

    const res = http.getResponse<HttpResponse>();
    const request: IdempotentRequest = { key, principal: principalOf(req, this.options.trustProxyHops), method: req.method, path, hash: requestHash(req) };
    const claim = await this.idempotency.claim(request);
    switch (claim.kind) {
      case 'reused':
        throw new ApiError('IDEMPOTENCY.KEY_REUSED', { details: { key } });
      case 'in-progress':
        res.setHeader('Retry-After', '1');
        throw new ApiError('IDEMPOTENCY.IN_PROGRESS', { details: { key } });
      case 'replay':
        res.status(claim.status);
        for (const [name, value] of Object.entries(claim.headers)) res.setHeader(name, value);
        res.setHeader(IDEMPOTENCY_REPLAYED_HEADER, 'true');
        req.audit = { ...req.audit, replayed: true };
        return of(claim.body ?? undefined);
      case 'run':
        return next.handle().pipe(
          mergeMap(async (body) => {
            const status = res.statusCode;
            try {
              if (status >= 200 && status < 300) {
                await this.idempotency.complete(request, claim.claimedAt, status, body, replayedHeaders((name) => res.getHeader(name)));
              } else {
                await this.idempotency.release(request, claim.claimedAt);
              }
            } catch (err) {
              // The request did its work: answer it. A retry with this key waits (409) until the
              // claim counts as abandoned, then runs again.
              this.logger.warn(`could not store the answer for an idempotency key: ${(err as Error).message}`);
            }
            return body;
          }),
          catchError((err: unknown) =>
            from(
              this.idempotency.release(request, claim.claimedAt).catch((releaseErr: unknown) => {
                this.logger.warn(`could not release an idempotency key: ${(releaseErr as Error).message}`);
              }),
            ).pipe(mergeMap(() => throwError(() => err))),
          ),
        );
    }
  }
}
