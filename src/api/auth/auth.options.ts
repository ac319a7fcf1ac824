/** What the API module needs to know for log-in and audit; main.ts passes it from the configuration. */
import { randomBytes } from 'node:crypto';

export interface AuthOptions {
  /** Signs and verifies tokens (HS256); at least 32 characters. */
  tokenSecret: string;
  /** Lifetime of a token in seconds (default 900: 15 minutes). */
  tokenTtlSeconds?: number;
  /**
   * Absolute lifetime of a session in seconds (default 36 000: 10 hours, a working day): refresh
   * tokens rotate within it, and after it the user logs in again, however active.
   */
  sessionTtlSeconds?: number;
  /** Reverse proxies in front of the API that append to X-Forwarded-For (default 0: trust none). */
  trustProxyHops?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;

export const DEFAULT_SESSION_TTL_SECONDS = 10 * 60 * 60;

/** Without options (a module composed by hand), tokens are signed with a key that lives as long as the process. */
export function defaultAuthOptions(): AuthOptions {
  return { tokenSecret: randomBytes(48).toString('base64url') };
}
