/**
 * Rate limits, on @nestjs/throttler's counters, answered in the one error shape:
 * 429 REQUEST.RATE_LIMITED with a Retry-After header (seconds).
 *
 * `default`: every request of a client (user, or IP when anonymous) counts, across all routes
 * (one bucket per client, not one per route); generous, a caseworker never meets it. Counted in
 * PostgreSQL (rate-limit-store.ts), so every API process enforces the one limit. Log-in has its own
 * limits on FAILED log-ins, per account and per address, shared the same way (login-throttle.ts).
 *
 * The guard is not registered as a guard: HardeningInterceptor calls it, because interceptors run
 * after every guard, whatever order guards were registered in, so the auth guard has already put
 * the user on the request and the limit is per user. (A request the auth guard refuses never
 * reaches it; refusing costs less than counting.)
 */
import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import { ApiError } from '../errors';
import type { HardeningOptions } from './hardening.options';
import { principalOf } from './principal';

/** The trackers (who is counted) are given per limit in throttlerModuleOptions. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** One bucket per client and limit, whatever the route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}|${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    const res = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): unknown }>();
    res.setHeader('Retry-After', String(retryAfter));
    throw new ApiError('REQUEST.RATE_LIMITED', {
      zh: `请求过于频繁，请 ${retryAfter} 秒后再试`,
      en: `Too many requests; try again in ${retryAfter} s`,
      details: { retryAfterSeconds: retryAfter, limit: detail.limit, windowSeconds: Math.round(detail.ttl / 1000) },
    });
  }
}

export function throttlerModuleOptions(options: HardeningOptions): ThrottlerModuleOptions {
  return {
    throttlers: [
      {
        name: 'default',
        limit: options.rateLimit.limit,
        ttl: options.rateLimit.windowMs,
        getTracker: (req) => principalOf(req, options.trustProxyHops),
      },
    ],
  };
}

export function rateLimitModule(options: HardeningOptions) {
  return ThrottlerModule.forRoot(throttlerModuleOptions(options));
}
