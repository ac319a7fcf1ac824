/** What the API's hardening is told by the configuration (src/config.ts) or by a test. */
import { DEFAULT_LOGIN_LOCKOUT_AFTER, DEFAULT_LOGIN_RATE_LIMIT, DEFAULT_RATE_LIMIT, RateLimitSetting } from '../../config';

export interface HardeningOptions {
  /** Requests per client (the user when logged in, else the IP address) per window, on every route. */
  rateLimit: RateLimitSetting;
  /** FAILED log-ins (POST /api/auth/login) per IP address per window; over it the address waits (login-throttle.ts). */
  loginRateLimit: RateLimitSetting;
  /** Failed log-ins in a row after which an account is locked, for 1 minute doubling to 15 (login-throttle.ts). */
  loginLockout: { afterFailures: number };
  /** Reverse proxies trusted for X-Forwarded-For (BAOXUE_TRUST_PROXY), as for the audit log; default 0. */
  trustProxyHops: number;
  idempotency: {
    /** How long a key and its stored answer live (24 h). */
    ttlMs: number;
    /**
     * A key whose request has not finished after this long is taken over by the next request with
     * it: its process died mid-request (a live request never takes this long).
     */
    abandonedAfterMs: number;
  };
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_HARDENING: HardeningOptions = {
  rateLimit: DEFAULT_RATE_LIMIT,
  loginRateLimit: DEFAULT_LOGIN_RATE_LIMIT,
  loginLockout: { afterFailures: DEFAULT_LOGIN_LOCKOUT_AFTER },
  trustProxyHops: 0,
  idempotency: { ttlMs: IDEMPOTENCY_TTL_MS, abandonedAfterMs: 5 * 60 * 1000 },
};

export const HARDENING_OPTIONS = Symbol('HARDENING_OPTIONS');

export type HardeningSettings = Partial<Omit<HardeningOptions, 'idempotency'>> & { idempotency?: Partial<HardeningOptions['idempotency']> };

export function hardeningOptions(given: HardeningSettings = {}): HardeningOptions {
  return {
    rateLimit: given.rateLimit ?? DEFAULT_HARDENING.rateLimit,
    loginRateLimit: given.loginRateLimit ?? DEFAULT_HARDENING.loginRateLimit,
    loginLockout: given.loginLockout ?? DEFAULT_HARDENING.loginLockout,
    trustProxyHops: given.trustProxyHops ?? DEFAULT_HARDENING.trustProxyHops,
    idempotency: { ...DEFAULT_HARDENING.idempotency, ...given.idempotency },
  };
}
