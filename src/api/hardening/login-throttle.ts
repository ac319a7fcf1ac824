/**
 * Log-in throttling, in PostgreSQL (table login_throttle), so that every API process enforces one
 * limit. Only FAILED log-ins count, never successes (a town office of twenty colleagues behind one
 * address logs in every morning):
 *
 * - per account: the user name tried, whether or not it exists (so a lock tells nothing about who
 *   exists). After `afterFailures` failures in a row (default 5) the account is locked for
 *   1 minute, and each further failure doubles it, to at most 15 minutes; even the right password
 *   waits. A success deletes the count; a count whose last failure is a day old starts again.
 * - per address: at most `loginRateLimit.limit` failures of any accounts per window (default 10 a
 *   minute); over it every log-in from that address waits for the window to end.
 *
 * Times are the database's (now()), the one clock all processes share.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HARDENING_OPTIONS, HardeningOptions } from './hardening.options';

export const FIRST_LOCK_SECONDS = 60;
export const LONGEST_LOCK_SECONDS = 15 * 60;
/** A count whose last failure is older than this is forgotten (and its row pruned). */
const FORGET_AFTER = `interval '1 day'`;

/** Why a log-in waits before its password is even checked. */
export interface LoginHold {
  kind: 'ADDRESS' | 'ACCOUNT';
  retryAfterSeconds: number;
  failures: number;
}

export interface CountedFailure {
  /** Failures in a row for the account, this one included. */
  failures: number;
  /** Set when this failure locked the account. */
  lockedSeconds?: number;
}

@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(HARDENING_OPTIONS) private readonly options: HardeningOptions,
  ) {}

  /** Failed log-ins an address may have per window. */
  get addressLimit(): { limit: number; windowMs: number } {
    return this.options.loginRateLimit;
  }

  /** The hold on this log-in, if the address is over its limit or the account is locked. */
  async check(username: string, address: string): Promise<LoginHold | undefined> {
    const rows: Array<{ kind: 'ADDRESS' | 'ACCOUNT'; failures: number; retry: number }> = await this.dataSource.query(
      `SELECT kind, failures,
              ceil(extract(epoch FROM CASE kind WHEN 'ADDRESS' THEN first_failed_at + $3::float8 * interval '1 millisecond' ELSE locked_until END - now()))::int AS retry
         FROM login_throttle
        WHERE (kind = 'ADDRESS' AND key = $2 AND failures >= $4::int AND first_failed_at > now() - $3::float8 * interval '1 millisecond')
           OR (kind = 'ACCOUNT' AND key = $1 AND locked_until > now())
        ORDER BY kind DESC`, // the address first: it says less about the account
      [username, address, this.options.loginRateLimit.windowMs, this.options.loginRateLimit.limit],
    );
    const hold = rows[0];
    return hold ? { kind: hold.kind, failures: hold.failures, retryAfterSeconds: Math.max(1, hold.retry) } : undefined;
  }

  /** Counts a wrong password (or unknown name) for the account and the address; locks the account when it is time. */
  async failed(username: string, address: string): Promise<CountedFailure> {
    const [counted]: Array<{ failures: number }> = await this.dataSource.query(
      `WITH address AS (${upsert('ADDRESS', '$2', `t.first_failed_at <= now() - $3::float8 * interval '1 millisecond'`)}),
            account AS (${upsert('ACCOUNT', '$1', `t.last_failed_at < now() - ${FORGET_AFTER}`)})
       SELECT (SELECT failures FROM account) AS failures, (SELECT failures FROM address) AS address_failures`,
      [username, address, this.options.loginRateLimit.windowMs],
    );
    await this.dataSource.query(`DELETE FROM login_throttle WHERE last_failed_at < now() - ${FORGET_AFTER} AND (locked_until IS NULL OR locked_until < now())`);
    const over = counted.failures - this.options.loginLockout.afterFailures;
    if (over < 0) return { failures: counted.failures };
    const lockedSeconds = Math.min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** Math.min(over, 10));
    await this.dataSource.query(`UPDATE login_throttle SET locked_until = now() + $2::float8 * interval '1 second' WHERE kind = 'ACCOUNT' AND key = $1`, [username, lockedSeconds]);
    return { failures: counted.failures, lockedSeconds };
  }

  /** A log-in refused while its account is locked: it counts against the address only. */
  async failedWhileLocked(address: string): Promise<void> {
    await this.dataSource.query(upsert('ADDRESS', '$1', `t.first_failed_at <= now() - $2::float8 * interval '1 millisecond'`), [address, this.options.loginRateLimit.windowMs]);
  }

  /** The right password: the account's count starts again. */
  async succeeded(username: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttle WHERE kind = 'ACCOUNT' AND key = $1`, [username]);
  }
}

/** One more failure for the row of `kind` whose key is the parameter `key`; `restart` says when the count starts again at 1. */
function upsert(kind: 'ACCOUNT' | 'ADDRESS', key: string, restart: string): string {
  return `INSERT INTO login_throttle AS t (kind, key, failures, first_failed_at, last_failed_at)
          VALUES ('${kind}', ${key}, 1, now(), now())
          ON CONFLICT (kind, key) DO UPDATE SET
            failures = CASE WHEN ${restart} THEN 1 ELSE t.failures + 1 END,
            first_failed_at = CASE WHEN ${restart} THEN now() ELSE t.first_failed_at END,
            last_failed_at = now()
          RETURNING failures`;
}
