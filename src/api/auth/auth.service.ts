/**
 * Log-in: user name and password → a short access token and a refresh token (./sessions.ts). Unknown user, deactivated account and wrong
 * password get the same answer (401 AUTH.INVALID_CREDENTIALS) after the same work: an unknown
 * name is verified against a decoy hash. Failed log-ins are counted per account and per address
 * (LoginThrottle, in PostgreSQL): too many, and the log-in waits (429) before any password is
 * checked; the failure that locks an account is written to the audit log as LOGIN_LOCKED.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserEntity } from '../../read-model/entities';
import { assertStrongPassword } from './password-rule';
import { IssuedRefreshToken, RefreshRefusal, SessionStore } from './sessions';
import { AuditLog } from '../audit/audit-log';
import { ApiError } from '../errors';
import { LoginThrottle } from '../hardening/login-throttle';
import { actorName, AuthUser, toAuthUser } from './auth-user';
import { LoginResponseDto, UserDto } from './auth.dtos';
import { actionsOf, mayReadAudit, mayReportAtAll, readScopeLabel, seesFullIdentity } from '../../access/permissions';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { ROLE_LABELS } from '../../access/roles';
import { TokenService } from './token.service';
import { normaliseUsername, UserStore } from './user-store';

/** Where a log-in comes from, for the limits and the audit log. */
export interface LoginClient {
  ip: string;
  method: string;
  path: string;
}

@Injectable()
export class AuthService {
  /** Started at once, so the first unknown name does not take longer than the others. */
  private readonly decoy = decoyHash();

  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly sessions: SessionStore,
    private readonly dataSource: DataSource,
  ) {}

  async login(username: string, password: string, client: LoginClient): Promise<{ response: LoginResponseDto; user: AuthUser }> {
    const name = normaliseUsername(username).slice(0, 100);
    const hold = await this.throttle.check(name, client.ip);
    if (hold?.kind === 'ADDRESS') throw addressLimited(hold.retryAfterSeconds, this.throttle.addressLimit);
    if (hold?.kind === 'ACCOUNT') {
      await this.throttle.failedWhileLocked(client.ip);
      throw accountLocked(hold.retryAfterSeconds);
    }

    const row = await this.users.findByUsername(username);
    const valid = await verifyPassword(row?.passwordHash ?? (await this.decoy), password);
    if (!row || !row.active || !valid) {
      const counted = await this.throttle.failed(name, client.ip);
      if (counted.lockedSeconds === undefined) throw new ApiError('AUTH.INVALID_CREDENTIALS');
      const error = accountLocked(counted.lockedSeconds);
      await this.audit.record({
        userId: null,
        username: name,
        role: null,
        town: null, // the account's, filled in by the audit log when the name is an account
        ip: client.ip,
        method: client.method,
        path: client.path,
        what: 'LOGIN_LOCKED',
        caseId: null,
        childId: null,
        status: error.status,
        errorCode: error.code,
        detail: { failures: counted.failures, lockedSeconds: counted.lockedSeconds },
      });
      throw error;
    }
    await this.throttle.succeeded(name);
    return this.session(row, await this.sessions.start(row.id));
  }

  /** The next token pair of a session; 401 AUTH.INVALID_REFRESH_TOKEN (reason in details) when it has ended. */
  async refresh(refreshToken: string): Promise<{ response: LoginResponseDto; user: AuthUser } | { refused: ApiError; user?: AuthUser; detail: Record<string, unknown> }> {
    const result = await this.sessions.rotate(refreshToken);
    if (!result.ok) {
      return {
        refused: refreshRefused(result.reason),
        user: result.user ? toAuthUser(result.user) : undefined,
        detail: { reason: result.reason, ...(result.family ? { session: result.family } : {}), ...(result.revoked !== undefined ? { revoked: result.revoked } : {}) },
      };
    }
    return this.session(result.user, result.issued);
  }

  /** Ends the session of a refresh token (nothing to end: answered the same, a log-out never fails). */
  async logOut(refreshToken: string): Promise<{ user?: AuthUser; detail: Record<string, unknown> }> {
    const ended = await this.sessions.logOut(refreshToken);
    return { user: ended.user ? toAuthUser(ended.user) : undefined, detail: { ...(ended.family ? { session: ended.family } : {}), revoked: ended.revoked } };
  }

  /**
   * The user's own change: the old password (or the one-time one) is required, the new one must
   * meet the rule. Every session of the account ends, this one goes on with a new pair.
   */
  async changeOwnPassword(user: AuthUser, oldPassword: string, newPassword: string): Promise<{ response: LoginResponseDto; detail: Record<string, unknown> }> {
    const row = await this.users.findActive(user.id);
    if (!row) throw new ApiError('AUTH.INVALID_TOKEN');
    if (!(await verifyPassword(row.passwordHash, oldPassword))) {
      throw new ApiError('AUTH.WRONG_PASSWORD', { details: { field: 'oldPassword' } });
    }
    assertStrongPassword(newPassword, { username: row.username, oldPassword });
    const passwordHash = await hashPassword(newPassword);
    const { revoked, issued, updated } = await this.dataSource.transaction(async (m) => {
      // Access tokens issued before this second are refused from now on (AuthGuard), the refresh tokens revoked.
      await m.query(
        `UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = date_trunc('second', now()), updated_at = now() WHERE id = $1`,
        [row.id, passwordHash],
      );
      const revoked = await this.sessions.revokeAllOf(row.id, 'PASSWORD_CHANGED', m);
      const issued = await this.sessions.start(row.id, m);
      const updated = await m.getRepository(UserEntity).findOneOrFail({ where: { id: row.id } });
      return { revoked, issued, updated };
    });
    const { response } = this.session(updated, issued);
    return { response, detail: { sessionsEnded: revoked, wasOneTime: row.mustChangePassword } };
  }

  private session(row: UserEntity, issued: IssuedRefreshToken): { response: LoginResponseDto; user: AuthUser } {
    const user = toAuthUser(row);
    // The access token ends with its session at the latest.
    const expiresIn = Math.max(1, Math.min(this.tokens.ttlSeconds, Math.floor((issued.expiresAt.getTime() - Date.now()) / 1000)));
    const accessToken = this.tokens.sign({ sub: user.id, username: user.username, role: user.role, town: user.town }, expiresIn);
    return {
      user,
      response: {
        accessToken,
        tokenType: 'Bearer',
        expiresIn,
        refreshToken: issued.refreshToken,
        sessionExpiresAt: issued.expiresAt.toISOString(),
        passwordChangeRequired: row.mustChangePassword,
        user: present(user),
      },
    };
  }
}

