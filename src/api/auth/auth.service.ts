/**
 * Log-in: user name and password → a signed token. Unknown user, deactivated account and wrong
 * password get the same answer (401 AUTH.INVALID_CREDENTIALS) after the same work: an unknown
 * name is verified against a decoy hash. Failed log-ins are counted per account and per address
 * (LoginThrottle, in PostgreSQL): too many, and the log-in waits (429) before any password is
 * checked; the failure that locks an account is written to the audit log as LOGIN_LOCKED.
 */
import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log';
import { ApiError } from '../errors';
import { LoginThrottle } from '../hardening/login-throttle';
import { actorName, AuthUser, toAuthUser } from './auth-user';
import { LoginResponseDto, UserDto } from './auth.dtos';
import { actionsOf, mayReadAudit, mayReportAtAll, readScopeLabel, seesFullIdentity } from '../../access/permissions';
import { decoyHash, verifyPassword } from './passwords';
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
    const user = toAuthUser(row);
    const accessToken = this.tokens.sign({ sub: user.id, username: user.username, role: user.role, town: user.town });
    return { user, response: { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, user: present(user) } };
  }
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
