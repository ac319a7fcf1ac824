/**
 * Sessions that last a working day: a log-in starts a family of refresh tokens with one absolute
 * end (AuthOptions.sessionTtlSeconds, 10 h by default). A refresh token is 32 random bytes,
 * opaque; only its SHA-256 is stored (table refresh_tokens). Each use rotates it: the token is
 * marked used and a new one of the same family is answered. A used token presented again means a
 * copy is in someone else's hands: the whole family is revoked, both holders log in again.
 * Log-out revokes the family; a password change or reset, and a deactivation, every family of the
 * account.
 *
 * Two tabs of one browser share nothing (the pages keep tokens in sessionStorage), so a legitimate
 * client never presents a token twice; the page client sends one refresh at a time.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../../read-model/entities';
import { AUTH_OPTIONS, AuthOptions, DEFAULT_SESSION_TTL_SECONDS } from './auth.options';

export type RevokedReason = 'LOGOUT' | 'REUSED' | 'PASSWORD_CHANGED' | 'DEACTIVATED';

export interface IssuedRefreshToken {
  refreshToken: string;
  family: string;
  /** The session's absolute end. */
  expiresAt: Date;
}

/** Why a refresh token was refused (the answer's details.reason). */
export type RefreshRefusal = 'UNKNOWN' | 'REUSED' | 'REVOKED' | 'EXPIRED' | 'INACTIVE';

export type RotateResult =
  | { ok: true; user: UserEntity; issued: IssuedRefreshToken }
  | { ok: false; reason: RefreshRefusal; user?: UserEntity; family?: string; revoked?: number };

/** What the refresh and log-out bodies accept as a token: base64url of 32 bytes. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

@Injectable()
export class SessionStore {
  readonly ttlSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
  ) {
    this.ttlSeconds = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  }

  /** A new session for the user (log-in, a changed password). */
  async start(userId: string, db: DataSource | EntityManager = this.dataSource): Promise<IssuedRefreshToken> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    return this.insert(db, userId, randomUUID(), expiresAt);
  }

  /**
   * Trades a refresh token for the next one of its family. Refusals that revoke (a reused token,
   * an account switched off) are committed before the answer.
   */
  async rotate(token: string): Promise<RotateResult> {
    if (!REFRESH_TOKEN_PATTERN.test(token)) return { ok: false, reason: 'UNKNOWN' };
    return this.dataSource.transaction(async (m) => {
      const rows: Array<{ id: string; family: string; user_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null; expired: boolean }> =
        await m.query(
          `SELECT id, family, user_id, expires_at, used_at, revoked_at, expires_at <= now() AS expired
             FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
          [hashRefreshToken(token)],
        );
      const row = rows[0];
      if (!row) return { ok: false, reason: 'UNKNOWN' };
      const user = (await m.getRepository(UserEntity).findOne({ where: { id: row.user_id } })) ?? undefined;
      if (row.revoked_at) return { ok: false, reason: 'REVOKED', user, family: row.family };
      if (row.used_at) {
        const revoked = await this.revokeFamily(row.family, 'REUSED', m);
        return { ok: false, reason: 'REUSED', user, family: row.family, revoked };
      }
      if (row.expired) return { ok: false, reason: 'EXPIRED', user, family: row.family };
      if (!user?.active) {
        await this.revokeFamily(row.family, 'DEACTIVATED', m);
        return { ok: false, reason: 'INACTIVE', user, family: row.family };
      }
      await m.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [row.id]);
      const issued = await this.insert(m, user.id, row.family, row.expires_at);
      return { ok: true, user, issued };
    });
  }

  /** Log-out: the family of this token (nothing when it is unknown). Answers the user whose session it was. */
  async logOut(token: string): Promise<{ user?: UserEntity; family?: string; revoked: number }> {
    if (!REFRESH_TOKEN_PATTERN.test(token)) return { revoked: 0 };
    const [row]: Array<{ family: string; user_id: string }> = await this.dataSource.query(
      `SELECT family, user_id FROM refresh_tokens WHERE token_hash = $1`,
      [hashRefreshToken(token)],
    );
    if (!row) return { revoked: 0 };
    const revoked = await this.revokeFamily(row.family, 'LOGOUT');
    const user = (await this.dataSource.getRepository(UserEntity).findOne({ where: { id: row.user_id } })) ?? undefined;
    return { user, family: row.family, revoked };
  }

  async revokeFamily(family: string, reason: RevokedReason, db: DataSource | EntityManager = this.dataSource): Promise<number> {
    const [{ n }] = await db.query(
      `WITH r AS (UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family = $1 AND revoked_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM r`,
      [family, reason],
    );
    return n;
  }

  /** Every session of the account (password changed or reset, account switched off). */
  async revokeAllOf(userId: string, reason: RevokedReason, db: DataSource | EntityManager = this.dataSource): Promise<number> {
    const [{ n }] = await db.query(
      `WITH r AS (UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM r`,
      [userId, reason],
    );
    return n;
  }

  private async insert(db: DataSource | EntityManager, userId: string, family: string, expiresAt: Date): Promise<IssuedRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    // Tokens of sessions that ended a day ago are of no use to anyone: pruned as new ones are made.
    await db.query(`DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'`);
    await db.query(`INSERT INTO refresh_tokens (family, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [
      family,
      userId,
      hashRefreshToken(refreshToken),
      expiresAt,
    ]);
    return { refreshToken, family, expiresAt };
  }
}