function refreshRefused(reason: RefreshRefusal): ApiError {
  const zh: Record<RefreshRefusal, string> = {
    UNKNOWN: '登录已结束，请重新登录',
    REUSED: '此登录的刷新令牌被重复使用，为安全起见该登录已注销，请重新登录',
    REVOKED: '此登录已注销（已退出、密码已更改或账号已停用），请重新登录',
    EXPIRED: '本次登录已满最长时间，请重新登录',
    INACTIVE: '账号已停用，请联系管理员',
  };
  const en: Record<RefreshRefusal, string> = {
    UNKNOWN: 'The session has ended; log in again',
    REUSED: 'A used refresh token was presented again: the session was revoked for safety; log in again',
    REVOKED: 'The session was ended (log-out, password change or deactivated account); log in again',
    EXPIRED: 'The session reached its longest life; log in again',
    INACTIVE: 'The account is switched off; ask the administrator',
  };
  return new ApiError('AUTH.INVALID_REFRESH_TOKEN', { zh: zh[reason], en: en[reason], details: { reason } });
}

function accountLocked(seconds: number): ApiError {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return new ApiError('AUTH.ACCOUNT_LOCKED', {
    zh: `该账号密码错误次数过多，已暂时锁定，请 ${minutes} 分钟后再试；忘记密码请联系管理员`,
    en: `Too many wrong passwords for this account: it is locked; try again in ${minutes} min, or ask the administrator`,
    details: { retryAfterSeconds: seconds },
  });
}

function addressLimited(seconds: number, limit: { limit: number; windowMs: number }): ApiError {
  return new ApiError('REQUEST.RATE_LIMITED', {
    zh: `此地址登录失败次数过多，请 ${seconds} 秒后再试`,
    en: `Too many failed log-ins from this address; try again in ${seconds} s`,
    details: { retryAfterSeconds: seconds, limit: limit.limit, windowSeconds: Math.round(limit.windowMs / 1000) },
  });
}

export function present(user: AuthUser): UserDto {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role],
    town: user.town,
    area: user.area,
    school: user.school,
    grade: user.grade,
    className: user.className,
    actor: actorName(user),
    permissions: {
      reads: readScopeLabel(user.role),
      report: mayReportAtAll(user.role),
      actions: actionsOf(user.role),
      fullIdentity: seesFullIdentity(user.role),
      readAudit: mayReadAudit(user.role),
    },
  };
}
